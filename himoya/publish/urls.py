from django.urls import path

from himoya.publish import views

urlpatterns = [
    path("", views.release_list, name="release_list"),
    path("new/", views.release_add, name="release_add"),
    path("<int:pk>/", views.release_detail, name="release_detail"),
    path("<int:pk>/approve/", views.release_approve, name="release_approve"),
    path("<int:pk>/files/<int:file_pk>/", views.release_file, name="release_file"),
]
