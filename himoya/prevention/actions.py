"""Prevention contacts: help given to a person at risk, counted as a prevented case."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from himoya.audit.actions import Action, record
from himoya.prevention.models import PreventionContact
from himoya.vocab import registry


@transaction.atomic
def do_record_prevention_contact(
    organisation,
    *,
    actions: list[str],
    acting_user,
    screening=None,
    contacted_on=None,
    region: str = "",
    referred_to: str = "",
    note: str = "",
    counted_as_prevented: bool = True,
    request=None,
) -> PreventionContact:
    """Record the help given to a person at risk (from a screening, or on its own)."""
    if not actions or any(not registry.is_valid("prevention_action", a) for a in actions):
        raise ValidationError({"actions": _("Choose the help that was given.")})
    if screening is not None and screening.organisation_id != organisation.pk:
        raise ValidationError(_("The screening belongs to another organisation."))
    contact = PreventionContact(
        organisation=organisation,
        recorded_by=acting_user,
        screening=screening,
        region=region or (screening.region if screening else ""),
        actions=list(dict.fromkeys(actions)),
        referred_to=referred_to,
        note=note,
        counted_as_prevented=counted_as_prevented,
    )
    if contacted_on:
        contact.contacted_on = contacted_on
    contact.save()
    record(
        Action.CREATE,
        actor=acting_user,
        obj=contact,
        fields=["actions", "referred_to", "counted_as_prevented"],
        request=request,
    )
    return contact
