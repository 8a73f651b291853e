from django.urls import path

from himoya.justice import views

urlpatterns = [
    path("", views.proceeding_list, name="proceeding_list"),
    path("new/", views.proceeding_create, name="proceeding_create"),
    path("figures/", views.justice_figures, name="justice_figures"),
    path("<int:pk>/", views.proceeding_detail, name="proceeding_detail"),
    path("<int:pk>/identity/", views.proceeding_identity, name="proceeding_identity"),
    path("<int:pk>/articles/", views.proceeding_articles, name="proceeding_articles"),
    path("<int:pk>/step/<slug:step>/", views.proceeding_step, name="proceeding_step"),
    path("<int:pk>/verdict/", views.proceeding_verdict, name="proceeding_verdict"),
    path("<int:pk>/compensation/", views.proceeding_compensation, name="proceeding_compensation"),
    path("<int:pk>/hearings/add/", views.hearing_add, name="hearing_add"),
    path("<int:pk>/perpetrators/add/", views.perpetrator_add, name="perpetrator_add"),
    path(
        "<int:pk>/perpetrators/<int:defendant_id>/cases/",
        views.perpetrator_cases,
        name="perpetrator_cases",
    ),
    path("<int:pk>/victims/add/", views.victim_add, name="victim_add"),
    path(
        "<int:pk>/victims/<int:participation_id>/",
        views.participation_edit,
        name="participation_edit",
    ),
    path(
        "<int:pk>/victims/<int:participation_id>/lawyer/",
        views.representation_add,
        name="representation_add",
    ),
    path(
        "<int:pk>/lawyers/<int:representation_id>/end/",
        views.representation_end,
        name="representation_end",
    ),
    path(
        "<int:pk>/victims/<int:participation_id>/told/",
        views.notification_add,
        name="notification_add",
    ),
]
