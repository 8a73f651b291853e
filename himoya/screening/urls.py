from django.urls import path

from himoya.screening import views

urlpatterns = [
    path("", views.screening_list, name="screening_list"),
    path("new/", views.screening_start, name="screening_start"),
    path("<int:pk>/", views.screening_detail, name="screening_detail"),
    path("<int:pk>/answers/", views.screening_answers, name="screening_answers"),
    path("<int:pk>/decide/", views.screening_decide, name="screening_decide"),
    path("<int:pk>/case/", views.screening_open_case, name="screening_open_case"),
    path("checklists/", views.checklist_list, name="checklist_list"),
    path("checklists/new/", views.checklist_create, name="checklist_create"),
    path("checklists/<int:pk>/copy/", views.checklist_copy, name="checklist_copy"),
    path("checklists/<int:pk>/active/", views.checklist_set_active, name="checklist_set_active"),
    path("checklists/versions/<int:pk>/", views.checklist_version, name="checklist_version"),
    path(
        "checklists/versions/<int:pk>/indicators/add/",
        views.indicator_add,
        name="indicator_add",
    ),
    path("checklists/indicators/<int:pk>/", views.indicator_edit, name="indicator_edit"),
    path(
        "checklists/indicators/<int:pk>/remove/",
        views.indicator_remove,
        name="indicator_remove",
    ),
]
