from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from himoya.access.roles import Role
from himoya.fieldcapture.models import FieldUser


class FieldUserForm(forms.ModelForm):
    organisation: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Organisation"), queryset=None, empty_label=None
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[(r.value, r.label) for r in (Role.RESPONDER, Role.CASEWORKER)],
    )

    class Meta:
        model = FieldUser
        fields = ["label", "language"]

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["language"] = forms.ChoiceField(
            label=_("Language"), choices=settings.LANGUAGES, initial="tg"
        )
        self.order_fields(["organisation", "label", "role", "language"])
