from django.urls import path

from himoya.interop import views

urlpatterns = [
    path("", views.interop_home, name="interop_home"),
    path("<slug:slug>/import/", views.import_start, name="interop_import"),
    path("<slug:slug>/export/", views.export_start, name="interop_export"),
    path("report/<int:job_id>/", views.import_report, name="interop_import_report"),
]
