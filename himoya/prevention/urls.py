from django.urls import path

from himoya.prevention import views

urlpatterns = [
    path("contacts/", views.prevention_contact_list, name="prevention_contact_list"),
    path(
        "contacts/from-screening/<int:screening_id>/",
        views.prevention_contact_add,
        name="prevention_contact_add",
    ),
    path("meetings/", views.meeting_list, name="meeting_list"),
    path("meetings/new/", views.meeting_add, name="meeting_add"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("training/", views.training_list, name="training_list"),
    path("training/courses/new/", views.course_add, name="course_add"),
    path("training/sessions/new/", views.training_session_add, name="training_session_add"),
    path(
        "training/sessions/<int:pk>/",
        views.training_session_detail,
        name="training_session_detail",
    ),
    path("awareness/", views.awareness_list, name="awareness_list"),
    path("awareness/new/", views.awareness_add, name="awareness_add"),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_add, name="plan_add"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/add/<slug:part>/", views.plan_part_add, name="plan_part_add"),
    path("plans/<int:pk>/<slug:verb>/", views.plan_change, name="plan_change"),
    path(
        "plans/<int:pk>/progress.<slug:fmt>",
        views.plan_progress_download,
        name="plan_progress_download",
    ),
    path(
        "plans/activities/<int:activity_id>/report/<int:year>/<int:quarter>/",
        views.progress_report,
        name="progress_report",
    ),
    path("plans/evidence/<int:pk>/", views.evidence_file, name="plan_evidence"),
    path(
        "plans/reports/<int:report_id>/<slug:verb>/",
        views.progress_review,
        name="progress_review",
    ),
]
