"""The disclosure report of a release: method, parameters, what it protects, what it keeps.

`sections()` gives the same content to the HTML page and to the PDF, in the active language.
"""

import io
from xml.sax.saxutils import escape

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from himoya.publish import fields as F
from himoya.publish.measure import MIN_CELL
from himoya.publish.models import Release

LEVEL_NAMES = {
    "year": ["", "two-year periods", "five-year periods", "not published"],
    "age": ["", "child or adult", "not published"],
    "country": ["", "parts of the world (UN M49)", "continents (UN M49)", "not published"],
    "category": ["", "not published"],
}


def _level(field: str, level: int) -> str:
    if level == 0:
        return _("as recorded")
    names = {
        "two-year periods": _("two-year periods"),
        "five-year periods": _("five-year periods"),
        "child or adult": _("child or adult"),
        "parts of the world (UN M49)": _("parts of the world (UN M49)"),
        "continents (UN M49)": _("continents (UN M49)"),
        "not published": _("not published"),
    }
    kind = F.hierarchy(field).kind
    return names[LEVEL_NAMES[kind][min(level, len(LEVEL_NAMES[kind]) - 1)]]


def _pct(part: int, whole: int) -> str:
    return f"{number_format(100 * part / whole, 1)} %" if whole else "—"


def explain_epsilon(epsilon: float) -> str:
    return _(
        "ε (epsilon) limits how much the release can reveal about any one person: whether or "
        "not a person is in the register changes the chance of any published result by at "
        "most a factor of e^ε (here %(factor)s). Smaller is safer; official statistics "
        "usually use ε between 0.5 and 4."
    ) % {"factor": number_format(2.718281828**epsilon, 1)}


def sections(release: Release) -> list[tuple[str, list[tuple[str, str]]]]:
    m = release.measurements or {}
    p = release.parameters or {}
    out = []
    people = [
        (
            pgettext("name of a plan, meeting or course", "Title"),
            f"{release.title} (v{release.version})",
        ),
        (
            _("Period"),
            f"{date_format(release.period_start, 'SHORT_DATE_FORMAT')} – "
            f"{date_format(release.period_end, 'SHORT_DATE_FORMAT')}",
        ),
        (_("Trafficking statuses"), ", ".join(release.statuses) or _("all")),
        (_("Persons in the population"), number_format(m.get("persons", p.get("persons", 0)))),
        (_("Counting unit"), _("persons: a person with several cases is one record")),
        (_("Method"), str(release.get_method_display())),
        (_("Prepared by"), release.prepared_by.get_full_name() or release.prepared_by.username),
        (
            _("Approved by"),
            (release.approved_by.get_full_name() or release.approved_by.username)
            if release.approved_by
            else _("not yet approved"),
        ),
    ]
    out.append((_("The release"), people))
    out.append(
        (
            _("Published fields"),
            [
                (
                    field,
                    str(F.PUBLISHABLE[field])
                    + (" · " + _("quasi-identifier") if field in release.quasi_identifiers else ""),
                )
                for field in release.fields
            ],
        )
    )
    if release.method == Release.Method.KANON:
        reid = m.get("reidentification", {})
        persons = m.get("persons", 0)
        protection = [
            (_("k asked"), str(p.get("k"))),
            (_("k achieved (smallest class)"), str(m.get("k_achieved", "—"))),
            (
                _("l-diversity of %(field)s") % {"field": ", ".join(m.get("sensitive") or [])},
                str(m.get("l_diversity") if m.get("l_diversity") is not None else "—"),
            ),
            (
                _("Records suppressed"),
                f"{number_format(m.get('suppressed_records', 0))} "
                f"({_pct(m.get('suppressed_records', 0), persons)})",
            ),
            (_("Classes of quasi-identifiers"), number_format(m.get("classes", 0))),
        ]
        for field, level in (m.get("levels") or {}).items():
            protection.append(
                (
                    _("Generalised: %(field)s") % {"field": field},
                    f"{_level(field, level)} · "
                    + _("%(n)s values changed")
                    % {"n": number_format(m["generalised_values"][field])},
                )
            )
        protection.append(
            (
                _("Re-identification test"),
                _(
                    "every published record matches at least %(min)s persons of the register "
                    "(median %(median)s); records matching fewer than k: %(below)s"
                )
                % {
                    "min": reid.get("min", "—"),
                    "median": number_format(reid.get("median", 0), 0),
                    "below": reid.get("below_k", "—"),
                },
            )
        )
    else:
        protection = [
            (_("ε"), str(p.get("epsilon"))),
            (_("δ"), str(p.get("delta") if p.get("delta") is not None else _("library default"))),
            (
                _("Combinations measured"),
                _("up to %(n)s fields") % {"n": p.get("reporting_length")},
            ),
            (_("Records (DP count)"), number_format(m.get("dp_records", 0))),
            (_("Synthetic records"), number_format(m.get("synthetic_records", 0))),
            (_("What ε means"), explain_epsilon(float(p.get("epsilon") or 0))),
        ]
    out.append((_("What the release protects"), protection))
    utility = []
    for width, label in (("1way", _("One-way tables")), ("2way", _("Two-way tables"))):
        u = (m.get("utility") or {}).get(width)
        if u:
            utility.append(
                (
                    label,
                    _(
                        "%(cells)s cells of at least %(min)s persons: mean relative error "
                        "%(mean)s, largest %(max)s"
                    )
                    % {
                        "min": MIN_CELL,
                        "cells": number_format(u["cells"]),
                        "mean": f"{number_format(100 * u['mean'], 1)} %",
                        "max": f"{number_format(100 * u['max'], 1)} %",
                    },
                )
            )
    out.append((_("What the release keeps (against the register)"), utility))
    return out


def to_pdf(release: Release) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from himoya.stats.exports import FONT_DIR

    if "DejaVu" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVu", str(FONT_DIR / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont("DejaVu-Bold", str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    body = ParagraphStyle("body", fontName="DejaVu", fontSize=9, leading=12)
    bold = ParagraphStyle("bold", parent=body, fontName="DejaVu-Bold")
    h1 = ParagraphStyle("h1", parent=body, fontName="DejaVu-Bold", fontSize=15, leading=19)
    h2 = ParagraphStyle("h2", parent=bold, fontSize=11, leading=15, spaceBefore=8)
    story: list = [Paragraph(escape(_("Disclosure report")), h1), Spacer(1, 6)]
    width = A4[0] - 3 * cm
    for heading, facts in sections(release):
        story.append(Paragraph(escape(heading), h2))
        data = [[Paragraph(escape(k), bold), Paragraph(escape(v), body)] for k, v in facts]
        if data:
            table = Table(data, colWidths=[0.35 * width, 0.65 * width], hAlign="LEFT")
            table.setStyle(
                TableStyle(
                    [
                        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ]
                )
            )
            story.append(table)
    out = io.BytesIO()
    SimpleDocTemplate(
        out, pagesize=A4, title=release.title, leftMargin=1.5 * cm, rightMargin=1.5 * cm
    ).build(story)
    return out.getvalue()
