from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from himoya.core import views as core_views
from himoya.fieldcapture.urls import openrosa_urlpatterns
from himoya.organisations import views as org_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("metrics", core_views.metrics, name="metrics"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", org_views.password_change, name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/2fa/", org_views.otp_verify, name="otp_verify"),
    path("accounts/2fa/setup/", org_views.otp_setup, name="otp_setup"),
    path("lang/", org_views.set_language, name="set_language"),
    path("orgs/<slug:slug>/api/", include("himoya.api.admin_urls")),
    path("orgs/", include("himoya.organisations.urls")),
    path("retention/", include("himoya.retention.urls")),
    path("api/", include("himoya.api.urls")),
    path("audit/", include("himoya.audit.urls")),
    path("jobs/", include("himoya.core.urls")),
    path("vocab/", include("himoya.vocab.urls")),
    path("cases/", include("himoya.cases.urls")),
    path("screening/", include("himoya.screening.urls")),
    path("referrals/", include("himoya.referrals.urls")),
    path("assistance/", include("himoya.assistance.urls")),
    path("justice/", include("himoya.justice.urls")),
    path("hotline/", include("himoya.hotline.urls")),
    path("prevention/", include("himoya.prevention.urls")),
    path("stats/", include("himoya.stats.urls")),
    path("publish/", include("himoya.publish.urls")),
    path("linkage/", include("himoya.linkage.urls")),
    path("interop/", include("himoya.interop.urls")),
    path("reference/", include("himoya.reference.urls")),
    path("fieldcapture/", include("himoya.fieldcapture.urls")),
    path("odk/", include(openrosa_urlpatterns)),
]

if settings.ADMIN_ENABLED:
    urlpatterns.append(path("django-admin/", admin.site.urls))
