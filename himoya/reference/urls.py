from django.urls import path

from himoya.reference import views

urlpatterns = [path("", views.compare, name="reference_compare")]
