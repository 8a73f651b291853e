from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from himoya.core import views as core_views
from himoya.organisations import views as org_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/2fa/", org_views.otp_verify, name="otp_verify"),
    path("accounts/2fa/setup/", org_views.otp_setup, name="otp_setup"),
    path("lang/", org_views.set_language, name="set_language"),
    path("orgs/", include("himoya.organisations.urls")),
    path("audit/", include("himoya.audit.urls")),
    path("jobs/", include("himoya.core.urls")),
]

if settings.ADMIN_ENABLED:
    urlpatterns.append(path("django-admin/", admin.site.urls))
