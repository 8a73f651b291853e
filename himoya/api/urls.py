from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
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
    path("docs/", SpectacularSwaggerView.as_view(url_name="api_schema"), name="api_docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api_schema"), name="api_redoc"),
    path("v1/", include(router.urls)),
    path("v1/<path:rest>", views.not_found),
]
