from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from himoya.organisations.models import Membership, Organisation, User
from himoya.vocab import registry

# Slugs that would shadow a page under /orgs/.
RESERVED_SLUGS = {"new"}


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
        if not token.isdigit() or len(token) != 6:
            raise forms.ValidationError(_("The code is six digits."))
        return token


class OrganisationForm(forms.ModelForm):
    """Create an organisation: names in three languages, kind and regions served."""

    regions = forms.MultipleChoiceField(
        label=_("Regions served"),
        widget=forms.CheckboxSelectMultiple,
        required=True,
    )

    class Meta:
        model = Organisation
        fields = ["slug", "name_tg", "name_ru", "name_en", "kind", "regions", "is_national"]
        help_texts = {"slug": _("Latin letters, digits and hyphens; used in addresses.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regions"].choices = registry.choices("tj_region")

    def clean_slug(self):
        slug = self.cleaned_data["slug"].lower()
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(_("This short name is reserved; choose another."))
        return slug


class MemberForm(forms.Form):
    """Add a new person to an organisation, or give one of its members another role."""

    username = forms.CharField(label=_("User name"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    role = forms.ChoiceField(label=_("Role"))
    password = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput(render_value=True, attrs={"autocomplete": "new-password"}),
        required=False,
        help_text=_("Needed for a new user; at least 10 characters."),
    )

    def __init__(
        self, *args, organisation, roles, may_link_other_users=False, acting_user=None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.acting_user = acting_user
        # Only a system admin may give a role here to someone of another organisation.
        self.may_link_other_users = may_link_other_users
        self.fields["role"].choices = roles

    def clean(self):
        data = super().clean()
        username = data.get("username")
        if not username:
            return data
        user = User.objects.filter(username=username).first()
        if user is not None and self.acting_user is not None and user.pk == self.acting_user.pk:
            self.add_error("username", _("You cannot give yourself a role; ask another admin."))
            return data
        if user is None:
            if not data.get("password"):
                self.add_error("password", _("A new user needs an initial password."))
            else:
                try:
                    password_validation.validate_password(data["password"], User(username=username))
                except forms.ValidationError as exc:
                    self.add_error("password", exc)
        else:
            here = Membership.objects.filter(user=user, organisation=self.organisation)
            if not self.may_link_other_users and not here.exists():
                self.add_error("username", _("This user name is taken; choose another."))
            elif here.filter(role=data.get("role")).exists():
                self.add_error("role", _("This person already has this role here."))
        data["existing_user"] = user
        return data


class MembershipForm(forms.Form):
    """Change a member's role or switch their access in this organisation on or off."""

    role = forms.ChoiceField(label=_("Role"))
    is_active = forms.BooleanField(
        label=_("Active"),
        required=False,
        help_text=_("A deactivated member can no longer open anything of this organisation."),
    )

    def __init__(self, *args, membership, roles, acting_user, **kwargs):
        kwargs.setdefault("initial", {"role": membership.role, "is_active": membership.is_active})
        super().__init__(*args, **kwargs)
        self.membership = membership
        self.acting_user = acting_user
        self.fields["role"].choices = roles

    def clean(self):
        data = super().clean()
        own = self.membership.user_id == self.acting_user.pk
        if own and (data.get("role") != self.membership.role or not data.get("is_active", False)):
            raise forms.ValidationError(
                _("You cannot change your own role or access; ask another admin.")
            )
        return data


class OwnPasswordChangeForm(PasswordChangeForm):
    """Change one's own password; the new one must differ from the one it replaces."""

    def clean(self):
        data = super().clean()
        new = data.get("new_password1")
        if new and "new_password2" not in self.errors and self.user.check_password(new):
            self.add_error(
                "new_password2",
                forms.ValidationError(
                    _("Choose a new password; this is the one you have now."),
                    code="password_reused",
                ),
            )
        return data
