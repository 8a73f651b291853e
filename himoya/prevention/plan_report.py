"""Plan-progress reports, per quarter and per year, as XLSX and PDF in the active language.

Every activity appears, with its status, indicators against the year's target, budget
and spending; figures counted by Himoya say so in their source column.
"""

import io
from decimal import Decimal

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from himoya.prevention.models import (
    ActionPlan,
    Activity,
    PlanIndicator,
    ProgressReport,
)
from himoya.prevention.plans import quarter_end, quarter_start

SUMMED_UNITS = {"persons", "events", "documents", "money"}


def _activities(plan: ActionPlan):
    return (
        Activity.objects.filter(objective__goal__plan=plan)
        .select_related("objective__goal", "responsible")
        .prefetch_related("indicators")
        .order_by("objective__goal__number", "objective__number", "number")
    )


def rows(plan: ActionPlan, year: int, quarter: int | None) -> list[dict]:
    """One row per activity and indicator; `quarter=None` sums or follows the whole year."""
    activities = list(_activities(plan))
    reports = ProgressReport.objects.filter(activity__in=activities, year=year)
    if quarter is not None:
        reports = reports.filter(quarter=quarter)
    by_activity: dict[int, list[ProgressReport]] = {}
    for report in reports.prefetch_related("values").order_by("quarter"):
        by_activity.setdefault(report.activity_id, []).append(report)
    out = []
    for activity in activities:
        found = by_activity.get(activity.pk, [])
        latest = found[-1] if found else None
        spent = [r.spent for r in found if r.spent is not None]
        base = {
            "code": activity.code,
            "activity": activity.title,
            "responsible": activity.responsible.name,
            "due": date_format(activity.due_on, "SHORT_DATE_FORMAT"),
            "status": latest.get_progress_display() if latest else _("Not reported"),
            "report": latest.get_state_display() if latest else "",
            "done": "\n".join(r.done for r in found if r.done),
            "spent": sum(spent, Decimal(0)) if spent else None,
            "currency": activity.currency,
            "budget": activity.budget,
        }
        indicators: list[PlanIndicator | None] = [*activity.indicators.all()] or [None]
        for indicator in indicators:
            row = dict(base)
            if indicator is not None:
                values = [
                    v for r in found for v in r.values.all() if v.indicator_id == indicator.pk
                ]
                if not values:
                    value = None
                elif indicator.unit in SUMMED_UNITS:
                    value = sum((v.value for v in values), Decimal(0))
                else:  # a percentage: the latest quarter's
                    value = values[-1].value
                row |= {
                    "indicator": indicator.name,
                    "unit": indicator.get_unit_display(),
                    "baseline": indicator.baseline,
                    "target": indicator.targets.get(str(year)),
                    "value": value,
                    "source": _("Himoya statistics")
                    if any(v.from_statistics for v in values)
                    else "",
                }
            out.append(row)
    return out


COLUMNS = [
    ("code", pgettext_lazy("number of an activity", "No.")),
    ("activity", gettext_lazy("Activity")),
    ("responsible", gettext_lazy("Responsible organisation")),
    ("due", gettext_lazy("Due")),
    ("status", pgettext_lazy("progress", "Status")),
    ("report", gettext_lazy("Report")),
    ("done", gettext_lazy("What was done")),
    ("indicator", gettext_lazy("Indicator")),
    ("unit", gettext_lazy("Unit")),
    ("baseline", gettext_lazy("Baseline")),
    ("target", gettext_lazy("Target for the year")),
    ("value", gettext_lazy("Value")),
    ("source", gettext_lazy("Source")),
    ("budget", gettext_lazy("Budget")),
    ("spent", gettext_lazy("Money spent")),
    ("currency", gettext_lazy("Currency")),
]


def _heading(plan: ActionPlan, year: int, quarter: int | None) -> list[str]:
    if quarter is None:
        period = _("Year %(year)s") % {"year": year}
    else:
        period = _("Quarter %(q)s %(year)s (%(start)s – %(end)s)") % {
            "q": quarter,
            "year": year,
            "start": date_format(quarter_start(year, quarter), "SHORT_DATE_FORMAT"),
            "end": date_format(quarter_end(year, quarter), "SHORT_DATE_FORMAT"),
        }
    return [
        plan.title,
        _("Version %(n)s · %(status)s") % {"n": plan.version, "status": plan.get_status_display()},
        period,
        _(
            "Source: progress reports of the responsible organisations in Himoya; indicators "
            "marked “Himoya statistics” are counted from the organisation's own records."
        ),
    ]


def to_xlsx(plan: ActionPlan, year: int, quarter: int | None) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = _("Progress")[:31]
    for line in _heading(plan, year, quarter):
        ws.append([line])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([])
    ws.append([str(title) for _key, title in COLUMNS])
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
    for row in rows(plan, year, quarter):
        ws.append([_plain(row.get(key)) for key, _title in COLUMNS])
    widths = (8, 40, 28, 12, 14, 14, 40, 30, 12, 10, 12, 12, 16, 12, 12, 8)
    for col, width in zip("ABCDEFGHIJKLMNOP", widths, strict=True):
        ws.column_dimensions[col].width = width
    for line in ws.iter_rows(min_row=header_row):
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def to_pdf(plan: ActionPlan, year: int, quarter: int | None) -> bytes:
    """A landscape A4 PDF whose table wraps every cell to fit the page."""
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from himoya.stats.exports import FONT_DIR

    if "DejaVu" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVu", str(FONT_DIR / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont("DejaVu-Bold", str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    body = ParagraphStyle("body", fontName="DejaVu", fontSize=7, leading=9)
    bold = ParagraphStyle("bold", parent=body, fontName="DejaVu-Bold")
    h1 = ParagraphStyle("h1", parent=body, fontName="DejaVu-Bold", fontSize=14, leading=18)
    heading = _heading(plan, year, quarter)
    story: list = [Paragraph(escape(heading[0]), h1)]
    story += [Paragraph(escape(line), body) for line in heading[1:]]
    story.append(Spacer(1, 6))
    shown = [c for c in COLUMNS if c[0] not in ("report", "currency")]
    data = [[Paragraph(escape(str(title)), bold) for _key, title in shown]]
    for row in rows(plan, year, quarter):
        cells = []
        for key, _title in shown:
            value = row.get(key)
            text = "" if value is None else str(value)
            if key in ("budget", "spent") and value is not None and row.get("currency"):
                text = f"{value} {row['currency']}"
            cells.append(Paragraph(escape(text).replace("\n", "<br/>"), body))
        data.append(cells)
    page_w, _page_h = landscape(A4)
    usable = page_w - 2 * cm
    weights = (3, 14, 9, 5, 6, 14, 10, 5, 5, 5, 5, 6, 6, 6)
    table = Table(
        data,
        colWidths=[usable * w / sum(weights) for w in weights],
        repeatRows=1,
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DCE6F1")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story.append(table)
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=landscape(A4),
        title=plan.title,
        leftMargin=1 * cm,
        rightMargin=1 * cm,
        topMargin=1 * cm,
        bottomMargin=1 * cm,
    )
    doc.build(story)
    return out.getvalue()


def _plain(value):
    """Numbers stay numbers; text that a spreadsheet would run as a formula is neutralised."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
