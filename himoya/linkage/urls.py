from django.urls import path

from himoya.linkage import views

urlpatterns = [
    path("", views.queue, name="linkage_queue"),
    path("pair/<int:first>/<int:second>/", views.pair, name="linkage_pair"),
]
urlpatterns += [
    path(
        "case/<int:case_id>/duplicate/<int:duplicate_id>/dismiss/",
        views.dismiss_duplicate,
        name="linkage_dismiss_duplicate",
    ),
]
