from django import forms
from django.utils.translation import gettext_lazy as _

from himoya.access.roles import Role
from himoya.organisations.models import Membership
from himoya.vocab import registry


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def date_field(label, required=True):
    return forms.DateField(label=label, required=required, widget=DateInput())


def code_field(list_name, label, required=True):
    return forms.ChoiceField(
        label=label, required=required, choices=registry.choices(list_name, blank=not required)
    )


def codes_field(list_name, label, required=True):
    return forms.MultipleChoiceField(
        label=label,
        required=required,
        choices=registry.choices(list_name),
        widget=forms.CheckboxSelectMultiple,
    )


def money_field(label):
    return forms.DecimalField(label=label, required=False, min_value=0, decimal_places=2)


class ProceedingForm(forms.Form):
    organisation: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Investigating agency"), queryset=None
    )
    kind = code_field("jus_ProceedingKind", _("Kind"))
    case_number = forms.CharField(label=_("Case number"), max_length=100)
    opened_on = date_field(_("Opened on"))
    court = forms.CharField(label=_("Court"), max_length=200, required=False)
    articles = codes_field("jus_CriminalCodeArticle", _("Criminal Code articles"), False)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        if organisations.count() == 1:
            self.fields["organisation"].initial = organisations.first()


class ArticlesForm(forms.Form):
    articles = codes_field("jus_CriminalCodeArticle", _("Criminal Code articles"), False)


class StepForm(forms.Form):
    on = date_field(_("Date"))


class TrialForm(StepForm):
    court = forms.CharField(label=_("Court"), max_length=200, required=False)


class VerdictForm(forms.Form):
    on = date_field(_("Date of the decision"))
    outcome = forms.ChoiceField(label=_("Outcome"))
    reclassified_to = code_field(
        "jus_CriminalCodeArticle", _("Reclassified to article"), required=False
    )
    compensation_ordered = money_field(_("Compensation ordered (somoni)"))

    def __init__(self, *args, proceeding, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [
            (c.code, registry.label_lazy("jus_Outcome", c.code))
            for c in registry.codelist("jus_Outcome")
            if proceeding.kind in c.extra.get("kinds", [])
        ]
        self.defendants = []
        if proceeding.kind != "criminal":
            return
        status_choices = [
            (s, registry.label_lazy("jus_PerpetratorStatus", s)) for s in ("convicted", "acquitted")
        ]
        for d in proceeding.defendants.select_related("perpetrator"):
            p = f"d{d.pk}_"
            name = _("Person #%(n)s") % {"n": d.perpetrator_id}
            self.fields[p + "status"] = forms.ChoiceField(
                label=_("%(name)s: decision") % {"name": name}, choices=status_choices
            )
            self.fields[p + "prison_months"] = forms.IntegerField(
                label=_("Prison term (months)"), required=False, min_value=1, max_value=600
            )
            self.fields[p + "suspended"] = forms.BooleanField(label=_("Suspended"), required=False)
            self.fields[p + "fine_somoni"] = money_field(_("Fine (somoni)"))
            self.fields[p + "amnesty"] = forms.BooleanField(
                label=_("Released under amnesty"), required=False
            )
            self.defendants.append(d)

    def sentences(self) -> dict:
        data = self.cleaned_data
        out = {}
        for d in self.defendants:
            p = f"d{d.pk}_"
            out[d.pk] = {
                k: data.get(p + k)
                for k in ("status", "prison_months", "suspended", "fine_somoni", "amnesty")
            }
        return out


class CompensationForm(forms.Form):
    compensation_ordered = money_field(_("Compensation ordered (somoni)"))
    compensation_paid = money_field(_("Compensation paid (somoni)"))


class HearingForm(forms.Form):
    kind = code_field("jus_HearingKind", _("Kind"))
    on = date_field(_("Date"))
    at = forms.TimeField(
        label=_("Time"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class PerpetratorForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200, required=False)
    birth_date = date_field(_("Date of birth"), required=False)
    identity_document = forms.CharField(
        label=_("Identity document"), max_length=100, required=False
    )
    sex = code_field("sex", _("Sex"))
    age_group = code_field("age_group", _("Age group"))
    citizenship = forms.ChoiceField(label=_("Citizenship"), required=False)
    role = code_field("per_RoleInProcess", _("Role"))
    relationship_to_victim = code_field(
        "vic_RelationshipToTrafficker", _("Relationship to the victim"), required=False
    )
    status = forms.ChoiceField(label=_("Status in this proceeding"))
    cases: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("Victims' cases"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, cases, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cases"].queryset = cases
        self.fields["citizenship"].choices = registry.sorted_choices("country", blank=True)
        self.fields["status"].choices = [
            (s, registry.label_lazy("jus_PerpetratorStatus", s)) for s in ("suspected", "accused")
        ]


class PerpetratorCasesForm(forms.Form):
    cases: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("Victims' cases"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, cases, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cases"].queryset = cases


class VictimForm(forms.Form):
    case = forms.CharField(
        label=_("Victim's case"),
        max_length=32,
        help_text=_("The case reference, for example MIA-2026-00012."),
    )
    roles = codes_field("jus_VictimParticipation", _("Takes part as"))
    protection_measures = codes_field(
        "jus_ProtectionMeasure", _("Protection measures"), required=False
    )
    joined_on = date_field(_("Since"))

    def __init__(self, *args, cases, **kwargs):
        super().__init__(*args, **kwargs)
        self.cases = cases

    def clean_case(self):
        reference = self.cleaned_data["case"].strip()
        case = self.cases.filter(reference__iexact=reference).first()
        if case is None:
            raise forms.ValidationError(
                _("There is no case %(ref)s among the cases you may open.") % {"ref": reference}
            )
        return case


class ParticipationForm(forms.Form):
    roles = codes_field("jus_VictimParticipation", _("Takes part as"))
    protection_measures = codes_field(
        "jus_ProtectionMeasure", _("Protection measures"), required=False
    )


class LawyerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, m):
        name = m.user.get_full_name() or m.user.username
        return f"{name} · {m.organisation.name}"


class RepresentationForm(forms.Form):
    membership = LawyerChoiceField(label=_("Lawyer"), queryset=None)
    starts_on = date_field(_("From"))
    ends_on = date_field(_("To"), required=False)

    def __init__(self, *args, case, **kwargs):
        from himoya.access.justice import organisations_seeing_case

        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = (
            Membership.objects.filter(
                role=Role.LAWYER,
                is_active=True,
                user__is_active=True,
                organisation__is_active=True,
                organisation_id__in=organisations_seeing_case(case),
            )
            .select_related("user", "organisation")
            .order_by("organisation__slug", "user__username")
        )


class RepresentationEndForm(forms.Form):
    ends_on = date_field(_("To"))


class NotificationForm(forms.Form):
    told_on = date_field(_("Told on"))
    topic = code_field("jus_NotificationTopic", _("Topic"))
    note = forms.CharField(
        label=_("What was said"), max_length=500, required=False, widget=forms.Textarea
    )
