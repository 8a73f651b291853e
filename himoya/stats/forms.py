from django import forms
from django.utils.translation import gettext_lazy as _

from himoya.stats.periods import KINDS

MONTHS = [(str(m), str(m)) for m in range(1, 13)]


class PeriodForm(forms.Form):
    """The period picker; its values travel in the URL so a view can be shared."""

    period = forms.ChoiceField(label=_("Period"), choices=list(KINDS.items()), required=False)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1990, max_value=2100)
    quarter = forms.ChoiceField(
        label=_("Quarter"),
        required=False,
        choices=[("", "—")] + [(str(q), str(q)) for q in range(1, 5)],
    )
    month = forms.ChoiceField(label=_("Month"), required=False, choices=[("", "—"), *MONTHS])
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
