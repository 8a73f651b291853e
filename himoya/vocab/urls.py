from django.urls import path

from himoya.vocab import views

urlpatterns = [
    path("", views.codelist_list, name="codelist_list"),
    path("<str:name>/", views.codelist_detail, name="codelist_detail"),
]
