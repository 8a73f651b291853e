from django.urls import path

from himoya.core import views

urlpatterns = [
    path("<int:job_id>/", views.job_detail, name="job_detail"),
    path("<int:job_id>/progress/", views.job_progress, name="job_progress"),
    path("<int:job_id>/download/", views.job_download, name="job_download"),
]
