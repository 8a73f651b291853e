from django.urls import path

from himoya.prevention import views

urlpatterns = [
    path("contacts/", views.prevention_contact_list, name="prevention_contact_list"),
    path(
        "contacts/from-screening/<int:screening_id>/",
        views.prevention_contact_add,
        name="prevention_contact_add",
    ),
]
