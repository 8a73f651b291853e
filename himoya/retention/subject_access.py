"""Subject-access report: what Himoya holds about one person, as a PDF in their language.

The report gives the person their identity as recorded, the facts of each case the
requester may open, consents, referrals, services, who (which organisation) saw or
changed their records and when, and how long the records are kept. Producing it
reveals identity: only a role that may reveal it in the person's organisation can, and
each report is written to the audit log.
"""

import datetime
import io
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from himoya.audit.actions import Action, record
from himoya.audit.models import AuditEvent


def _code(list_name: str, code: str) -> str:
    from himoya.vocab import registry

    if not code:
        return ""
    try:
        return registry.label(list_name, code)
    except KeyError:
        return code


def _date(value) -> str:
    if not isinstance(value, datetime.date):
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value)
        return value.strftime("%d.%m.%Y %H:%M")
    return value.strftime("%d.%m.%Y")


def report_sections(person, cases) -> list[tuple[str, list[list[str]], bool]]:
    """Return the report's sections as (title, rows, first row is a header)."""
    from himoya.assistance.models import ServiceDelivery
    from himoya.interop.models import SourceFields
    from himoya.referrals.models import Consent, Referral

    identity = []
    for name in person.IDENTITY_FIELDS:
        value = getattr(person, name)
        if value not in ("", None):
            label = str(person._meta.get_field(name).verbose_name)
            identity.append([label[:1].upper() + label[1:], _date(value) or str(value)])
    for label, value in (
        (_("Sex"), _code("sex", person.sex)),
        (_("Age group"), _code("age_group", person.age_group)),
        (_("Citizenship"), _code("country", person.citizenship)),
    ):
        if value:
            identity.append([label, value])

    case_rows = [[_("Reference"), _("Registered"), _("Status"), _("Case status"), _("Closed")]]
    consent_rows = [[_("Case"), _("Purpose"), _("Decision"), _("Date")]]
    referral_rows = [
        [
            _("Case"),
            pgettext("referral sender", "From"),
            pgettext("referral recipient", "To"),
            pgettext("date a referral was sent", "Sent"),
        ]
    ]
    service_rows = [[_("Case"), _("Service"), _("Provider"), _("From")]]
    imported_rows = [[_("Case"), _("Field"), _("Value")]]
    retention_rows = []
    days = settings.HIMOYA_RETAIN_CLOSED_CASES_DAYS
    for case in cases:
        case_rows.append(
            [
                case.reference,
                _date(case.registered_on),
                case.status_label(),
                case.case_status_label(),
                _date(case.closed_on),
            ]
        )
        for consent in Consent.objects.filter(case=case).order_by("decided_on"):
            consent_rows.append(
                [
                    case.reference,
                    consent.purpose_label,
                    consent.get_status_display(),
                    _date(consent.decided_on),
                ]
            )
        for referral in Referral.objects.filter(case=case).select_related(
            "from_organisation", "to_organisation"
        ):
            to = referral.to_organisation.name if referral.to_organisation else ""
            referral_rows.append(
                [
                    case.reference,
                    referral.from_organisation.name,
                    to or referral.external_recipient,
                    _date(referral.sent_at),
                ]
            )
        for service in ServiceDelivery.objects.filter(case=case).select_related("provider"):
            service_rows.append(
                [
                    case.reference,
                    service.service_label,
                    service.provider.name,
                    _date(service.started_on),
                ]
            )
        kept = SourceFields.objects.filter(case=case).only("sealed").first()
        sealed: dict = kept.sealed if kept is not None and isinstance(kept.sealed, dict) else {}
        for field, value in sorted(sealed.items()):
            imported_rows.append([case.reference, field, str(value)])
        if case.closed_on and days:
            until = case.closed_on + datetime.timedelta(days=days)
            retention_rows.append(
                [
                    case.reference,
                    _("Your name and details are removed on %(date)s or later.")
                    % {"date": _date(until)},
                ]
            )
        else:
            retention_rows.append(
                [case.reference, _("Kept while the case is open, then for a fixed period.")]
            )

    seen = [[_("When"), _("Organisation"), _("What")]]
    case_ids = [str(c.pk) for c in cases]
    events = (
        AuditEvent.objects.filter(object_type="cases.person", object_id=str(person.pk))
        | AuditEvent.objects.filter(object_type="cases.case", object_id__in=case_ids)
    ).order_by("at")
    names = {c.organisation_id: c.organisation.name for c in cases}
    from himoya.organisations.models import Organisation

    missing = {e.organisation_id for e in events if e.organisation_id} - set(names)
    names.update({o.pk: o.name for o in Organisation.objects.filter(pk__in=missing)})
    for event in events[:500]:
        seen.append(
            [_date(event.at), names.get(event.organisation_id, ""), event.get_action_display()]
        )

    return [
        (_("Your identity as recorded"), identity, False),
        (_("Your cases"), case_rows, True),
        (_("Your consents"), consent_rows, True),
        (_("Referrals to other organisations"), referral_rows, True),
        (_("Services you received"), service_rows, True),
        (_("Details kept from an imported file"), imported_rows, True),
        (_("Who saw or changed your records"), seen, True),
        (_("How long your data are kept"), retention_rows, False),
    ]


def to_pdf(person, cases, language: str) -> bytes:
    """Render the report in `language` with the statistics reports' PDF library and font."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from himoya.stats.exports import _register_fonts

    _register_fonts()
    body = ParagraphStyle("body", fontName="DejaVu", fontSize=9, leading=12)
    h1 = ParagraphStyle("h1", parent=body, fontName="DejaVu-Bold", fontSize=15, leading=19)
    h2 = ParagraphStyle(
        "h2", parent=body, fontName="DejaVu-Bold", fontSize=11, leading=15, spaceBefore=10
    )
    with translation.override(language):
        title = _("Your personal data held in Himoya")
        story = [
            Paragraph(escape(title), h1),
            Paragraph(
                _("Report produced on %(date)s at your request.") % {"date": _date(timezone.now())},
                body,
            ),
            Spacer(1, 0.3 * cm),
        ]
        for heading, rows, header in report_sections(person, cases):
            story.append(Paragraph(escape(heading), h2))
            if len(rows) <= (1 if header else 0):
                story.append(Paragraph(_("None."), body))
                continue
            table = Table([[Paragraph(escape(str(c)), body) for c in row] for row in rows])
            style = [
                ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
            if header:
                style.append(("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke))
            table.setStyle(TableStyle(style))
            story.append(table)
    out = io.BytesIO()
    SimpleDocTemplate(
        out, pagesize=A4, title=title, leftMargin=1.5 * cm, rightMargin=1.5 * cm
    ).build(story)
    return out.getvalue()


def do_produce_subject_access_report(person, cases, *, language: str, acting_user, request=None):
    """Produce the report (PDF bytes) and write the disclosure to the audit log."""
    languages = {code for code, _name in settings.LANGUAGES}
    if language not in languages:
        raise ValueError("unknown language")
    pdf = to_pdf(person, list(cases), language)
    record(
        Action.EXPORT,
        actor=acting_user,
        obj=person,
        detail=f"subject-access report ({language}, {len(cases)} cases)",
        request=request,
    )
    return pdf
