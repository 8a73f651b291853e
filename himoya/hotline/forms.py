from django import forms
from django.utils.translation import gettext_lazy as _

from himoya.hotline.models import HotlineContact
from himoya.vocab import registry


class HotlineContactForm(forms.ModelForm):
    class Meta:
        model = HotlineContact
        fields = [
            "channel",
            "caller_type",
            "language",
            "topic",
            "region",
            "urgency",
            "duration_minutes",
            "caller_name",
            "caller_phone",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        coded = {
            "channel": ("hotline_channel", _("Channel"), False),
            "caller_type": ("hotline_caller_type", _("Caller"), False),
            "language": ("hotline_language", _("Language"), False),
            "topic": ("hotline_topic", _("Topic"), False),
            "region": ("tj_region", _("Region"), True),
            "urgency": ("hotline_urgency", _("Urgency"), False),
        }
        for name, (list_name, label, blank) in coded.items():
            self.fields[name] = forms.ChoiceField(
                label=label,
                choices=registry.choices(list_name, blank=blank),
                required=not blank,
                widget=forms.RadioSelect if name in ("channel", "urgency") else forms.Select,
            )
        self.fields["channel"].initial = "phone"
        self.fields["urgency"].initial = "routine"
        self.fields["language"].initial = "tg"
        if organisation.regions:
            self.fields["region"].initial = organisation.regions[0]
        for name in ("caller_name", "caller_phone", "notes"):
            self.fields[name].required = False
        self.fields["caller_name"].help_text = _("Optional. Stored encrypted.")
        self.fields["notes"].help_text = _("Stored encrypted.")
        self.fields["duration_minutes"].widget.attrs["inputmode"] = "numeric"


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField()
    referred_to = forms.CharField(max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = registry.choices("hotline_outcome")


class AttachCaseForm(forms.Form):
    reference = forms.CharField(label=_("Case reference"), max_length=32)
