from typing import cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from himoya.publish import actions
from himoya.publish import fields as F
from himoya.publish.models import Release
from himoya.publish.population import BORDER_ALL, BORDER_CROSS, BORDER_INTERNAL
from himoya.vocab import registry


def date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReleaseForm(forms.Form):
    title = forms.CharField(
        label=pgettext_lazy("name of a plan, meeting or course", "Title"), max_length=200
    )
    method = forms.ChoiceField(label=_("Method"), widget=forms.RadioSelect)
    period_start = forms.DateField(label=_("From"), widget=date_input())
    period_end = forms.DateField(label=_("To"), widget=date_input())
    statuses = forms.MultipleChoiceField(
        label=_("Trafficking statuses"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every status."),
    )
    border = forms.ChoiceField(label=_("Trafficking"), widget=forms.RadioSelect)
    published = forms.MultipleChoiceField(
        label=_("Published fields"), widget=forms.CheckboxSelectMultiple
    )
    quasi_identifiers = forms.MultipleChoiceField(
        label=_("Quasi-identifiers (k-anonymity)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Fields someone could know about a person from elsewhere."),
    )
    k = forms.IntegerField(
        label=_("k"),
        initial=actions.DEFAULT_K,
        required=False,
        help_text=_("Every combination of quasi-identifiers describes at least k persons."),
    )
    epsilon = forms.FloatField(
        label=_("ε (differential privacy)"),
        initial=actions.DEFAULT_EPSILON,
        required=False,
        help_text=_("Smaller is safer and less accurate; 4 is a common choice."),
    )
    delta = forms.FloatField(
        label=_("δ"), required=False, help_text=_("Leave empty for the default.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["method"]).choices = Release.Method.choices
        cast(forms.MultipleChoiceField, self.fields["statuses"]).choices = registry.choices(
            "vic_TraffickingStatus"
        )
        cast(forms.ChoiceField, self.fields["border"]).choices = [
            (BORDER_ALL, _("All")),
            (BORDER_CROSS, _("Cross-border only")),
            (BORDER_INTERNAL, _("Internal only")),
        ]
        published = [(f, f"{f} — {label}") for f, label in F.PUBLISHABLE.items()]
        cast(forms.MultipleChoiceField, self.fields["published"]).choices = published
        cast(forms.MultipleChoiceField, self.fields["quasi_identifiers"]).choices = [
            (f, f) for f in F.PUBLISHABLE
        ]
        if not self.is_bound:
            today = timezone.localdate()
            self.initial.setdefault(
                "period_start", today.replace(year=today.year - 1, month=1, day=1)
            )
            self.initial.setdefault(
                "period_end", today.replace(year=today.year - 1, month=12, day=31)
            )
            self.initial.setdefault("border", BORDER_ALL)
            self.initial.setdefault("method", Release.Method.KANON)
            self.initial.setdefault(
                "published", [*F.DEFAULT_QUASI_IDENTIFIERS, *F.DEFAULT_SENSITIVE]
            )
            self.initial.setdefault("quasi_identifiers", F.DEFAULT_QUASI_IDENTIFIERS)
