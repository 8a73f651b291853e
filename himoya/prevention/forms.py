from typing import cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from himoya.vocab import registry


class PreventionContactForm(forms.Form):
    contacted_on = forms.DateField(
        label=_("Date"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    actions = forms.MultipleChoiceField(label=_("Help given"), widget=forms.CheckboxSelectMultiple)
    referred_to = forms.CharField(
        label=_("Referred to"),
        max_length=200,
        required=False,
        help_text=_("Name of the migrant resource centre or service, if any."),
    )
    note = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("No names or contact details here."),
    )
    counted_as_prevented = forms.BooleanField(
        label=_("Count as a prevented case"), required=False, initial=True
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actions"].choices = registry.choices("prevention_action")


# --- action plans -----------------------------------------------------------------------


def date_input() -> forms.DateInput:
    """A phone's date picker: it reads and writes ISO dates whatever the language."""
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PlanForm(forms.Form):
    title = forms.CharField(
        label=pgettext_lazy("name of a plan, meeting or course", "Title"), max_length=300
    )
    kind = forms.ChoiceField(label=_("Kind"))
    first_year = forms.IntegerField(label=_("First year"), min_value=2000, max_value=2100)
    last_year = forms.IntegerField(label=_("Last year"), min_value=2000, max_value=2100)

    def __init__(self, *args, **kwargs):
        from himoya.prevention.models import ActionPlan

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = ActionPlan.Kind.choices


class TitleForm(forms.Form):
    title = forms.CharField(
        label=pgettext_lazy("name of a plan, meeting or course", "Title"), max_length=500
    )


class ActivityForm(forms.Form):
    objective: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Objective"), queryset=None, empty_label=None
    )
    title = forms.CharField(label=_("Activity"), max_length=500)
    responsible: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Responsible organisation"), queryset=None
    )
    partners: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("Partner organisations"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    starts_on = forms.DateField(label=_("Start"), widget=date_input())
    due_on = forms.DateField(label=_("Due"), widget=date_input())
    budget = forms.DecimalField(label=_("Budget"), required=False, min_value=0, decimal_places=2)
    currency = forms.ChoiceField(label=_("Currency"), required=False)
    funding_source = forms.CharField(label=_("Funding source"), max_length=200, required=False)

    def __init__(self, *args, plan, **kwargs):
        from himoya.organisations.models import Organisation
        from himoya.prevention.models import Objective
        from himoya.prevention.plans import currencies

        super().__init__(*args, **kwargs)
        orgs = Organisation.objects.filter(is_active=True)
        cast(forms.ModelChoiceField, self.fields["objective"]).queryset = Objective.objects.filter(
            goal__plan=plan
        ).select_related("goal")
        cast(forms.ModelChoiceField, self.fields["responsible"]).queryset = orgs
        cast(forms.ModelMultipleChoiceField, self.fields["partners"]).queryset = orgs
        cast(forms.ChoiceField, self.fields["currency"]).choices = [(c, c) for c in currencies()]


class IndicatorForm(forms.Form):
    activity: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Activity"), queryset=None, empty_label=None
    )
    name = forms.CharField(label=_("Indicator"), max_length=300)
    unit = forms.ChoiceField(label=_("Unit"))
    engine_key = forms.ChoiceField(label=_("Counted by Himoya"), required=False)
    baseline = forms.DecimalField(label=_("Baseline"), required=False, decimal_places=2)

    def __init__(self, *args, plan, **kwargs):
        from himoya.prevention.models import Activity, PlanIndicator
        from himoya.prevention.plans import ENGINE_INDICATORS

        super().__init__(*args, **kwargs)
        self.plan = plan
        cast(forms.ModelChoiceField, self.fields["activity"]).queryset = Activity.objects.filter(
            objective__goal__plan=plan
        )
        cast(forms.ChoiceField, self.fields["unit"]).choices = PlanIndicator.Unit.choices
        cast(forms.ChoiceField, self.fields["engine_key"]).choices = [
            ("", _("No: typed by the organisation")),
            *ENGINE_INDICATORS.items(),
        ]
        for year in plan.years():
            self.fields[f"target_{year}"] = forms.DecimalField(
                label=_("Target %(year)s") % {"year": year}, required=False, decimal_places=2
            )

    def targets(self) -> dict:
        return {
            year: self.cleaned_data[f"target_{year}"]
            for year in self.plan.years()
            if self.cleaned_data.get(f"target_{year}") is not None
        }


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))


class AdoptForm(forms.Form):
    adopted_on = forms.DateField(
        label=_("Adopted on"), initial=timezone.localdate, widget=date_input()
    )


class ReturnForm(forms.Form):
    because = forms.CharField(
        label=_("What needs correcting"), widget=forms.Textarea(attrs={"rows": 2})
    )


class ProgressReportForm(forms.Form):
    progress = forms.ChoiceField(
        label=pgettext_lazy("progress", "Status"), widget=forms.RadioSelect
    )
    done = forms.CharField(
        label=_("What was done"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    spent = forms.DecimalField(label=_("Money spent"), required=False, decimal_places=2)
    evidence = forms.FileField(
        label=_("Evidence"),
        required=False,
        help_text=_("A document (PDF) or a photograph (JPEG, PNG); it is stored encrypted."),
    )

    def __init__(self, *args, activity, **kwargs):
        from himoya.prevention.models import ProgressReport

        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["progress"]).choices = ProgressReport.Progress.choices
        self.indicators = list(activity.indicators.all())
        for indicator in self.indicators:
            if indicator.engine_key:
                continue
            self.fields[f"indicator_{indicator.pk}"] = forms.DecimalField(
                label=f"{indicator.name} ({indicator.get_unit_display()})",
                required=False,
                decimal_places=2,
            )

    def values(self) -> dict:
        return {
            i.pk: self.cleaned_data.get(f"indicator_{i.pk}")
            for i in self.indicators
            if not i.engine_key
        }


# --- meetings ---------------------------------------------------------------------------


class MeetingForm(forms.Form):
    body = forms.ChoiceField(label=_("Body"))
    title = forms.CharField(
        label=pgettext_lazy("name of a plan, meeting or course", "Title"), max_length=300
    )
    held_on = forms.DateField(label=_("Date"), widget=date_input())
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    participants: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("Participating organisations"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    agenda = forms.CharField(
        label=_("Agenda"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    minutes = forms.CharField(
        label=_("Minutes"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text=_("No names of victims or other persons concerned."),
    )
    decisions = forms.CharField(
        label=_("Decisions"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("One decision per line."),
    )

    def __init__(self, *args, **kwargs):
        from himoya.organisations.models import Organisation
        from himoya.prevention.models import Meeting

        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["body"]).choices = Meeting.Body.choices
        cast(
            forms.ModelMultipleChoiceField, self.fields["participants"]
        ).queryset = Organisation.objects.filter(is_active=True)


class TaskForm(forms.Form):
    text = forms.CharField(label=_("Task"), max_length=1000)
    owner: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Organisation responsible"), queryset=None
    )
    due_on = forms.DateField(label=_("Due"), widget=date_input())

    def __init__(self, *args, **kwargs):
        from himoya.organisations.models import Organisation

        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["owner"]).queryset = Organisation.objects.filter(
            is_active=True
        )


TaskFormSet = forms.formset_factory(TaskForm, extra=3)


class FollowUpForm(forms.Form):
    status = forms.ChoiceField(label=pgettext_lazy("progress", "Status"))
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)
    at_meeting: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("At the meeting"), queryset=None, required=False
    )

    def __init__(self, *args, meetings, **kwargs):
        from himoya.prevention.models import ActionItem

        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["status"]).choices = ActionItem.Status.choices
        cast(forms.ModelChoiceField, self.fields["at_meeting"]).queryset = meetings


# --- training and awareness --------------------------------------------------------------


class CourseForm(forms.Form):
    title = forms.CharField(
        label=pgettext_lazy("name of a plan, meeting or course", "Title"), max_length=300
    )
    topic = forms.ChoiceField(label=_("Topic"))
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, **kwargs):
        from himoya.prevention.models import Course

        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["topic"]).choices = Course.Topic.choices


class SessionForm(forms.Form):
    course: forms.ModelChoiceField = forms.ModelChoiceField(label=_("Course"), queryset=None)
    starts_on = forms.DateField(label=_("Start"), widget=date_input())
    ends_on = forms.DateField(label=pgettext_lazy("last day", "End"), widget=date_input())
    region = forms.ChoiceField(label=_("Region"), required=False)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    trainers = forms.CharField(label=_("Trainers"), max_length=300, required=False)

    def __init__(self, *args, courses, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["course"]).queryset = courses
        cast(forms.ChoiceField, self.fields["region"]).choices = [
            ("", "—"),
            *registry.choices("tj_region"),
        ]


class ParticipantsForm(forms.Form):
    count = forms.IntegerField(label=_("Number of participants"), min_value=1, max_value=1000)
    agency: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Agency"), queryset=None, required=False
    )
    role = forms.ChoiceField(label=_("Role"))
    sex = forms.ChoiceField(label=_("Sex"))
    age_group = forms.ChoiceField(label=_("Age group"))
    completed = forms.BooleanField(label=_("Completed the course"), required=False, initial=True)
    pre_score = forms.IntegerField(label=_("Pre-test score"), required=False)
    post_score = forms.IntegerField(label=_("Post-test score"), required=False)
    names = forms.CharField(
        label=_("Names (optional)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("One per line, only if certificates need them; names are stored encrypted."),
    )

    def __init__(self, *args, **kwargs):
        from himoya.organisations.models import Organisation
        from himoya.prevention.models import Participant

        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["agency"]).queryset = Organisation.objects.filter(
            is_active=True
        )
        cast(forms.ChoiceField, self.fields["role"]).choices = Participant.TraineeRole.choices
        cast(forms.ChoiceField, self.fields["sex"]).choices = [
            (c, label) for c, label in registry.choices("sex") if c in ("female", "male")
        ]
        cast(forms.ChoiceField, self.fields["age_group"]).choices = Participant.AgeGroup.choices


class AwarenessEventForm(forms.Form):
    campaign = forms.CharField(label=_("Campaign"), max_length=300, required=False)
    kind = forms.ChoiceField(label=_("Kind"))
    held_on = forms.DateField(label=_("Date"), widget=date_input())
    region = forms.ChoiceField(label=_("Region"), required=False)
    target_groups = forms.MultipleChoiceField(
        label=_("Target groups"), widget=forms.CheckboxSelectMultiple
    )
    materials_produced = forms.IntegerField(label=_("Materials produced"), min_value=0, initial=0)
    materials_distributed = forms.IntegerField(
        label=_("Materials distributed"), min_value=0, initial=0
    )
    reached_women = forms.IntegerField(label=_("Women reached"), min_value=0, initial=0)
    reached_men = forms.IntegerField(label=_("Men reached"), min_value=0, initial=0)
    reached_girls = forms.IntegerField(label=_("Girls reached"), min_value=0, initial=0)
    reached_boys = forms.IntegerField(label=_("Boys reached"), min_value=0, initial=0)
    basis = forms.ChoiceField(label=_("People reached are"), widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, **kwargs):
        from himoya.prevention.models import AwarenessEvent

        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["kind"]).choices = AwarenessEvent.Kind.choices
        cast(forms.ChoiceField, self.fields["region"]).choices = [
            ("", "—"),
            *registry.choices("tj_region"),
        ]
        cast(
            forms.MultipleChoiceField, self.fields["target_groups"]
        ).choices = AwarenessEvent.TargetGroup.choices
        cast(forms.ChoiceField, self.fields["basis"]).choices = AwarenessEvent.Basis.choices
