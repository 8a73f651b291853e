from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from himoya.organisations.models import Organisation
from himoya.referrals import documents
from himoya.referrals.models import Consent, ServiceOffer
from himoya.referrals.package import MIN_PASSPHRASE
from himoya.vocab import registry


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def code_choice(list_name: str, label, required=True) -> forms.ChoiceField:
    """A select of one code list (the models store plain codes, the lists live in vocab)."""
    return forms.ChoiceField(
        label=label, choices=registry.choices(list_name, blank=True), required=required
    )


def _checkboxes(list_name: str, label, required=False, only=None) -> forms.MultipleChoiceField:
    choices = [(c, lbl) for c, lbl in registry.choices(list_name) if only is None or c in only]
    return forms.MultipleChoiceField(
        label=label, choices=choices, required=required, widget=forms.CheckboxSelectMultiple
    )


class ServiceSearchForm(forms.Form):
    service = forms.ChoiceField(label=_("Service"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)
    group = forms.ChoiceField(label=_("For whom"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = registry.choices("assistance_service", blank=True)
        self.fields["region"].choices = registry.choices("tj_region", blank=True)
        self.fields["group"].choices = registry.choices("assistance_target_group", blank=True)


class ServiceOfferForm(forms.ModelForm):
    service = code_choice("assistance_service", _("Service"))
    regions = _checkboxes("tj_region", _("Regions"), required=True)
    target_groups = _checkboxes("assistance_target_group", _("For whom"), required=True)

    class Meta:
        model = ServiceOffer
        fields = [
            "service",
            "regions",
            "districts",
            "target_groups",
            "contact_hours",
            "contact_phone",
            "notes",
            "is_active",
        ]

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.instance.organisation = organisation
        if "tj_district" in registry.names():
            self.fields["districts"] = _checkboxes("tj_district", _("Districts"))
        else:
            del self.fields["districts"]
        self.fields["contact_hours"].help_text = _("For example: Mon–Fri 8:00–17:00")

    def clean_service(self):
        service = self.cleaned_data["service"]
        others = ServiceOffer.objects.filter(organisation=self.organisation, service=service)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("Your organisation already lists this service."))
        return service


class ConsentForm(forms.ModelForm):
    purpose = code_choice("consent_purpose", _("Purpose"))
    status = forms.ChoiceField(
        label=_("Decision"),
        choices=[(Consent.Status.GIVEN, _("Given")), (Consent.Status.REFUSED, _("Refused"))],
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Consent
        fields = [
            "purpose",
            "recipient_organisation",
            "external_recipient",
            "status",
            "decided_on",
            "method",
            "form_file",
            "witness_name",
            "guardian_name",
            "guardian_relationship",
        ]
        widgets = {
            "decided_on": DateInput(),
            "method": forms.RadioSelect,
            "form_file": forms.ClearableFileInput(
                attrs={"accept": "application/pdf,image/jpeg,image/png"}
            ),
        }

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        self.fields["recipient_organisation"].queryset = Organisation.objects.filter(
            is_active=True
        ).order_by("slug")
        self.fields["recipient_organisation"].empty_label = _("— none named —")
        self.fields["purpose"].choices = [("", _("— choose the purpose —"))] + registry.choices(
            "consent_purpose"
        )
        # A radio list offers no empty choice: the person's answer is chosen, never assumed.
        self.fields["method"].choices = Consent.Method.choices
        self.fields["recipient_organisation"].help_text = _(
            "For a referral: the organisation the person agrees to be referred to."
        )
        self.fields["external_recipient"].help_text = _(
            "Or, for a referral abroad: the organisation outside Himoya, by name."
        )
        self.fields["witness_name"].help_text = _("Needed when consent is given verbally.")
        self.is_child = bool(
            case.person.age_at_identification is not None and case.person.age_at_identification < 18
        )
        if self.is_child:
            self.fields["guardian_name"].required = True

    def clean_form_file(self):
        upload = self.cleaned_data.get("form_file")
        if not upload or not hasattr(upload, "content_type"):  # nothing new was uploaded
            return upload
        ext = documents.check_signed_form(upload)
        # The person's name is often in the file name: the stored name says only what it is.
        upload.name = f"signed-form.{ext}"
        return upload

    def clean(self):
        data = super().clean()
        method = data.get("method")
        if method == Consent.Method.SIGNED_FORM and not data.get("form_file"):
            self.add_error("form_file", _("Upload the signed form."))
        if method == Consent.Method.VERBAL and not data.get("witness_name"):
            self.add_error("witness_name", _("Name the witness of the verbal consent."))
        if data.get("purpose") == "referral":
            org, external = data.get("recipient_organisation"), data.get("external_recipient")
            if not org and not external:
                self.add_error(
                    "recipient_organisation",
                    _("Consent to a referral names the organisation it is for."),
                )
            if org and external:
                self.add_error("external_recipient", _("Name one organisation only."))
        if self.is_child and not data.get("guardian_name"):
            self.add_error("guardian_name", _("The person is a child: name the guardian."))
        return data


class ReferralForm(forms.Form):
    recipient_kind = forms.ChoiceField(
        label=_("Refer to"),
        choices=[
            ("himoya", _("An organisation in Himoya")),
            ("external", _("An organisation outside Himoya (abroad)")),
        ],
        initial="himoya",
        required=False,
        widget=forms.RadioSelect,
    )
    to_organisation = forms.ModelChoiceField(
        label=_("Organisation in Himoya"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("— choose the organisation —"),
    )
    external_recipient = forms.CharField(
        label=_("Organisation outside Himoya"), max_length=200, required=False
    )
    external_country = forms.ChoiceField(label=_("Its country"), required=False)
    services = _checkboxes("assistance_service", _("Services asked for"), required=True)
    shared_parts = forms.MultipleChoiceField(
        label=_("Share with the receiving organisation"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Share the minimum the service needs. Identity only when it is needed."),
    )
    message = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("What the receiving organisation needs to know. No names here."),
    )
    passphrase = forms.CharField(
        label=_("Passphrase for the export package"),
        widget=forms.PasswordInput(render_value=False),
        required=False,
        # Formatted per request (in __init__): `%` on a lazy text would fix one language.
    )

    def __init__(self, *args, organisation, parts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["passphrase"].help_text = _(
            "Only for an organisation outside Himoya: at least %(n)s characters. "
            "Tell it to the receiver by another channel (phone)."
        ) % {"n": MIN_PASSPHRASE}
        self.organisation = organisation
        self.fields["to_organisation"].queryset = (
            Organisation.objects.filter(is_active=True).exclude(pk=organisation.pk).order_by("slug")
        )
        self.fields["shared_parts"].choices = [
            (c, lbl) for c, lbl in registry.choices("referral_share_part") if c in parts
        ]
        countries = registry.choices("country", blank=True) if "country" in registry.names() else []
        if countries:
            self.fields["external_country"].choices = countries
        else:
            self.fields["external_country"] = forms.CharField(
                label=_("Its country (ISO code)"), max_length=2, required=False
            )

    def clean(self):
        data = super().clean()
        kind = data.get("recipient_kind") or (
            "external"
            if data.get("external_recipient") and not data.get("to_organisation")
            else "himoya"
        )
        data["recipient_kind"] = kind
        if kind == "himoya":
            data["external_recipient"], data["external_country"] = "", ""
            if not data.get("to_organisation"):
                self.add_error("to_organisation", _("Choose the organisation in Himoya."))
        else:
            data["to_organisation"] = None
            if not data.get("external_recipient"):
                self.add_error("external_recipient", _("Name the organisation outside Himoya."))
            if len(data.get("passphrase") or "") < MIN_PASSPHRASE:
                self.add_error(
                    "passphrase",
                    _("The passphrase needs at least %(n)s characters.") % {"n": MIN_PASSPHRASE},
                )
        return data


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you decline?"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class InboxFilterForm(forms.Form):
    """Filters of the referral inbox: which answers, and sent between which days."""

    SHOW = [
        ("open", pgettext_lazy("referrals shown", "Open")),
        ("waiting", _("Waiting for an answer")),
        ("overdue", _("Overdue")),
        ("accepted", _("Accepted")),
        ("all", pgettext_lazy("referrals shown", "All")),
    ]

    show = forms.ChoiceField(label=_("Show"), choices=SHOW, required=False)
    sent_from = forms.DateField(label=_("Sent from"), required=False, widget=DateInput())
    sent_to = forms.DateField(label=_("Sent to"), required=False, widget=DateInput())

    def clean(self):
        data = super().clean()
        start, end = data.get("sent_from"), data.get("sent_to")
        if start and end and start > end:
            self.add_error("sent_to", _("The end is before the start."))
        return data
