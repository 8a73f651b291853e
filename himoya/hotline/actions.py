"""Hotline contacts: logging a call, its outcome, and what it led to."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from himoya.audit.actions import Action, record
from himoya.hotline.models import HotlineContact
from himoya.vocab import registry

CODED = {
    "channel": "hotline_channel",
    "caller_type": "hotline_caller_type",
    "language": "hotline_language",
    "topic": "hotline_topic",
    "region": "tj_region",
    "urgency": "hotline_urgency",
    "outcome": "hotline_outcome",
}


def _check_codes(data: dict) -> None:
    errors = {
        name: _("Not a known code: %(code)s") % {"code": data[name]}
        for name, list_name in CODED.items()
        if data.get(name) and not registry.is_valid(list_name, data[name])
    }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def do_log_contact(organisation, *, data: dict, acting_user, request=None) -> HotlineContact:
    """Log a call or message; the caller's identity, if given, is stored encrypted."""
    _check_codes(data)
    contact = HotlineContact.objects.create(organisation=organisation, operator=acting_user, **data)
    record(
        Action.CREATE,
        actor=acting_user,
        obj=contact,
        fields=[k for k, v in data.items() if v not in ("", None)],
        request=request,
    )
    return contact


@transaction.atomic
def do_set_outcome(contact, *, outcome: str, referred_to: str = "", acting_user, request=None):
    if not registry.is_valid("hotline_outcome", outcome):
        raise ValidationError({"outcome": _("Choose an outcome.")})
    if outcome == "referral_made" and not referred_to.strip() and not contact.referred_to:
        raise ValidationError({"referred_to": _("Say where the caller was referred.")})
    contact.outcome = outcome
    fields = ["outcome"]
    if referred_to.strip():
        contact.referred_to = referred_to.strip()
        fields.append("referred_to")
    contact.save(update_fields=fields)
    record(Action.UPDATE, actor=acting_user, obj=contact, fields=fields, request=request)
    return contact


@transaction.atomic
def do_link_screening(contact, screening, *, acting_user, request=None):
    """Note that the call started a screening."""
    if screening.organisation_id != contact.organisation_id:
        raise ValidationError(_("The screening belongs to another organisation."))
    contact.screening = screening
    fields = ["screening"]
    if contact.outcome in ("", "information_given"):
        contact.outcome = "screening_started"
        fields.append("outcome")
    contact.save(update_fields=fields)
    record(Action.UPDATE, actor=acting_user, obj=contact, fields=fields, request=request)
    return contact


@transaction.atomic
def do_attach_case(contact, case, *, acting_user, request=None):
    if case.organisation_id != contact.organisation_id:
        raise ValidationError(_("The case belongs to another organisation."))
    contact.case = case
    contact.save(update_fields=["case"])
    record(Action.UPDATE, actor=acting_user, obj=contact, fields=["case"], request=request)
    return contact
