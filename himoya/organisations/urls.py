from django.urls import path

from himoya.organisations import views

urlpatterns = [
    path("", views.organisation_list, name="organisation_list"),
    path("new/", views.organisation_create, name="organisation_create"),
    path("<slug:slug>/", views.organisation_detail, name="organisation_detail"),
    path("<slug:slug>/members/add/", views.member_add, name="member_add"),
    path("<slug:slug>/members/<int:membership_id>/", views.member_edit, name="member_edit"),
    path(
        "<slug:slug>/members/<int:membership_id>/unlock/",
        views.member_unlock,
        name="member_unlock",
    ),
    path(
        "<slug:slug>/members/<int:membership_id>/reset-2fa/",
        views.member_reset_second_factor,
        name="member_reset_second_factor",
    ),
]
