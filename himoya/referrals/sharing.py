"""What a referral shares of a case: the receiver's view and the HTCDS export.

Each shared part maps to a fixed set of case fields; nothing outside the parts a grant
lists is read for the receiver. Identity is read only when the `identity` part is
shared and the receiver chose to reveal it (an audited action).
"""

from django.utils.translation import gettext_lazy as _

from himoya.vocab import registry

PARTS = ("demographics", "trafficking_situation", "needs", "support_plan", "identity")

# HTCDS field names each shared part puts into a transnational package.
HTCDS_FIELDS = {
    "demographics": ["prs_Gender", "prs_Citizenship", "vic_AgeWhenTrafficked", "tj_AgeGroup"],
    "identity": [
        "prs_FirstName",
        "prs_MiddleName",
        "prs_SecondName",
        "prs_Birthdate",
        "prs_MobilePhone",
        "prs_IdentityNumber",
    ],
    "trafficking_situation": [
        "vic_TraffickingStatus",
        "vic_TraffickingStatusDecisionMakingOrg",
        "vic_RelationshipToTrafficker",
        "vic_MethodOfRecruitment",
        "vic_RecruitmentWebsitesAndApps",
        "vic_MethodsOfControl",
        "vic_TypeOfExploitation",
        "vic_ForcedLabourIndustry",
        "vic_TypeOfSexExploitation",
        "hte_Events",
    ],
    "needs": ["spl_Type", "tj_Needs"],
    "support_plan": ["spl_Objectives", "spl_PlannedEndDate", "spl_ActualEndDate"],
}
REFERRAL_FIELDS = [
    "cas_ReferringOrganisation",
    "cas_ReferredOrganisation",
    "cas_OutgoingReferralDate",
    "cas_ReasonForOutgoingReferral",
    "cas_OutgoingReferralDetails",
    "con_Consent",
]

# Sex codes of the case record, as HTCDS prs_Gender.
_GENDER = {
    "female": "Feminine",
    "woman": "Feminine",
    "girl": "Feminine",
    "f": "Feminine",
    "male": "Masculine",
    "man": "Masculine",
    "boy": "Masculine",
    "m": "Masculine",
}


MULTI_ROWS = [
    (_("Types of exploitation"), "vic_TypeOfExploitation", "exploitation_types"),
    (_("Forced-labour industries"), "vic_ForcedLabourIndustry", "labour_sectors"),
    (_("Means of control"), "vic_MethodsOfControl", "means_of_control"),
    (_("Methods of recruitment"), "vic_MethodOfRecruitment", "recruitment_methods"),
]


def exported_field_names(parts) -> list[str]:
    names = list(REFERRAL_FIELDS)
    for part in parts:
        names += HTCDS_FIELDS.get(part, [])
    return names


def _codes(case, field: str) -> list[str]:
    return [c.code for c in case.codes.all() if c.field == field]


def _situation(case):
    from himoya.cases.models import TraffickingSituation

    try:
        return case.situation
    except TraffickingSituation.DoesNotExist:
        return None


def _plan(case):
    from himoya.assistance.models import SupportPlan

    try:
        return case.support_plan
    except SupportPlan.DoesNotExist:
        return None


def _label(list_name: str, code: str) -> str:
    if not code:
        return ""
    return registry.label(list_name, code) if list_name in registry.names() else code


def _labels(list_name: str, codes: list[str]) -> str:
    return ", ".join(_label(list_name, c) for c in codes)


def shared_sections(case, parts, *, referral=None, reveal_identity=False) -> list[dict]:
    """Return the sections a receiver sees: [{"part", "title", "rows": [(label, value)]}]."""
    sections = []
    if "demographics" in parts:
        sections.append(
            {
                "part": "demographics",
                "title": _("Demographics"),
                "rows": [
                    (_("Sex"), _label("sex", case.sex)),
                    (_("Age group"), _label("age_group", case.age_group)),
                    (_("Citizenship"), _label("country", case.citizenship)),
                    (_("Region of origin"), _label("tj_region", case.region_of_origin)),
                ],
            }
        )
    if "trafficking_situation" in parts:
        situation = _situation(case)
        cross_border = case.is_cross_border
        rows = [
            (_("Trafficking status"), _label("vic_TraffickingStatus", case.trafficking_status)),
            (_("Country of exploitation"), _label("country", case.exploitation_country)),
            (
                _("Cross-border"),
                "" if cross_border is None else _("yes") if cross_border else _("no"),
            ),
        ]
        for title, list_name, field in MULTI_ROWS:
            rows.append((title, _labels(list_name, _codes(case, field))))
        if situation is not None:
            country = situation.recruitment_country
            rows.append((_("Country of recruitment"), _label("country", country)))
        sections.append(
            {"part": "trafficking_situation", "title": _("Trafficking situation"), "rows": rows}
        )
    if "needs" in parts:
        plan = _plan(case)
        needs = plan.needs if plan else []
        asked = referral.service_codes() if referral is not None else []
        sections.append(
            {
                "part": "needs",
                "title": _("Needs"),
                "rows": [
                    (_("Needs in the support plan"), _labels("assistance_service", needs)),
                    (_("Services asked for"), _labels("assistance_service", asked)),
                ],
            }
        )
    if "support_plan" in parts:
        plan = _plan(case)
        rows = []
        if plan is not None:
            rows = [
                (_("Goals"), plan.goals),
                (_("Planned end"), plan.planned_end or ""),
                (
                    _("Reflection and recovery period"),
                    f"{plan.reflection_starts_on or ''} – {plan.reflection_ends_on or ''}"
                    if plan.reflection_starts_on
                    else "",
                ),
            ]
        sections.append({"part": "support_plan", "title": _("Support plan"), "rows": rows})
    if "identity" in parts and reveal_identity:
        person = case.person
        sections.append(
            {
                "part": "identity",
                "title": _("Identity"),
                "rows": [
                    (_("Name"), person.full_name()),
                    (_("Date of birth"), person.date_of_birth or ""),
                    (_("Phone"), person.phone),
                    (
                        _("Identity document"),
                        f"{person.document_type} {person.document_number}".strip(),
                    ),
                ],
            }
        )
    return sections


def htcds_payload(referral) -> dict:
    """Return the HTCDS record a transnational referral sends: only its shared parts."""
    case = referral.case
    parts = set(referral.shared_parts)
    record: dict = {
        "cas_ReferringOrganisation": referral.from_organisation.name_en,
        "cas_ReferredOrganisation": referral.external_recipient,
        "cas_OutgoingReferralDate": referral.sent_at.date().isoformat(),
        "cas_ReasonForOutgoingReferral": "AdditionalServicesRequired",
        "cas_OutgoingReferralDetails": referral.message,
        "con_Consent": True,
        "tj_ServicesRequested": referral.service_codes(),
    }
    if "demographics" in parts:
        record.update(
            {
                "prs_Gender": _GENDER.get((case.sex or "").lower(), "NonSpecifiedUnknown"),
                "prs_Citizenship": [case.citizenship] if case.citizenship else [],
                "vic_AgeWhenTrafficked": case.person.age_at_identification,
                "tj_AgeGroup": case.age_group,
            }
        )
    if "identity" in parts:
        person = case.person
        record.update(
            {
                "prs_FirstName": person.given_name,
                "prs_MiddleName": person.patronymic,
                "prs_SecondName": person.family_name,
                "prs_Birthdate": person.date_of_birth.isoformat() if person.date_of_birth else None,
                "prs_MobilePhone": person.phone,
                "prs_IdentityNumber": person.document_number,
            }
        )
    if "trafficking_situation" in parts:
        situation = _situation(case)
        record.update(
            {
                "vic_TraffickingStatus": case.trafficking_status,
                "vic_TraffickingStatusDecisionMakingOrg": case.status_decided_by or None,
                "vic_RelationshipToTrafficker": (
                    situation.recruiter_relationship or None if situation else None
                ),
                "vic_MethodOfRecruitment": _codes(case, "recruitment_methods"),
                "vic_RecruitmentWebsitesAndApps": _codes(case, "online_platforms"),
                "vic_MethodsOfControl": _codes(case, "means_of_control"),
                "vic_TypeOfExploitation": _codes(case, "exploitation_types"),
                "vic_ForcedLabourIndustry": _codes(case, "labour_sectors"),
                "vic_TypeOfSexExploitation": _codes(case, "sexual_exploitation_types"),
                "hte_Events": [
                    e
                    for e in (
                        {"hte_Type": "Recruitment", "hte_Country": situation.recruitment_country}
                        if situation and situation.recruitment_country
                        else None,
                        {
                            "hte_Type": "Exploitation",
                            "hte_Country": case.exploitation_country,
                            "hte_Date": case.exploitation_began.isoformat()
                            if case.exploitation_began
                            else None,
                        }
                        if case.exploitation_country
                        else None,
                    )
                    if e
                ],
            }
        )
    plan = _plan(case)
    if "needs" in parts:
        needs = plan.needs if plan else []
        record["tj_Needs"] = needs
        wanted = [*needs, *referral.service_codes()]
        services = (registry.get("assistance_service", n) for n in wanted)
        spl = {s.extra.get("spl_Type") for s in services if s is not None}
        record["spl_Type"] = sorted(t for t in spl if t)
    if "support_plan" in parts and plan is not None:
        record.update(
            {
                "spl_Objectives": plan.goals,
                "spl_PlannedEndDate": plan.planned_end.isoformat() if plan.planned_end else None,
                "spl_ActualEndDate": plan.closed_on.isoformat() if plan.closed_on else None,
            }
        )
    return {
        "standard": "HTCDS 2.0",
        "source": "Himoya",
        "referral": {"id": referral.pk, "services": referral.service_codes()},
        "records": [record],
    }
