from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from himoya.assistance.models import FollowUp, RiskAssessment, ServiceDelivery, SupportPlan
from himoya.organisations.models import Organisation
from himoya.referrals.forms import DateInput, _checkboxes, code_choice


def refuse_future(form, data, *names) -> None:
    """Add an error to each named date that lies after today (it has not happened yet)."""
    today = timezone.localdate()
    for name in names:
        day = data.get(name)
        if day and day > today:
            form.add_error(name, _("The date cannot be in the future."))


class SupportPlanForm(forms.ModelForm):
    needs = _checkboxes("assistance_service", _("Needs"))

    class Meta:
        model = SupportPlan
        fields = ["goals", "needs", "planned_end", "reflection_starts_on", "reflection_ends_on"]
        widgets = {
            "goals": forms.Textarea(attrs={"rows": 4}),
            "planned_end": DateInput(),
            "reflection_starts_on": DateInput(),
            "reflection_ends_on": DateInput(),
        }

    def clean(self):
        data = super().clean()
        start, end = data.get("reflection_starts_on"), data.get("reflection_ends_on")
        if start and end and end < start:
            self.add_error("reflection_ends_on", _("The period cannot end before it starts."))
        if end and not start:
            self.add_error("reflection_starts_on", _("Say when the period starts."))
        return data


class PlanCloseForm(forms.Form):
    closed_on = forms.DateField(label=_("Plan closed on"), widget=DateInput())

    def clean(self):
        data = super().clean()
        refuse_future(self, data, "closed_on")
        return data


class ServiceDeliveryForm(forms.ModelForm):
    service = code_choice("assistance_service", _("Service"))
    outcome = code_choice("service_outcome", _("Outcome"))

    class Meta:
        model = ServiceDelivery
        fields = [
            "service",
            "provider",
            "started_on",
            "ended_on",
            "cost_somoni",
            "outcome",
            "notes",
        ]
        widgets = {
            "started_on": DateInput(),
            "ended_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers
        if len(providers) == 1 and not self.instance.provider_id:
            self.initial["provider"] = providers[0].pk
        self.fields["cost_somoni"].help_text = _("Optional.")

    def clean(self):
        data = super().clean()
        start, end = data.get("started_on"), data.get("ended_on")
        if start and end and end < start:
            self.add_error("ended_on", _("A service cannot end before it starts."))
        refuse_future(self, data, "started_on", "ended_on")
        cost = data.get("cost_somoni")
        if cost is not None and cost < 0:
            self.add_error("cost_somoni", _("The cost cannot be negative."))
        return data


def all_providers():
    return Organisation.objects.filter(is_active=True).order_by("slug")


class RiskAssessmentForm(forms.ModelForm):
    level = code_choice("risk_level", _("Risk level"))

    class Meta:
        model = RiskAssessment
        fields = ["assessed_on", "level", "risks", "safety_plan", "next_review_on"]
        widgets = {
            "assessed_on": DateInput(),
            "next_review_on": DateInput(),
            "risks": forms.Textarea(attrs={"rows": 3}),
            "safety_plan": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self):
        data = super().clean()
        day, review = data.get("assessed_on"), data.get("next_review_on")
        if day and review and review < day:
            self.add_error("next_review_on", _("The next review comes after this one."))
        if data.get("level") in ("medium", "high") and not data.get("safety_plan"):
            self.add_error("safety_plan", _("A medium or high risk needs a safety plan."))
        return data


class FollowUpForm(forms.ModelForm):
    outcome = code_choice("followup_outcome", _("Outcome"))

    class Meta:
        model = FollowUp
        fields = ["done_on", "outcome", "re_victimised", "notes"]
        widgets = {"done_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["done_on"].required = True

    def clean(self):
        data = super().clean()
        refuse_future(self, data, "done_on")
        return data
