"""Submissions of the official HTCDS XLSForm, as ODK Central and KoboToolbox export them.

CSV: one row per submission; a column is named by the question's path, with groups
joined by "-" (ODK Central) or "/" (KoboToolbox); select_multiple answers are
space-separated; the instance id is in `meta-instanceID`, `meta/instanceID`, `KEY` or
`_uuid`. KoboToolbox may also separate cells with semicolons, add one 0/1 column per
choice of a select_multiple question ("question/choice"), and write the form's labels
instead of the names, for questions and for choices; the labels are read with the
official form's own (`data/htcds_xlsform_labels.json`). XML: one instance per file
(`<data id="htcds_xlsform">…</data>`), or a zip of such files. The instance id is the
stable key of a submission.
"""

import datetime
import io
import json
import re
import uuid
import zipfile
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from xml.etree.ElementTree import Element, SubElement, tostring

from defusedxml.ElementTree import fromstring

from himoya.interop import fields as F
from himoya.interop.tabular import read_table, sniff_kind, write_csv

FORM_ID = "htcds_xlsform"
FORM_VERSION = "vSmt4GQA3C9uBMLPEVfgND"
# The form's questions in survey order: (question name, canonical field). The form
# spells three names differently from the standard.
QUESTIONS: list[tuple[str, str]] = [
    ("con_Consent", "con_Consent"),
    ("prs_Salutation", "prs_Salutation"),
    ("prs_First_Name", "prs_FirstName"),
    ("prs_Second_Name", "prs_SecondName"),
    ("prs_Birthdate", "prs_Birthdate"),
    ("prs_Gender", "prs_Gender"),
    ("prs_Citizenship", "prs_Citizenship"),
    ("prs_Title", "prs_Title"),
    ("prs_Email", "prs_Email"),
    ("prs_HomePhone", "prs_HomePhone"),
    ("prs_MobilePhone", "prs_MobilePhone"),
    ("prs_MailingCity", "prs_MailingCity"),
    ("prs_MailingCountry", "prs_MailingCountry"),
    ("prs_MailingState", "prs_MailingState"),
    ("prs_MailingStreet", "prs_MailingStreet"),
    ("prs_MailingPostalCode", "prs_MailingPostalCode"),
    ("vic_MethodOfRecruitment", "vic_MethodOfRecruitment"),
    ("vic_LocationOfRecruitment", "vic_LocationOfRecruitment"),
    ("vic_TraffickingStatus", "vic_TraffickingStatus"),
    ("vic_TraffickingStatusDecisionMakingOrg", "vic_TraffickingStatusDecisionMakingOrg"),
    ("vic_Methods_of_Control", "vic_MethodsOfControl"),
    ("vic_TypeOfExploitation", "vic_TypeOfExploitation"),
    ("vic_ForcedLabourIndustry", "vic_ForcedLabourIndustry"),
    ("vic_TypeOfSexExploitation", "vic_TypeOfSexExploitation"),
    ("vic_LocationOfExploitation", "vic_LocationOfExploitation"),
    ("cas_Status", "cas_Status"),
    ("cas_ReferringOrganisation", "cas_ReferringOrganisation"),
    ("cas_IncomingReferralDate", "cas_IncomingReferralDate"),
    ("cas_ReferringPrimaryCaseWorker", "cas_ReferringPrimaryCaseWorker"),
    ("cas_ReasonForIncomingReferral", "cas_ReasonForIncomingReferral"),
    ("cas_IncomingReferralDetails", "cas_IncomingReferralDetails"),
]
TO_FIELD = dict(QUESTIONS)
TO_QUESTION = {field: q for q, field in QUESTIONS}
FIELD_NAMES = [field for _q, field in QUESTIONS]
INSTANCE_ID_COLUMNS = ("meta-instanceID", "meta/instanceID", "instanceID", "KEY", "_uuid")
# When the form was filled in (the case's registration date), by preference.
DATE_COLUMNS = ("end", "start", "SubmissionDate", "_submission_time")
DATE = "__date"
_SEP = re.compile(r"[-/]")


class LayoutError(ValueError):
    pass


def read(path: Path) -> Iterator[tuple[int, str, dict]]:
    """Yield (row number, instance id or "", {field: raw value}) per submission."""
    kind = sniff_kind(path)
    if kind == "xml":
        yield 1, *_from_xml(path.read_bytes())
    elif kind == "zip":
        yield from _from_zip(path)
    else:
        yield from _from_table(read_table(path))


def _fold(text: str) -> str:
    return " ".join(str(text).replace("\xa0", " ").split()).casefold()


@cache
def _labels() -> tuple[dict[str, list[str]], dict[str, str], dict[str, dict[str, str]]]:
    """(question label → names in form order, question → choice list, list → {label: name})."""
    data = json.loads((Path(__file__).parent / "data" / "htcds_xlsform_labels.json").read_text())
    by_label: dict[str, list[str]] = {}
    lists: dict[str, str] = {}
    for name, label, qtype in data["questions"]:
        by_label.setdefault(_fold(label), []).append(name)
        kind, _, list_name = qtype.partition(" ")
        if kind in ("select_one", "select_multiple"):
            lists[name] = list_name
    choices = {
        list_name: {_fold(label): name for name, label in options}
        | {_fold(name): name for name, _label in options}
        for list_name, options in data["choices"].items()
    }
    return by_label, lists, choices


def _header_map(header: list[str]):
    """Map columns to questions and, for one-column-per-choice exports, to choices."""
    by_label, lists, choices = _labels()
    used_labels: dict[str, int] = {}
    columns: dict[int, str] = {}  # column → field
    choice_columns: dict[int, tuple[str, str]] = {}  # column → (field, choice name)

    def question(text: str) -> str | None:
        if text in TO_FIELD:
            return text
        names = by_label.get(_fold(text))
        if names:
            # Two questions of the official form share a label: take them in form order.
            n = used_labels.get(_fold(text), 0)
            used_labels[_fold(text)] = n + 1
            return names[min(n, len(names) - 1)]
        return None

    multi = [
        (_fold(prefix) + "/", q)
        for label, names in by_label.items()
        for q in names
        if q in lists and q in TO_FIELD
        for prefix in (label, q)
    ]

    def choice(name: str) -> tuple[str, str] | None:
        """(field, choice name) of a "question/choice" column (names or labels)."""
        folded = _fold(name)
        for prefix, q in multi:
            pos = folded.find(prefix)
            if pos == 0 or (pos > 0 and folded[pos - 1] == "/"):
                option = folded[pos + len(prefix) :]
                listed = choices.get(lists[q], {})
                if option in listed:
                    return TO_FIELD[q], listed[option]
        return None

    for i, name in enumerate(header):
        leaf = _SEP.split(name)[-1]
        found = question(name)  # a name, or a label (which may hold a "/")
        if found is None and "/" in name:
            picked = choice(name)
            if picked is not None:
                choice_columns[i] = picked
                continue
            found = question(name.rsplit("/", 1)[-1])
        if found is None and leaf in TO_FIELD:
            found = leaf
        if found is not None and TO_FIELD[found] not in columns.values():
            columns[i] = TO_FIELD[found]
    return columns, choice_columns


_CHOSEN = {"1", "1.0", "true", "yes"}


def _from_table(rows: Iterator[list]) -> Iterator[tuple[int, str, dict]]:
    header = [str(h or "").strip() for h in next(rows, [])]
    id_column = None
    date_columns: dict[str, int] = {}
    for i, name in enumerate(header):
        if name in INSTANCE_ID_COLUMNS and id_column is None:
            id_column = i
        leaf = _SEP.split(name)[-1]
        if leaf in DATE_COLUMNS:
            date_columns.setdefault(leaf, i)
    columns, choice_columns = _header_map(header)
    date_order = [date_columns[n] for n in DATE_COLUMNS if n in date_columns]
    if len(columns) + len({f for f, _c in choice_columns.values()}) < 3:
        raise LayoutError("xlsform")
    _by_label, lists, choices = _labels()
    one_list = {TO_FIELD[q]: choices[lst] for q, lst in lists.items()}
    by_choice = {f for f, _c in choice_columns.values()}
    for number, row in enumerate(rows, start=1):
        if not any(str(c or "").strip() for c in row):
            continue
        instance = str(row[id_column] or "").strip() if id_column is not None else ""
        raw = {f: row[i] for i, f in columns.items() if i < len(row)}
        for field in by_choice:
            raw[field] = " ".join(
                choice
                for i, (f, choice) in choice_columns.items()
                if f == field and i < len(row) and _fold(row[i] or "") in _CHOSEN
            )
        for field, value in raw.items():
            listed = one_list.get(field)
            if listed and isinstance(value, str) and value.strip():
                # A label (KoboToolbox "labels" export) becomes the choice's name.
                folded = _fold(value)
                if folded in listed:
                    raw[field] = listed[folded]
                elif F.BY_NAME[field].kind != F.CODES:
                    continue
                else:
                    raw[field] = " ".join(listed.get(_fold(p), p) for p in value.split())
        dates = [row[i] for i in date_order if i < len(row) and row[i]]
        raw[DATE] = dates[0] if dates else ""
        yield number, instance, raw


def _from_xml(data: bytes) -> tuple[str, dict]:
    root = fromstring(data)
    raw: dict = {}
    dates: dict = {}
    instance = ""
    for el in root.iter():
        tag = el.tag.rsplit("}", 1)[-1]
        if len(el):
            continue
        if tag == "instanceID":
            instance = (el.text or "").strip()
        elif tag in TO_FIELD:
            raw[TO_FIELD[tag]] = el.text or ""
        elif tag in DATE_COLUMNS and el.text:
            dates[tag] = el.text.strip()
    raw[DATE] = next((dates[n] for n in DATE_COLUMNS if n in dates), "")
    if not raw and not instance:
        raise LayoutError("xlsform")
    return instance, raw


def _from_zip(path: Path) -> Iterator[tuple[int, str, dict]]:
    with zipfile.ZipFile(path) as zf:
        names = sorted(n for n in zf.namelist() if not n.endswith("/"))
        xmls = [n for n in names if n.lower().endswith(".xml")]
        if xmls:
            for number, name in enumerate(xmls, start=1):
                yield number, *_from_xml(zf.read(name))
            return
        csvs = [n for n in names if n.lower().endswith(".csv")]
        if not csvs:
            raise LayoutError("xlsform")
        import csv

        with zf.open(min(csvs, key=len)) as fh:
            yield from _from_table(csv.reader(io.TextIOWrapper(fh, encoding="utf-8-sig")))


def _answer(field: F.Field, value) -> str:
    if value in (None, "", []):
        return ""
    if field.kind == F.CODES:
        return " ".join(value)
    if field.kind == F.BOOL:
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def instance_id(key: str) -> str:
    """Return the instance id to write for a record with this source key."""
    if key.startswith("xlsform:uuid:"):
        return key.removeprefix("xlsform:")
    return f"uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'himoya:' + key)}"


def csv_rows(records: Iterable[tuple[str, dict]]) -> Iterator[list]:
    """Yield an ODK Central style CSV: header, then one row per (source key, record)."""
    yield ["SubmissionDate", "start", "end", *TO_QUESTION.values(), "meta-instanceID", "KEY"]
    for key, record in records:
        iid = instance_id(key)
        when = _timestamp(record.get(DATE))
        answers = [_answer(F.BY_NAME[f], record.get(f)) for f in FIELD_NAMES]
        yield [when, when, when, *answers, iid, iid]


def _timestamp(day) -> str:
    return f"{day.isoformat()}T12:00:00.000+05:00" if day else ""


def write_csv_file(records: Iterable[tuple[str, dict]], path: Path) -> None:
    write_csv(path, csv_rows(records))


def instance_xml(key: str, record: dict) -> bytes:
    root = Element("data", {"id": FORM_ID, "version": FORM_VERSION})
    when = _timestamp(record.get(DATE))
    SubElement(root, "start").text = when
    SubElement(root, "end").text = when
    for question, field in QUESTIONS:
        SubElement(root, question).text = _answer(F.BY_NAME[field], record.get(field))
    SubElement(SubElement(root, "meta"), "instanceID").text = instance_id(key)
    return tostring(root, encoding="utf-8", xml_declaration=True)


def write_zip(records: Iterable[tuple[str, dict]], path: Path) -> None:
    """Write a zip holding one instance folder per submission, as ODK Briefcase does."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for key, record in records:
            folder = instance_id(key).removeprefix("uuid:")
            zf.writestr(f"{folder}/submission.xml", instance_xml(key, record))
