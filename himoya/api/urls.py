from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import SimpleRouter

from himoya.api import views

router = SimpleRouter()
router.register("cases", views.CaseViewSet, basename="api-case")
router.register("persons", views.PersonViewSet, basename="api-person")
router.register("screenings", views.ScreeningViewSet, basename="api-screening")
router.register("referrals", views.ReferralViewSet, basename="api-referral")
router.register("services", views.ServiceDeliveryViewSet, basename="api-service")
router.register("follow-ups", views.FollowUpViewSet, basename="api-follow-up")
router.register("proceedings", views.ProceedingViewSet, basename="api-proceeding")
router.register("service-directory", views.ServiceOfferViewSet, basename="api-service-offer")
router.register("indicators", views.IndicatorViewSet, basename="api-indicator")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    # Swagger UI sets style attributes from its script; its init script is a file of its own
    # (the split view), so only inline styles are allowed, and only on this page. (Redoc is
    # not offered: it fetches fonts from Google and injects styles.)
    path(
        "docs/",
        csp_update({"style-src": [UNSAFE_INLINE]})(
            SpectacularSwaggerSplitView.as_view(url_name="api_schema")
        ),
        name="api_docs",
    ),
    path("v1/", include(router.urls)),
    path("v1/<path:rest>", views.not_found),
]
