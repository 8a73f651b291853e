from django.urls import path

from himoya.stats import views

urlpatterns = [
    path("", views.dashboard, name="stats_dashboard"),
    path("api/<slug:key>/", views.indicator_json, name="stats_indicator_json"),
    path("reports/", views.report_list, name="stats_reports"),
    path("reports/<slug:key>/", views.report_detail, name="stats_report"),
    path("reports/<slug:key>/xlsx/", views.report_export, name="stats_report_export"),
]
