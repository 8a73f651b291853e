"""The HTCDS record that the HTCDS and XLSForm importers produce and exporters read.

Keys are HTCDS 2.0 field names. Each field says what kind of value it holds and, for
codes, which vocabulary list checks it. (CTDC data go column-wise; see ctdc.py.)
"""

from dataclasses import dataclass

from django.utils.functional import Promise as StrPromise
from django.utils.translation import gettext_lazy as _

TEXT = "text"
CODE = "code"  # one code of `codelist`
CODES = "codes"  # several codes of `codelist`
COUNTRY = "country"  # ISO 3166-1 alpha-2
DATE = "date"
BOOL = "bool"
YEAR = "year"


@dataclass(frozen=True)
class Field:
    name: str
    kind: str
    label: "str | StrPromise"
    codelist: str = ""
    identity: bool = False  # encrypted, shown only with VIEW_IDENTITY
    max_length: int = 255


F = Field
FIELDS: list[Field] = [
    # person: identity
    F("prs_Salutation", TEXT, _("Salutation"), identity=True),
    F("prs_FirstName", TEXT, _("First name"), identity=True),
    F("prs_SecondName", TEXT, _("Second name"), identity=True),
    F("prs_Birthdate", DATE, _("Date of birth"), identity=True),
    F("prs_Title", TEXT, _("Title"), identity=True),
    F("prs_Email", TEXT, _("Email"), identity=True),
    F("prs_HomePhone", TEXT, _("Home phone"), identity=True),
    F("prs_MobilePhone", TEXT, _("Mobile phone"), identity=True),
    F("prs_MailingStreet", TEXT, _("Street"), identity=True),
    F("prs_MailingCity", TEXT, _("City"), identity=True),
    F("prs_MailingState", TEXT, _("State or province"), identity=True),
    F("prs_MailingPostalCode", TEXT, _("Postal code"), identity=True),
    F("prs_MailingCountry", COUNTRY, _("Country of address"), identity=True),
    # person: in the clear, for statistics
    F("prs_Gender", CODE, _("Gender"), "prs_Gender"),
    F("prs_Citizenship", COUNTRY, _("Citizenship")),
    # case
    F("con_Consent", BOOL, _("Consent")),
    F("vic_TraffickingStatus", CODE, _("Trafficking status"), "vic_TraffickingStatus"),
    F(
        "vic_TraffickingStatusDecisionMakingOrg",
        CODE,
        _("Organisation that decided the status"),
        "vic_TraffickingStatusDecisionMakingOrg",
    ),
    F("vic_MethodOfRecruitment", CODES, _("Methods of recruitment"), "vic_MethodOfRecruitment"),
    F("vic_LocationOfRecruitment", TEXT, _("Place of recruitment")),
    F("vic_MethodsOfControl", CODES, _("Means of control"), "vic_MethodsOfControl"),
    F("vic_TypeOfExploitation", CODES, _("Types of exploitation"), "vic_TypeOfExploitation"),
    F("vic_ForcedLabourIndustry", CODES, _("Labour sectors"), "vic_ForcedLabourIndustry"),
    F(
        "vic_TypeOfSexExploitation",
        CODES,
        _("Types of sexual exploitation"),
        "vic_TypeOfSexExploitation",
    ),
    F("vic_LocationOfExploitation", TEXT, _("Place of exploitation")),
    F("cas_Status", CODE, _("Case status"), "cas_Status"),
    # Long Text in the standard: a reason of the list, or in words (kept as written).
    F("cas_ReasonForCaseClosure", TEXT, _("Reason for closure"), max_length=2000),
    F("cas_CaseOwner", TEXT, _("Case owner")),
    F("cas_ReferringOrganisation", TEXT, _("Referring organisation")),
    F("cas_IncomingReferralDate", DATE, _("Incoming referral date")),
    F("cas_ReferringPrimaryCaseWorker", TEXT, _("Referring caseworker")),
    # A picklist in the standard, free text in the official XLSForm.
    F("cas_ReasonForIncomingReferral", TEXT, _("Reason for incoming referral")),
    F("cas_IncomingReferralDetails", TEXT, _("Incoming referral details"), max_length=2000),
    F("cas_ReferredOrganisation", TEXT, _("Referred organisation")),
    F("cas_ReferredPrimaryCaseWorker", TEXT, _("Referred caseworker")),
    F("cas_ReasonForOutgoingReferral", TEXT, _("Reason for outgoing referral")),
    F("cas_OutgoingReferralDate", DATE, _("Outgoing referral date")),
    F("cas_OutgoingReferralDetails", TEXT, _("Outgoing referral details"), max_length=2000),
    # Himoya's own columns beside the standard's: the dates a count depends on, so that a
    # file exported from Himoya imports into the same periods.
    F("himoya_RegisteredOn", DATE, _("Registered on")),
    F("himoya_StatusDecidedOn", DATE, _("Status decided on")),
    # The case's reference in Himoya: the organisation's own export, imported again, is
    # recognised by it.
    F("himoya_CaseReference", TEXT, _("Case reference")),
]
BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}
IDENTITY_FIELDS = frozenset(f.name for f in FIELDS if f.identity)


def label(name: str) -> str:
    """Return a field's label in the active language, or the column name as it came."""
    field = BY_NAME.get(name)
    return str(field.label) if field else name
