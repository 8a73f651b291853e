from django import forms
from django.utils.translation import gettext_lazy as _

from himoya.access import screening as access
from himoya.screening import rule
from himoya.screening.models import Indicator
from himoya.vocab import registry


def _has_list(name: str) -> bool:
    return name in registry.names()


def district_field() -> forms.Field:
    """A district picker grouped by region once the vocabulary has districts; else text."""
    if not _has_list("tj_district"):
        return forms.CharField(label=_("District"), max_length=40, required=False)
    groups: dict[str, list] = {}
    for code in registry.codelist("tj_district"):
        groups.setdefault(code.parent, []).append(
            (code.code, registry.label_lazy("tj_district", code.code))
        )
    choices = [("", "—")] + [
        (registry.label_lazy("tj_region", region), items) for region, items in groups.items()
    ]
    return forms.ChoiceField(label=_("District"), choices=choices, required=False)


class ScreeningStartForm(forms.Form):
    checklist: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Checklist"), queryset=None, empty_label=None
    )
    age_group = forms.ChoiceField(label=_("Age"), widget=forms.RadioSelect)
    suspected_form = forms.ChoiceField(label=_("Suspected form of exploitation"))
    region = forms.ChoiceField(label=_("Region"))
    district = forms.CharField(required=False)
    place = forms.CharField(
        label=_("Place"),
        max_length=200,
        required=False,
        help_text=_("Where the screening happens, e.g. airport, market, border post."),
    )

    def __init__(self, *args, user, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["checklist"].queryset = access.checklists_usable_by(user, organisation)
        self.fields["age_group"].choices = registry.choices("screening_age_group")
        self.fields["age_group"].initial = "adult"
        self.fields["suspected_form"].choices = registry.choices("screening_form")
        self.fields["suspected_form"].initial = "unknown"
        self.fields["region"].choices = registry.choices("tj_region")
        self.fields["district"] = district_field()
        if organisation.regions:
            self.fields["region"].initial = organisation.regions[0]

    def clean(self):
        data = super().clean()
        district = data.get("district")
        if district and _has_list("tj_district"):
            parent = registry.get("tj_district", district).parent
            if parent and data.get("region") and parent != data["region"]:
                self.add_error("district", _("This district is not in the chosen region."))
        return data


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Your decision"), widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Needed when you decide differently from the suggestion."),
    )

    def __init__(self, *args, suggested: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.suggested = suggested
        decision = self.fields["decision"]
        assert isinstance(decision, forms.ChoiceField)
        decision.choices = [
            (c, label)
            for c, label in registry.choices("screening_classification")
            if c != rule.INSUFFICIENT
        ]
        if suggested != rule.INSUFFICIENT:
            self.fields["decision"].initial = suggested

    def clean(self):
        data = super().clean()
        decision = data.get("decision")
        if decision and rule.needs_reason(self.suggested, decision) and not data.get("reason"):
            self.add_error("reason", _("Say why you decide differently from the suggestion."))
        return data


class OpenCaseForm(forms.Form):
    """The little a case needs to start; the caseworker completes it later."""

    given_name = forms.CharField(label=_("Given name"), max_length=100, required=False)
    family_name = forms.CharField(label=_("Family name"), max_length=100, required=False)
    sex = forms.ChoiceField(label=_("Sex"), required=False)
    age_at_identification = forms.IntegerField(
        label=_("Age in years"), min_value=0, max_value=120, required=False
    )
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if _has_list("sex"):
            self.fields["sex"].choices = registry.choices("sex", blank=True)
        else:
            del self.fields["sex"]

    def person(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if v not in ("", None)}


class ChecklistForm(forms.Form):
    slug = forms.SlugField(label=_("Short name"), max_length=60)
    name_tg = forms.CharField(label=_("Name in Tajik"), max_length=200)
    name_ru = forms.CharField(label=_("Name in Russian"), max_length=200)
    name_en = forms.CharField(label=_("Name in English"), max_length=200)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if self.organisation.checklists.filter(slug=slug).exists():
            raise forms.ValidationError(
                _("Your organisation already has a checklist of that name.")
            )
        return slug


class CopyChecklistForm(ChecklistForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("name_tg", "name_ru", "name_en"):
            del self.fields[name]


def _multi(label, list_name, exclude=()):
    return forms.MultipleChoiceField(
        label=label,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(c, lbl) for c, lbl in registry.choices(list_name) if c not in exclude],
    )


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = [
            "code",
            "position",
            "section",
            "dimension",
            "strength",
            "text_tg",
            "text_ru",
            "text_en",
            "ages",
            "forms",
            "ilo_indicators",
            "methods_of_control",
            "exploitation_types",
        ]
        widgets = {f"text_{lang}": forms.Textarea(attrs={"rows": 2}) for lang in ("tg", "ru", "en")}

    def __init__(self, *args, version, **kwargs):
        super().__init__(*args, **kwargs)
        self.version = version
        self.fields["section"] = forms.ChoiceField(
            label=_("Section"), choices=registry.choices("screening_section")
        )
        self.fields["dimension"] = forms.ChoiceField(
            label=_("Dimension"),
            choices=registry.choices("screening_dimension", blank=True),
            required=False,
            help_text=_("Leave empty for questions the rule does not count (safety, profile)."),
        )
        self.fields["strength"] = forms.ChoiceField(
            label=_("Strength"), choices=registry.choices("screening_strength")
        )
        self.fields["ages"] = _multi(_("Only for these ages"), "screening_age_group")
        self.fields["forms"] = _multi(
            _("Only when this form is suspected"), "screening_form", exclude=("unknown",)
        )
        self.fields["ilo_indicators"] = _multi(
            _("ILO indicators of forced labour"), "ilo_forced_labour"
        )
        self.fields["methods_of_control"] = _multi(
            _("HTCDS methods of control"), "vic_MethodsOfControl"
        )
        self.fields["exploitation_types"] = _multi(
            _("HTCDS types of exploitation"), "vic_TypeOfExploitation"
        )
        self.fields["ages"].help_text = _("None ticked: asked of everyone.")
        self.fields["forms"].help_text = _("None ticked: asked whatever the suspected form.")

    def clean_code(self):
        code = self.cleaned_data["code"]
        others = self.version.checklist.current_version().indicators.filter(code=code)
        if self.instance.pk:
            others = others.exclude(code=self.instance.code)
        if others.exists():
            raise forms.ValidationError(_("Another question of this checklist has that code."))
        return code
