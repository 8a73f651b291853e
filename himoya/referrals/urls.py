from django.urls import path

from himoya.referrals import views

urlpatterns = [
    path("", views.referral_inbox, name="referral_inbox"),
    path("services/", views.service_list, name="service_list"),
    path("services/add/", views.service_add, name="service_add"),
    path("services/<int:offer_id>/", views.service_edit, name="service_edit"),
    path("cases/<int:case_id>/", views.case_referrals, name="case_referrals"),
    path("cases/<int:case_id>/consent/", views.consent_add, name="consent_add"),
    path("cases/<int:case_id>/refer/", views.referral_send, name="referral_send"),
    path("consents/<int:consent_id>/form/", views.consent_form_file, name="consent_form_file"),
    path("consents/<int:consent_id>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("<int:referral_id>/", views.referral_detail, name="referral_detail"),
    path("<int:referral_id>/accept/", views.referral_accept, name="referral_accept"),
    path("<int:referral_id>/decline/", views.referral_decline, name="referral_decline"),
    path("<int:referral_id>/delivered/", views.referral_deliver, name="referral_deliver"),
    path("<int:referral_id>/complete/", views.referral_complete, name="referral_complete"),
    path("<int:referral_id>/case/", views.referral_case, name="referral_case"),
    path("<int:referral_id>/case/identity/", views.referral_identity, name="referral_identity"),
    path("<int:referral_id>/package/", views.referral_package, name="referral_package"),
]
