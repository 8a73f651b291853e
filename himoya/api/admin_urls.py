from django.urls import path

from himoya.api import admin_views

urlpatterns = [
    path("tokens/", admin_views.token_list, name="api_token_list"),
    path("tokens/<int:token_id>/revoke/", admin_views.token_revoke, name="api_token_revoke"),
    path("webhooks/", admin_views.webhook_list, name="api_webhook_list"),
    path("webhooks/<int:webhook_id>/", admin_views.webhook_toggle, name="api_webhook_toggle"),
]
