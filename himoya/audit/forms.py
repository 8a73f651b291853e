import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from himoya.audit.models import AuditEvent


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Action"),
        required=False,
        choices=[("", _("All actions")), *AuditEvent.Action.choices],
    )
    user = forms.CharField(label=_("User name"), required=False, max_length=150)
    object_type = forms.CharField(label=_("Object type"), required=False, max_length=64)
    organisation = OrganisationChoiceField(
        label=_("Organisation"),
        required=False,
        queryset=None,
        empty_label=_("All organisations"),
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, organisations, **kwargs):
        """`organisations`: those whose events the reader may see, or None for no choice."""
        super().__init__(*args, **kwargs)
        if organisations is None:
            del self.fields["organisation"]
        else:
            self.fields["organisation"].queryset = organisations

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data

    def apply(self, qs):
        data = self.cleaned_data
        if data.get("action"):
            qs = qs.filter(action=data["action"])
        if data.get("user"):
            qs = qs.filter(actor_name__iexact=data["user"].strip())
        if data.get("object_type"):
            qs = qs.filter(object_type__icontains=data["object_type"].strip())
        if data.get("organisation"):
            qs = qs.filter(organisation=data["organisation"])
        # Whole days in the reader's time zone, as a range the index on `at` can serve.
        if data.get("date_from"):
            qs = qs.filter(at__gte=_start_of(data["date_from"]))
        if data.get("date_to"):
            qs = qs.filter(at__lt=_start_of(data["date_to"] + datetime.timedelta(days=1)))
        return qs


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
