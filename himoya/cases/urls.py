from django.urls import path

from himoya.cases import views

urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("new/", views.case_register, name="case_register"),
    path("new/<slug:step>/", views.case_register, name="case_register_step"),
    path("<int:case_id>/", views.case_detail, name="case_detail"),
    path("<int:case_id>/identity/", views.case_identity, name="case_identity"),
    path("<int:case_id>/reopen/", views.case_reopen, name="case_reopen"),
    path("<int:case_id>/person/", views.case_person, name="case_person"),
    path("<int:case_id>/situation/", views.case_situation, name="case_situation"),
    path(
        "<int:case_id>/decisions/<int:decision_id>/<slug:verdict>/",
        views.decision_review,
        name="decision_review",
    ),
    path("<int:case_id>/<slug:kind>/", views.case_decide, name="case_decide"),
]
