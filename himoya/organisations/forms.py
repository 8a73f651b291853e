from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from himoya.organisations.models import Membership, User


class TOTPForm(forms.Form):
    token = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
    )

    def clean_token(self):
        token = "".join(self.cleaned_data["token"].split())
        if not token.isdigit():
            raise forms.ValidationError(_("The code is six digits."))
        return token


class MemberForm(forms.Form):
    """Add a person to an organisation, or give an existing user a role there."""

    username = forms.CharField(label=_("User name"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    role = forms.ChoiceField(label=_("Role"))
    password = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput(render_value=True),
        required=False,
        help_text=_("Needed for a new user; at least 10 characters."),
    )

    def __init__(self, *args, organisation, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["role"].choices = roles

    def clean(self):
        data = super().clean()
        username = data.get("username")
        if not username:
            return data
        user = User.objects.filter(username=username).first()
        if user is None:
            if not data.get("password"):
                self.add_error("password", _("A new user needs an initial password."))
            else:
                try:
                    password_validation.validate_password(data["password"], User(username=username))
                except forms.ValidationError as exc:
                    self.add_error("password", exc)
        elif Membership.objects.filter(
            user=user, organisation=self.organisation, role=data.get("role")
        ).exists():
            self.add_error("role", _("This person already has this role here."))
        data["existing_user"] = user
        return data


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["role", "is_active"]

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = roles
