from django.urls import path

from himoya.fieldcapture import views

# Pages, under /fieldcapture/.
urlpatterns = [
    path("phones/", views.field_user_list, name="fieldcapture_users"),
    path("phones/<int:pk>/", views.field_user_detail, name="fieldcapture_user"),
    path("phones/<int:pk>/code/", views.field_user_new_code, name="fieldcapture_user_code"),
    path("phones/<int:pk>/revoke/", views.field_user_revoke, name="fieldcapture_user_revoke"),
    path("review/", views.review_queue, name="fieldcapture_review"),
    path("review/<int:pk>/retry/", views.review_retry, name="fieldcapture_review_retry"),
]

# The OpenRosa server ODK Collect talks to, under /odk/ (its server URL).
openrosa_urlpatterns = [
    path("", views.form_list, name="openrosa_root"),
    path("formList", views.form_list, name="openrosa_form_list"),
    path("submission", views.submission, name="openrosa_submission"),
    path(
        "forms/<slug:form_id>/<str:version>/form.xml",
        views.form_download,
        name="openrosa_form_download",
    ),
    path(
        "forms/<slug:form_id>/<str:version>/manifest",
        views.form_manifest,
        name="openrosa_form_manifest",
    ),
]
