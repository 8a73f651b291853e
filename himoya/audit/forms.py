from django import forms
from django.utils.translation import gettext_lazy as _

from himoya.audit.models import AuditEvent


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Action"),
        required=False,
        choices=[("", _("All actions")), *AuditEvent.Action.choices],
    )
    user = forms.CharField(label=_("User name"), required=False, max_length=150)
    object_type = forms.CharField(label=_("Object type"), required=False, max_length=64)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            raise forms.ValidationError(_("The end date is before the start date."))
        return data

    def apply(self, qs):
        data = self.cleaned_data
        if data.get("action"):
            qs = qs.filter(action=data["action"])
        if data.get("user"):
            qs = qs.filter(actor_name__iexact=data["user"])
        if data.get("object_type"):
            qs = qs.filter(object_type__icontains=data["object_type"])
        if data.get("date_from"):
            qs = qs.filter(at__date__gte=data["date_from"])
        if data.get("date_to"):
            qs = qs.filter(at__date__lte=data["date_to"])
        return qs
