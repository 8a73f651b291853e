import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from himoya.access import policy
from himoya.api.models import ApiToken, Event, Part

MAX_DAYS = 366
DATE = forms.DateInput(attrs={"type": "date"})


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("What the token is for"),
        max_length=100,
        help_text=_("For example: the shelter's case database. No names of victims."),
    )
    kind = forms.ChoiceField(
        label=_("The token acts"), choices=ApiToken.Kind.choices, widget=forms.RadioSelect
    )
    member = forms.TypedChoiceField(
        label=_("As which member"), coerce=int, required=False, empty_value=None
    )
    system_role = forms.ChoiceField(
        label=_("With which role (for a system)"),
        required=False,
        help_text=_("A system gets an account of its own, with this role in the organisation."),
    )
    access = forms.ChoiceField(
        label=_("Access"), choices=ApiToken.Access.choices, widget=forms.RadioSelect
    )
    parts = forms.MultipleChoiceField(
        label=_("Parts of the API"), choices=Part.choices, widget=forms.CheckboxSelectMultiple
    )
    expires_on = forms.DateField(label=_("Valid until"), widget=DATE)

    def __init__(self, *args, organisation, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        members = organisation.memberships.filter(is_active=True, user__is_active=True)
        self.members = {m.user_id: m.user for m in members.select_related("user")}
        self.fields["member"].choices = [("", "—")] + [
            (pk, u.get_username())
            for pk, u in sorted(self.members.items(), key=lambda i: i[1].username)
        ]
        self.fields["system_role"].choices = [("", "—")] + policy.assignable_roles(
            user, organisation
        )
        self.fields["expires_on"].initial = timezone.localdate() + datetime.timedelta(days=90)

    def clean_expires_on(self):
        day = self.cleaned_data["expires_on"]
        today = timezone.localdate()
        if day < today:
            raise forms.ValidationError(_("Choose a day from today on."))
        if day > today + datetime.timedelta(days=MAX_DAYS):
            raise forms.ValidationError(_("A token is valid for a year at most."))
        return day

    def clean(self):
        data = super().clean()
        if data.get("kind") == ApiToken.Kind.PERSON:
            if data.get("member") not in self.members:
                self.add_error("member", _("Choose the member the token acts as."))
            else:
                data["member"] = self.members[data["member"]]
        elif data.get("kind") == ApiToken.Kind.SYSTEM:
            data["member"] = None
            if not data.get("system_role"):
                self.add_error("system_role", _("Choose the system's role."))
        return data


class WebhookForm(forms.Form):
    url = forms.URLField(
        label=_("Receiving address"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Himoya posts each event there, signed with the secret shown once."),
    )
    events = forms.MultipleChoiceField(
        label=pgettext_lazy("webhook", "Events"),
        choices=Event.choices,
        widget=forms.CheckboxSelectMultiple,
    )
