"""The HTCDS 2.0 Excel template (`HTCDS Excel Spreadsheet v2.0.xlsx`) as CSV or XLSX.

Row 1 holds the field API names, row 2 their labels, data start on row 3; column A
numbers the rows. The template spells one name with a typo and leaves one name out;
both are read and written exactly as the template has them.
"""

import datetime
from collections.abc import Iterable, Iterator
from pathlib import Path

from himoya.interop import fields as F
from himoya.interop.tabular import read_table, write_csv, write_xlsx

# (API name in the template, label in the template, canonical field)
LAYOUT: list[tuple[str | None, str, str]] = [
    ("cas_CaseOwner", "Case Owner", "cas_CaseOwner"),
    ("prs_Salutation", "Salutation", "prs_Salutation"),
    ("prs_FirstName", "First Name", "prs_FirstName"),
    ("prs_SecondName", "Second Name", "prs_SecondName"),
    ("con_Consent", "Consent", "con_Consent"),
    ("prs_Birthdate", "Birthdate", "prs_Birthdate"),
    ("prs_Gender", "Gender", "prs_Gender"),
    ("prs_Citizenship", "Citizenship", "prs_Citizenship"),
    ("prs_Title", "Title", "prs_Title"),
    ("prs_Email", "Email", "prs_Email"),
    ("prs_HomePhone", "Home Phone", "prs_HomePhone"),
    ("prs_MobilePhone", "Mobile Phone", "prs_MobilePhone"),
    # The template's label row lists the address parts in another order than its names.
    ("prs_MailingCity", "Mailing Street", "prs_MailingCity"),
    ("prs_MailingCountry", "Mailing City", "prs_MailingCountry"),
    ("prs_MailingState", "Mailing State/Province", "prs_MailingState"),
    ("prs_MailingStreet", "Mailing Zip/Postal Code", "prs_MailingStreet"),
    ("prs_MailingPostalCode", "Mailing Country", "prs_MailingPostalCode"),
    ("vic_TraffickingStatus", "Trafficking Status", "vic_TraffickingStatus"),
    (
        "vic_TraffickinStatusDecisionMakingOrg",
        "Trafficking Status Decision Making Organization",
        "vic_TraffickingStatusDecisionMakingOrg",
    ),
    ("vic_MethodOfRecruitment", "Method of Recruitment", "vic_MethodOfRecruitment"),
    ("vic_LocationOfRecruitment", "Location of Recruitment", "vic_LocationOfRecruitment"),
    ("vic_MethodsOfControl", "Methods of Control", "vic_MethodsOfControl"),
    ("vic_TypeOfExploitation", "Type of Exploitation", "vic_TypeOfExploitation"),
    ("vic_ForcedLabourIndustry", "Forced Labour Industry", "vic_ForcedLabourIndustry"),
    ("vic_TypeOfSexExploitation", "Type of Sex Exploitation", "vic_TypeOfSexExploitation"),
    ("vic_LocationOfExploitation", "Location of Exploitation", "vic_LocationOfExploitation"),
    ("cas_Status", "Status", "cas_Status"),
    ("cas_ReferringOrganisation", "Referring Organisation", "cas_ReferringOrganisation"),
    ("cas_IncomingReferralDate", "Incoming Referral Date", "cas_IncomingReferralDate"),
    (
        "cas_ReferringPrimaryCaseWorker",
        "Referring Primary Case Worker",
        "cas_ReferringPrimaryCaseWorker",
    ),
    (
        "cas_ReasonForIncomingReferral",
        "Reason for Incoming Referral",
        "cas_ReasonForIncomingReferral",
    ),
    ("cas_IncomingReferralDetails", "Incoming Referral Details", "cas_IncomingReferralDetails"),
    ("cas_ReferredOrganisation", "Referred Organisation", "cas_ReferredOrganisation"),
    (
        "cas_ReferredPrimaryCaseWorker",
        "Referred Primary Case Worker",
        "cas_ReferredPrimaryCaseWorker",
    ),
    (None, "Reason for Outgoing Referral", "cas_ReasonForOutgoingReferral"),
    ("cas_OutgoingReferralDate", "Outgoing Referral Date", "cas_OutgoingReferralDate"),
    ("cas_OutgoingReferralDetails", "Outgoing Referral Details", "cas_OutgoingReferralDetails"),
    ("cas_ReasonForCaseClosure", "Reason for Case Closure", "cas_ReasonForCaseClosure"),
    ("himoya_RegisteredOn", "Registered on (Himoya)", "himoya_RegisteredOn"),
    ("himoya_StatusDecidedOn", "Status decided on (Himoya)", "himoya_StatusDecidedOn"),
    ("himoya_CaseReference", "Case reference (Himoya)", "himoya_CaseReference"),
]
FIELD_NAMES = [canonical for _name, _label, canonical in LAYOUT]
_BY_HEADER = {name: canonical for name, _label, canonical in LAYOUT if name}
_BY_HEADER.update({c: c for c in FIELD_NAMES})  # the standard's own spelling, too
_BY_LABEL = {label.lower(): canonical for name, label, canonical in LAYOUT if not name}
_LABELS = {label.lower() for _n, label, _c in LAYOUT}


class LayoutError(ValueError):
    pass


def _columns(header: list, labels: list | None) -> dict[int, str]:
    columns = {}
    for i, name in enumerate(header):
        name = str(name or "").strip()
        if name in _BY_HEADER:
            columns[i] = _BY_HEADER[name]
        elif not name and labels is not None and i < len(labels):
            label = str(labels[i] or "").strip().lower()
            if label in _BY_LABEL:
                columns[i] = _BY_LABEL[label]
    return columns


def read(path: Path) -> Iterator[tuple[int, dict]]:
    """Yield (row number, {field: raw value}) for every non-empty data row."""
    rows = read_table(path)
    header = next(rows, None)
    if header is None or sum(str(c or "").strip() in _BY_HEADER for c in header) < 3:
        raise LayoutError("htcds")
    second = next(rows, None)
    labels = None
    if second is not None and {str(c or "").strip().lower() for c in second} & _LABELS:
        labels, second = second, None
    columns = _columns(header, labels)
    pending = [second] if second is not None else []
    for number, row in enumerate(_chain(pending, rows), start=1):
        raw = {field: row[i] for i, field in columns.items() if i < len(row)}
        if any(v not in (None, "") and str(v).strip() for v in raw.values()):
            yield number, raw


def _chain(first: list, rest: Iterator) -> Iterator:
    yield from first
    yield from rest


def _cell(field: F.Field, value, xlsx: bool):
    if value in (None, "", []):
        return None if xlsx else ""
    if field.kind == F.CODES:
        return ";".join(value)
    if field.kind == F.BOOL:
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime.date):
        return value if xlsx else value.isoformat()
    return value


def rows(records: Iterable[dict], xlsx: bool = False) -> Iterator[list]:
    """Yield the template's two header rows, then one numbered row per record."""
    yield [
        None if xlsx else "",
        *[name if name else (None if xlsx else "") for name, _l, _c in LAYOUT],
    ]
    yield [None if xlsx else "", *[label for _n, label, _c in LAYOUT]]
    for number, record in enumerate(records, start=1):
        yield [number, *[_cell(F.BY_NAME[c], record.get(c), xlsx) for c in FIELD_NAMES]]


def write(records: Iterable[dict], path: Path, kind: str = "xlsx") -> None:
    if kind == "xlsx":
        write_xlsx(path, rows(records, xlsx=True))
    else:
        write_csv(path, rows(records))
