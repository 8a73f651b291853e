"""Report exports: CSV, formatted XLSX and PDF with charts, in the active language.

Each export carries the period, the counting unit, the data sources, the data year, the
reporting edition and the generation time; suppressed cells stay suppressed.
"""

import csv
import io
from pathlib import Path

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from himoya.stats import protection
from himoya.stats.indicators import UNITS

FONT_DIR = Path(__file__).resolve().parent / "fonts"


def _dim_titles(table) -> list[str]:
    return [str(table.indicator.source.dimension(k).label) for k in table.by]


def _percent(cell) -> str:
    if cell.suppressed or cell.percent is None:
        return ""
    return f"{cell.percent:+d} %"


def _meta(result) -> list[tuple[str, str]]:
    sources = sorted({str(t.indicator.data_source) for _s, t in result.tables})
    protected = [(_("Protection"), str(protection.METHOD))] if result.scope.protected else []
    return [
        (_("Report"), str(result.report.title)),
        (_("Period"), result.period.label),
        (_("Compared with"), result.period.previous_year().label),
        (_("Data year"), str(result.period.data_year)),
        (_("Reporting edition"), result.edition),
        (_("Data sources"), "; ".join(s for s in sources if s)),
        (_("Generated"), date_format(result.generated_at, "DATETIME_FORMAT")),
        *protected,
    ]


def table_rows(table):
    """Yield the rows of one table as shown: labels, current, previous, change, percent."""
    for cell in table.cells:
        yield [
            *cell.labels,
            cell.shown_current,
            cell.shown_previous,
            "" if cell.suppressed else str(cell.change),
            _percent(cell),
        ]
    total = table.total
    yield [
        _("Total"),
        *[""] * (len(table.by) - 1),
        total.shown_current,
        total.shown_previous,
        "" if total.suppressed else str(total.change),
        _percent(total),
    ]


def headers(table, result) -> list[str]:
    return [
        *(_dim_titles(table) or [_("All")]),
        result.period.label,
        result.period.previous_year().label,
        pgettext("difference between two periods", "Change"),
        _("Change, %"),
    ]


def to_csv(result) -> bytes:
    """One CSV with every table, each headed by its title, unit, data year and edition."""
    out = io.StringIO()
    w = csv.writer(out)
    for key, value in _meta(result):
        w.writerow([key, value])
    for spec, table in result.tables:
        w.writerow([])
        w.writerow(
            [
                str(spec.title),
                str(UNITS.get(table.indicator.unit, table.indicator.unit)),
                result.period.data_year,
                result.edition,
            ]
        )
        w.writerow(headers(table, result))
        if table.empty:
            w.writerow([_("No records")])
            continue
        for row in table_rows(table):
            w.writerow(row)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(result, progress=None) -> bytes:
    """A workbook: a cover sheet, then one formatted sheet per table."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    cover = wb.active
    cover.title = _("About")[:31]
    bold = Font(bold=True)
    cover.append([str(result.report.title)])
    cover["A1"].font = Font(bold=True, size=14)
    for key, value in _meta(result):
        cover.append([key, value])
        cover.cell(cover.max_row, 1).font = bold
    cover.column_dimensions["A"].width = 24
    cover.column_dimensions["B"].width = 70
    head_fill = PatternFill("solid", fgColor="DCE6F1")
    for n, (spec, table) in enumerate(result.tables, start=1):
        ws = wb.create_sheet(f"{n:02d}")
        ws.append([str(spec.title)])
        ws["A1"].font = Font(bold=True, size=12)
        ws.append([_("Counting unit"), str(UNITS.get(table.indicator.unit, ""))])
        ws.append([_("Period"), result.period.label, _("Data year"), result.period.data_year])
        ws.append(
            [
                _("Reporting edition"),
                result.edition,
                _("Data sources"),
                str(table.indicator.data_source),
            ]
        )
        ws.append([])
        ws.append(headers(table, result))
        for cell in ws[ws.max_row]:
            cell.font = bold
            cell.fill = head_fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        if table.empty:
            ws.append([_("No records")])
        for row in [] if table.empty else table_rows(table):
            ws.append([_number_or_text(v) for v in row])
        if not table.empty:
            for cell in ws[ws.max_row]:
                cell.font = bold
        for col in range(1, len(table.by) + 5):
            ws.column_dimensions[get_column_letter(col)].width = 22 if col <= len(table.by) else 16
        ws.freeze_panes = ws.cell(7, len(table.by) + 1 if table.by else 2)
        if progress:
            progress(n, len(result.tables))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _number_or_text(value):
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return value


def _register_fonts():
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "DejaVu" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("DejaVu", str(FONT_DIR / "DejaVuSans.ttf")))
        pdfmetrics.registerFont(TTFont("DejaVu-Bold", str(FONT_DIR / "DejaVuSans-Bold.ttf")))


def to_pdf(result) -> bytes:
    """A PDF with the tables and a bar chart for each single-breakdown table."""
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, TableStyle
    from reportlab.platypus import Table as PdfTable

    _register_fonts()
    body = ParagraphStyle("body", fontName="DejaVu", fontSize=9, leading=12)
    h1 = ParagraphStyle("h1", parent=body, fontName="DejaVu-Bold", fontSize=15, leading=19)
    h2 = ParagraphStyle(
        "h2", parent=body, fontName="DejaVu-Bold", fontSize=11, leading=15, spaceBefore=10
    )
    story = [Paragraph(str(result.report.title), h1), Spacer(1, 4)]
    for key, value in _meta(result):
        story.append(Paragraph(f"<b>{key}:</b> {value}", body))
    for spec, table in result.tables:
        unit = UNITS.get(table.indicator.unit, "")
        story += [Paragraph(str(spec.title), h2), Paragraph(str(unit), body), Spacer(1, 3)]
        if table.empty:
            story.append(Paragraph(_("No records"), body))
            continue
        data = [headers(table, result), *table_rows(table)]
        t = PdfTable(data, repeatRows=1, hAlign="LEFT")
        t.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (-1, -1), "DejaVu", 8),
                    ("FONT", (0, 0), (-1, 0), "DejaVu-Bold", 8),
                    ("FONT", (0, -1), (-1, -1), "DejaVu-Bold", 8),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DCE6F1")),
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                    ("ALIGN", (len(table.by) or 1, 1), (-1, -1), "RIGHT"),
                ]
            )
        )
        story.append(t)
        chartable = [c for c in table.cells[:12] if not c.suppressed]
        if len(table.by) == 1 and len(chartable) >= 2:
            height = 14 * len(chartable) + 20
            drawing = Drawing(16 * cm, height)
            chart = HorizontalBarChart()
            chart.x, chart.y, chart.width, chart.height = 5.5 * cm, 10, 9.5 * cm, height - 20
            chart.data = [[c.current for c in reversed(chartable)]]
            chart.categoryAxis.categoryNames = [c.labels[0][:34] for c in reversed(chartable)]
            chart.categoryAxis.labels.fontName = "DejaVu"
            chart.categoryAxis.labels.fontSize = 7
            chart.valueAxis.labels.fontName = "DejaVu"
            chart.valueAxis.labels.fontSize = 7
            chart.valueAxis.valueMin = 0
            chart.bars[0].fillColor = colors.HexColor("#0B5CAD")
            drawing.add(chart)
            story += [Spacer(1, 4), drawing]
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf, pagesize=A4, title=str(result.report.title), leftMargin=1.5 * cm, rightMargin=1.5 * cm
    )
    doc.build(story)
    return buf.getvalue()
