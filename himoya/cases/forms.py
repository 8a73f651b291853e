"""Forms of the case pages: the three registration steps, status decisions, list filters."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from himoya.cases import codes
from himoya.cases.models import CaseCode
from himoya.core.widgets import FastSelect, ReadyChoices
from himoya.vocab import registry

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CodesInput(forms.CharField):
    """Codes typed as a comma-separated list (used while a code list is not loaded)."""

    def to_python(self, value):
        if isinstance(value, list | tuple):
            return [v for v in value if v]
        return [v.strip() for v in (value or "").split(",") if v.strip()]

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list | tuple) else value


def code_field(list_name: str, label, required: bool = False, **kwargs) -> forms.Field:
    """A single-choice field over a vocabulary list (free text while the list is absent)."""
    choices = codes.choices(list_name)
    if not choices:
        return forms.CharField(label=label, required=required, max_length=64, **kwargs)
    return forms.ChoiceField(
        label=label, required=required, choices=[("", "—"), *choices], **kwargs
    )


def codes_field(list_name: str, label, *, checkboxes: bool = True) -> forms.Field:
    """A multiple-choice field: a checkbox list (a select list for long lists)."""
    choices = codes.choices(list_name)
    if not choices:
        return CodesInput(label=label, required=False, help_text=_("Codes, separated by commas."))
    widget = forms.CheckboxSelectMultiple if checkboxes else forms.SelectMultiple(attrs={"size": 6})
    return forms.MultipleChoiceField(label=label, required=False, choices=choices, widget=widget)


def sort_countries(form, *names) -> None:
    """Most used countries first, then the rest A to Z in the reader's language."""
    if not codes.has_list(codes.COUNTRY):
        return
    for name in names:
        field = form.fields[name]
        single = not isinstance(field, forms.MultipleChoiceField)
        field.choices = ReadyChoices(registry.country_choices(blank=single))


# Exploitation types under which the labour-sector and sexual-exploitation lists apply.
LABOUR_TYPES = ("ForcedLabour", "ChildLabour")
SEXUAL_TYPES = ("SexualExploitation",)
ONLINE_METHODS = ("ThroughOnlineSocialNetworks", "ThroughAnOnlineAdvertisement")


def shown_if_ticked(field: forms.Field, source: str, codes_: tuple[str, ...]) -> None:
    """Let the page hide `field` until one of these boxes of field `source` is ticked."""
    field.widget.attrs["data-show-if"] = f"{source}:" + " ".join(codes_)


class PersonForm(forms.Form):
    """Step 1: who the person is."""

    organisation = forms.TypedChoiceField(label=_("Registering organisation"), coerce=int)
    family_name = forms.CharField(label=_("Family name"), max_length=100, required=False)
    given_name = forms.CharField(label=_("Given name"), max_length=100, required=False)
    patronymic = forms.CharField(label=_("Patronymic"), max_length=100, required=False)
    family_name_latin = forms.CharField(
        label=_("Family name (Latin)"), max_length=100, required=False
    )
    given_name_latin = forms.CharField(
        label=_("Given name (Latin)"), max_length=100, required=False
    )
    patronymic_latin = forms.CharField(
        label=_("Patronymic (Latin)"), max_length=100, required=False
    )
    date_of_birth = forms.DateField(label=_("Date of birth"), required=False, widget=DATE)
    approximate_age = forms.IntegerField(
        label=_("Approximate age"),
        required=False,
        min_value=0,
        max_value=120,
        help_text=_("If the date of birth is not known."),
    )
    sex = code_field(codes.SEX, _("Sex"), required=True)
    citizenship = code_field(codes.COUNTRY, _("Citizenship"))
    region_of_origin = code_field(codes.REGION, _("Region of origin"))
    district_of_origin = code_field(codes.DISTRICT, _("District of origin"))
    document_type = forms.CharField(label=_("Identity document"), max_length=100, required=False)
    document_number = forms.CharField(label=_("Document number"), max_length=100, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    address = forms.CharField(
        label=_("Address"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [(o.pk, o.name) for o in organisations]
        if len(organisations) == 1:
            self.fields["organisation"].widget = forms.HiddenInput()
            self.fields["organisation"].initial = organisations[0].pk
        sort_countries(self, "citizenship")

    def clean(self):
        data = super().clean()
        names = ("family_name", "given_name", "family_name_latin", "given_name_latin")
        if not any(data.get(n) for n in names):
            raise forms.ValidationError(_("Write at least one name, in either script."))
        dob = data.get("date_of_birth")
        if dob and dob > timezone.localdate():
            self.add_error("date_of_birth", _("The date of birth cannot be in the future."))
        return data

    def age(self, on: datetime.date) -> int | None:
        """Return the age in years on a date, from the date of birth or the approximate age."""
        dob = self.cleaned_data.get("date_of_birth")
        if dob:
            return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))
        return self.cleaned_data.get("approximate_age")

    def person_data(self, on: datetime.date) -> dict:
        data = {
            k: v
            for k, v in self.cleaned_data.items()
            if k not in {"organisation", "approximate_age"} and v not in (None, "")
        }
        if self.cleaned_data.get("approximate_age") is not None:
            data["approximate_age"] = str(self.cleaned_data["approximate_age"])
        data["age_at_identification"] = self.age(on)
        return data


F = CaseCode.Field


class SituationForm(forms.Form):
    """Step 2: how the person was recruited, moved and exploited."""

    exploitation_began = forms.DateField(label=_("Exploitation began"), required=False, widget=DATE)
    exploitation_ended = forms.DateField(label=_("Exploitation ended"), required=False, widget=DATE)
    exploitation_types = codes_field("vic_TypeOfExploitation", _("Types of exploitation"))
    labour_sectors = codes_field("vic_ForcedLabourIndustry", _("Forced-labour industries"))
    sexual_exploitation_types = codes_field(
        "vic_TypeOfSexExploitation", _("Types of sexual exploitation")
    )
    means_of_control = codes_field("vic_MethodsOfControl", _("Means of control"))
    exploitation_country = code_field(codes.COUNTRY, _("Country of exploitation"))
    exploitation_region = code_field(codes.REGION, _("Region of exploitation"))
    exploitation_district = code_field(codes.DISTRICT, _("District of exploitation"))
    exploitation_place = forms.CharField(
        label=_("Place of exploitation"), max_length=200, required=False
    )
    transit_countries = codes_field(codes.COUNTRY, _("Countries of transit"), checkboxes=False)
    transit_countries.help_text = _("Hold Ctrl (⌘ on a Mac) to choose more than one.")
    transit_countries.widget.attrs.update(
        {
            # The page's script turns the list into a search box with tick boxes.
            "data-searchable": "",
            "data-help": _(
                "Type the first letters of a country and tick it; tick as many as apply."
            ),
            "data-find": _("Find a country"),
            "data-remove": _("Remove"),
        }
    )
    recruitment_methods = codes_field("vic_MethodOfRecruitment", _("Methods of recruitment"))
    recruitment_country = code_field(codes.COUNTRY, _("Country of recruitment"))
    recruitment_place = forms.CharField(
        label=_("Place of recruitment"), max_length=200, required=False
    )
    recruiter_relationship = code_field(
        "vic_RelationshipToTrafficker", _("Relationship to the recruiter")
    )
    online_platforms = codes_field(
        "vic_RecruitmentWebsitesAndApps", _("Online platforms used to recruit")
    )
    cross_border = forms.ChoiceField(
        label=_("Internal or cross-border"),
        required=False,
        choices=[
            ("", _("Derived")),
            ("internal", _("Internal")),
            ("cross_border", _("Cross-border")),
        ],
        widget=forms.RadioSelect,
        initial="",
        help_text=_("Derived from citizenship and the country of exploitation, unless set here."),
    )
    cross_border_override_reason = forms.CharField(
        label=_("Why it is set by hand"), max_length=300, required=False
    )

    MULTI = (
        F.EXPLOITATION_TYPES,
        F.LABOUR_SECTORS,
        F.SEXUAL_EXPLOITATION_TYPES,
        F.MEANS_OF_CONTROL,
        F.TRANSIT_COUNTRIES,
        F.RECRUITMENT_METHODS,
        F.ONLINE_PLATFORMS,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        sort_countries(self, "exploitation_country", "transit_countries", "recruitment_country")
        shown_if_ticked(self.fields["labour_sectors"], "exploitation_types", LABOUR_TYPES)
        # 69 sectors: a search box over a scrolling list (forms.js); all shown without it.
        self.fields["labour_sectors"].widget.attrs.update(
            {"data-filterable": "", "data-find": _("Find a sector")}
        )
        shown_if_ticked(
            self.fields["sexual_exploitation_types"], "exploitation_types", SEXUAL_TYPES
        )
        shown_if_ticked(self.fields["online_platforms"], "recruitment_methods", ONLINE_METHODS)

    def clean(self):
        data = super().clean()
        types = set(data.get("exploitation_types") or ())
        # Hidden lists keep no ticks: sectors describe labour exploitation only.
        if not types & set(LABOUR_TYPES):
            data["labour_sectors"] = []
        if not types & set(SEXUAL_TYPES):
            data["sexual_exploitation_types"] = []
        began, ended = data.get("exploitation_began"), data.get("exploitation_ended")
        if began and ended and ended < began:
            self.add_error("exploitation_ended", _("The end is before the beginning."))
        if data.get("cross_border") and not data.get("cross_border_override_reason"):
            self.add_error(
                "cross_border_override_reason",
                _("Say why internal or cross-border is set by hand."),
            )
        if not data.get("exploitation_types"):
            self.add_error("exploitation_types", _("Choose at least one type of exploitation."))
        return data

    def case_data(self) -> dict:
        d = self.cleaned_data
        return {k: d.get(k) for k in ("exploitation_began", "exploitation_ended")}

    def situation_data(self) -> dict:
        d = self.cleaned_data
        data = {
            k: d.get(k) or ""
            for k in (
                "recruitment_country",
                "recruitment_place",
                "recruiter_relationship",
                "exploitation_country",
                "exploitation_region",
                "exploitation_district",
                "exploitation_place",
            )
        }
        if d.get("cross_border"):
            data["cross_border_override"] = d["cross_border"] == "cross_border"
            data["cross_border_override_reason"] = d["cross_border_override_reason"]
        return data

    def multi_data(self) -> dict:
        return {str(f): list(self.cleaned_data.get(str(f)) or []) for f in self.MULTI}


class StatusForm(forms.Form):
    """Step 3: when the person was identified and their trafficking status."""

    identified_on = forms.DateField(label=_("Identified on"), required=False, widget=DATE)
    trafficking_status = forms.ChoiceField(
        label=_("Trafficking status"), choices=codes.choices(codes.TRAFFICKING_STATUS)
    )
    decided_by = code_field(codes.DECIDING_ORG, _("Deciding organisation"))
    decided_on = forms.DateField(label=_("Decision date"), required=False, widget=DATE)
    basis = forms.CharField(
        label=_("Basis of the decision"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("No names here: write what was established, not who."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"trafficking_status": codes.PRESUMED})
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("identified_on") and data["identified_on"] > timezone.localdate():
            self.add_error("identified_on", _("The date cannot be in the future."))
        if data.get("trafficking_status") not in (None, codes.PRESUMED) and not data.get(
            "decided_by"
        ):
            self.add_error("decided_by", _("Choose the organisation that decided."))
        return data

    def status_data(self) -> dict:
        d = self.cleaned_data
        if d["trafficking_status"] == codes.PRESUMED:
            return {}
        return {
            "trafficking_status": d["trafficking_status"],
            "decided_by": d["decided_by"],
            "decided_on": d.get("decided_on"),
            "basis": d.get("basis", ""),
        }


class DecisionForm(forms.Form):
    """Identify as a victim, or decide not a victim."""

    decided_by = code_field(codes.DECIDING_ORG, _("Deciding organisation"), required=True)
    decided_on = forms.DateField(label=_("Decision date"), required=False, widget=DATE)
    basis = forms.CharField(
        label=_("Basis of the decision"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("No names here: write what was established, not who."),
    )


class CloseForm(forms.Form):
    reason = code_field(codes.CLOSURE_REASON, _("Closure reason"), required=True)
    closed_on = forms.DateField(label=_("Closed on"), required=False, widget=DATE)


class RejectForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class CaseFilterForm(forms.Form):
    """Filters of the case list; every field optional."""

    q = forms.CharField(
        label=_("Name or case number"),
        required=False,
        max_length=100,
        help_text=_("The first letters of a name are enough, in any script."),
        # Names typed here stay out of the browser's form history on shared computers.
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    status = forms.ChoiceField(label=_("Trafficking status"), required=False)
    open = forms.ChoiceField(
        label=_("Case status"),
        required=False,
        choices=[("", "—"), ("open", _("Open")), ("closed", _("Closed"))],
    )
    registered_from = forms.DateField(label=_("Registered from"), required=False, widget=DATE)
    registered_to = forms.DateField(label=_("Registered to"), required=False, widget=DATE)
    sex = forms.ChoiceField(label=_("Sex"), required=False)
    age_group = forms.ChoiceField(label=_("Age group"), required=False)
    exploitation = forms.ChoiceField(label=_("Type of exploitation"), required=False)
    country = forms.ChoiceField(label=_("Country of exploitation"), required=False)
    region = forms.ChoiceField(label=_("Region of origin"), required=False)
    organisation = forms.TypedChoiceField(
        label=_("Organisation"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Plain labels made once per language, taken by the fields as they are: the case
        # list shows this form on every request.
        blank = (("", "—"),)

        def ready(name: str, fallback=()) -> ReadyChoices:
            pairs = registry.choices_in(name) if codes.has_list(name) else ()
            return ReadyChoices(blank + (pairs or tuple(fallback)))

        self.fields["status"].choices = ready(codes.TRAFFICKING_STATUS)
        self.fields["sex"].choices = ready(codes.SEX)
        bands = [(c, c) for c, _lo, _hi in codes.age_bands()]
        self.fields["age_group"].choices = ready(codes.AGE_GROUP, bands)
        self.fields["exploitation"].choices = ready("vic_TypeOfExploitation")
        self.fields["country"].choices = ready(codes.COUNTRY)
        sort_countries(self, "country")
        self.fields["region"].choices = ready(codes.REGION)
        self.fields["organisation"].choices = ReadyChoices(
            blank + tuple((o.pk, o.name) for o in organisations)
        )
        if len(organisations) < 2:
            del self.fields["organisation"]
        for field in self.fields.values():
            if type(field.widget) is forms.Select:
                field.widget = FastSelect(attrs=field.widget.attrs, choices=field.choices)
        for name in ("sex", "country"):
            if len(self.fields[name].choices) == 1:  # list not loaded yet: accept a code
                self.fields[name] = forms.CharField(
                    label=self.fields[name].label, required=False, max_length=16
                )
