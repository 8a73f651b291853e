"""Report exports: CSV, formatted XLSX and PDF with charts, in the active language.

Each export carries the period, the counting unit, the data sources, the data year, the
reporting edition and the generation time; suppressed cells stay suppressed.
"""

import csv
import io
from pathlib import Path
from xml.sax.saxutils import escape

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from himoya.stats import protection
from himoya.stats.indicators import UNITS

FONT_DIR = Path(__file__).resolve().parent / "fonts"
PDF_MARGIN = 42.52  # 1.5 cm, in points


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
    names = [cover.title]
    for spec, table in result.tables:
        names.append(sheet_name(str(spec.title), names))
        ws = wb.create_sheet(names[-1])
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
            progress(len(names) - 1, len(result.tables))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


_NOT_IN_SHEET_NAMES = str.maketrans({c: " " for c in "[]:*?/\\"})


def sheet_name(title: str, taken: list[str]) -> str:
    """A worksheet name from a table's title: at most 31 characters, valid, not taken."""
    base = " ".join(title.translate(_NOT_IN_SHEET_NAMES).split()).strip("'") or "-"
    name, n = base[:31].rstrip(), 1
    while name.casefold() in {t.casefold() for t in taken}:
        n += 1
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)].rstrip() + suffix
    return name


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


def pdf_story(result) -> tuple[list, float]:
    """The PDF's flowables and the width they must fit (an A4 page, portrait)."""
    import textwrap

    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, Spacer, TableStyle
    from reportlab.platypus import Table as PdfTable

    _register_fonts()
    width = A4[0] - 2 * PDF_MARGIN - 12  # the frame's padding: 6 points each side
    body = ParagraphStyle("body", fontName="DejaVu", fontSize=9, leading=12)
    h1 = ParagraphStyle("h1", parent=body, fontName="DejaVu-Bold", fontSize=15, leading=19)
    h2 = ParagraphStyle(
        "h2", parent=body, fontName="DejaVu-Bold", fontSize=11, leading=15, spaceBefore=10
    )
    cell = ParagraphStyle("cell", parent=body, fontSize=8, leading=10)
    number = ParagraphStyle("number", parent=cell, alignment=2)  # right
    head = ParagraphStyle("head", parent=cell, fontName="DejaVu-Bold")
    head_number = ParagraphStyle("head_number", parent=head, alignment=2)
    story = [Paragraph(str(result.report.title), h1), Spacer(1, 4)]
    for key, value in _meta(result):
        story.append(Paragraph(f"<b>{escape(key)}:</b> {escape(str(value))}", body))
    for spec, table in result.tables:
        unit = UNITS.get(table.indicator.unit, "")
        story += [Paragraph(str(spec.title), h2), Paragraph(str(unit), body), Spacer(1, 3)]
        if table.empty:
            story.append(Paragraph(_("No records"), body))
            continue
        labels = len(table.by) or 1
        # Figures in four fixed columns; the labels share the rest and wrap.
        numbers = [2.6 * cm] * 4
        label_width = (width - sum(numbers)) / labels
        data = [
            [
                Paragraph(escape(str(text)), head if i < labels else head_number)
                for i, text in enumerate(headers(table, result))
            ]
        ]
        for row in table_rows(table):
            data.append(
                [
                    Paragraph(escape(str(text)), cell if i < labels else number)
                    for i, text in enumerate(row)
                ]
            )
        t = PdfTable(data, colWidths=[label_width] * labels + numbers, repeatRows=1)
        t.hAlign = "LEFT"
        t.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DCE6F1")),
                    ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story.append(t)
        chartable = [c for c in table.cells[:12] if not c.suppressed]
        if len(table.by) == 1 and len(chartable) >= 2:
            # Whole labels, wrapped on lines beside their bars: nothing is cut.
            names = [
                "\n".join(textwrap.wrap(str(c.labels[0]), 40) or [""]) for c in reversed(chartable)
            ]
            lines = max(n.count("\n") + 1 for n in names)
            step = max(14, 8 * lines + 4)
            height = step * len(chartable) + 20
            drawing = Drawing(width, height)
            chart = HorizontalBarChart()
            chart.x, chart.y, chart.height = 6.4 * cm, 10, height - 20
            chart.width = width - chart.x - 10
            chart.data = [[c.current for c in reversed(chartable)]]
            chart.categoryAxis.categoryNames = names
            chart.categoryAxis.labels.fontName = "DejaVu"
            chart.categoryAxis.labels.fontSize = 7
            chart.categoryAxis.labels.leading = 8
            chart.valueAxis.labels.fontName = "DejaVu"
            chart.valueAxis.labels.fontSize = 7
            chart.valueAxis.valueMin = 0
            chart.bars[0].fillColor = colors.HexColor("#0B5CAD")
            drawing.add(chart)
            story += [Spacer(1, 4), drawing]
    return story, width


def to_pdf(result) -> bytes:
    """A PDF with the tables and a bar chart for each single-breakdown table."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate

    story, _width = pdf_story(result)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        title=str(result.report.title),
        leftMargin=PDF_MARGIN,
        rightMargin=PDF_MARGIN,
    )
    doc.build(story)
    return buf.getvalue()
