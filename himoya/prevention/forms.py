from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from himoya.vocab import registry


class PreventionContactForm(forms.Form):
    contacted_on = forms.DateField(
        label=_("Date"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    actions = forms.MultipleChoiceField(label=_("Help given"), widget=forms.CheckboxSelectMultiple)
    referred_to = forms.CharField(
        label=_("Referred to"),
        max_length=200,
        required=False,
        help_text=_("Name of the migrant resource centre or service, if any."),
    )
    note = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("No names or contact details here."),
    )
    counted_as_prevented = forms.BooleanField(
        label=_("Count as a prevented case"), required=False, initial=True
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actions"].choices = registry.choices("prevention_action")
