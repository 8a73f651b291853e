"""Submissions synthesised from the official HTCDS XLSForm (its survey and choices sheets)."""

import datetime
import uuid
import zipfile
from xml.etree.ElementTree import Element, SubElement, tostring

from django.conf import settings
from openpyxl import load_workbook

FORM = "htcds/htcds_xlsform.xlsx"
NAMES = ["Фарҳод", "Малика", "Bahrom", "Нилуфар", "Dilshod", "Гулнора"]


def official_form():
    """Return (questions [(type, name)], choices {list: [names]}) read from the form."""
    wb = load_workbook(settings.HIMOYA_SHARED_DATA / FORM, read_only=True)
    survey = list(wb["survey"].iter_rows(values_only=True))
    choices: dict[str, list[str]] = {}
    for list_name, name, _label in list(wb["choices"].iter_rows(values_only=True))[1:]:
        if list_name:
            choices.setdefault(list_name, []).append(str(name))
    wb.close()
    head = survey[0]
    questions = [(row[head.index("type")], row[head.index("name")]) for row in survey[1:] if row[0]]
    return questions, choices


def answer(qtype: str, name: str, n: int, choices: dict) -> str:
    """An answer a data collector could give to question `name` in submission `n`."""
    kind, _, list_name = qtype.partition(" ")
    if kind == "select_one":
        options = choices[list_name]
        return options[(n * 7 + len(name)) % len(options)]
    if kind == "select_multiple":
        options = choices[list_name]
        picked = {options[(n * 5 + i * 3) % len(options)] for i in range(1 + n % 2)}
        return " ".join(o for o in options if o in picked)
    if kind == "date":
        return (datetime.date(1980, 1, 1) + datetime.timedelta(days=911 * n)).isoformat()
    if kind == "text":
        if name == "prs_MailingCountry":
            return choices["citizenship"][(n * 11) % len(choices["citizenship"])]
        if name in ("prs_First_Name", "prs_Second_Name"):
            return NAMES[(n + len(name)) % len(NAMES)]
        if name == "prs_Email":
            return f"person{n}@example.org"
        return f"{name} {n}"
    return ""


def submissions(count: int):
    """Yield (instance id, {question: answer}, submission time) for `count` submissions."""
    questions, choices = official_form()
    for n in range(count):
        when = f"2024-0{1 + n % 9}-1{n % 10}T10:00:00.000+05:00"
        answers = {
            name: answer(qtype, name, n, choices)
            for qtype, name in questions
            if qtype.split(" ")[0] in ("select_one", "select_multiple", "date", "text")
        }
        yield f"uuid:{uuid.UUID(int=n + 1)}", answers, when


def central_csv(path, count: int, change=None) -> list[str]:
    """Write submissions as ODK Central's CSV export; return the question columns."""
    import csv

    rows = list(submissions(count))
    if change:
        change(rows)
    names = list(rows[0][1])
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["SubmissionDate", "start", "end", *names, "meta-instanceID", "KEY"])
        for iid, answers, when in rows:
            w.writerow([when, when, when, *[answers[q] for q in names], iid, iid])
    return names


def instance_xml(iid: str, answers: dict, when: str) -> bytes:
    root = Element("data", {"id": "htcds_xlsform", "version": "vSmt4GQA3C9uBMLPEVfgND"})
    SubElement(root, "start").text = when
    SubElement(root, "end").text = when
    for name, value in answers.items():
        SubElement(root, name).text = value
    SubElement(SubElement(root, "meta"), "instanceID").text = iid
    return tostring(root, encoding="utf-8", xml_declaration=True)


def instances_zip(path, count: int, change=None) -> None:
    rows = list(submissions(count))
    if change:
        change(rows)
    with zipfile.ZipFile(path, "w") as zf:
        for iid, answers, when in rows:
            zf.writestr(f"instances/{iid[5:]}/submission.xml", instance_xml(iid, answers, when))


def kobo_csv(path, count: int, *, labels: bool = True) -> None:
    """Write the same submissions as KoboToolbox's CSV export does with its usual options:
    semicolons, one 0/1 column per choice of a select_multiple question beside the
    question's own column, and (with `labels`) the form's labels for questions and choices.
    """
    import csv

    wb = load_workbook(settings.HIMOYA_SHARED_DATA / FORM, read_only=True)
    survey = list(wb["survey"].iter_rows(values_only=True))
    choice_label = {
        (lst, str(name).strip()): str(label).strip()
        for lst, name, label in list(wb["choices"].iter_rows(values_only=True))[1:]
        if lst
    }
    wb.close()
    _questions, choices = official_form()
    choices = {k: [c.strip() for c in v] for k, v in choices.items()}
    rows = list(submissions(count))
    asked = [
        (qtype, name, label)
        for qtype, name, label, *_ in survey[1:]
        if qtype and qtype.split(" ")[0] in ("select_one", "select_multiple", "date", "text")
    ]

    def title(name, label):
        return label if labels else name

    def shown(list_name, value):
        return choice_label[(list_name, value)] if labels else value

    header = ["start", "end"]
    for qtype, name, label in asked:
        header.append(title(name, label))
        kind, _, list_name = qtype.partition(" ")
        if kind == "select_multiple":
            header += [f"{title(name, label)}/{shown(list_name, c)}" for c in choices[list_name]]
    header += ["_id", "_uuid", "_submission_time", "_index"]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(header)
        for n, (iid, answers, when) in enumerate(rows, start=1):
            line = [when, when]
            for qtype, name, _label in asked:
                kind, _, list_name = qtype.partition(" ")
                value = answers[name]
                if kind == "select_one" and value:
                    line.append(shown(list_name, value))
                elif kind == "select_multiple":
                    picked = value.split()
                    line.append(" ".join(shown(list_name, v) for v in picked))
                    line += ["1" if c in picked else "0" for c in choices[list_name]]
                else:
                    line.append(value)
            line += [str(1000 + n), iid.removeprefix("uuid:"), when, str(n)]
            w.writerow(line)
