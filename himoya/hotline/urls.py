from django.urls import path

from himoya.hotline import views

urlpatterns = [
    path("", views.hotline_desk, name="hotline_desk"),
    path("<int:pk>/outcome/", views.hotline_outcome, name="hotline_outcome"),
    path("<int:pk>/case/", views.hotline_attach_case, name="hotline_attach_case"),
    path("<int:pk>/identity/", views.hotline_identity, name="hotline_identity"),
]
