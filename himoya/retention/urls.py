from django.urls import path

from himoya.retention import views

urlpatterns = [
    path("cases/<int:case_id>/legal-hold/", views.legal_hold, name="legal_hold"),
    path(
        "cases/<int:case_id>/subject-access/",
        views.subject_access_report,
        name="subject_access_report",
    ),
]
