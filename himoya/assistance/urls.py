from django.urls import path

from himoya.assistance import views

urlpatterns = [
    path("cases/<int:case_id>/", views.case_assistance, name="case_assistance"),
    path("cases/<int:case_id>/safety-plan/", views.case_safety_plan, name="case_safety_plan"),
    path("cases/<int:case_id>/plan/", views.plan_edit, name="plan_edit"),
    path("cases/<int:case_id>/plan/close/", views.plan_close, name="plan_close"),
    path("cases/<int:case_id>/services/add/", views.service_add, name="service_delivery_add"),
    path("services/<int:delivery_id>/", views.service_edit, name="service_delivery_edit"),
    path("cases/<int:case_id>/risk/add/", views.risk_add, name="risk_add"),
    path("follow-ups/", views.follow_up_list, name="follow_up_list"),
    path("follow-ups/<int:follow_up_id>/", views.follow_up_edit, name="follow_up_edit"),
]
