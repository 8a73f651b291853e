"""The UNODC report fits its pages and names its sheets, in every language (issue 12, 9)."""

import io
from datetime import date

import pytest
from django.utils import translation

from himoya.access.roles import Role
from himoya.stats import engine, exports, periods, reports
from himoya.stats.tests.factories import register
from himoya.vocab import registry

SECTORS = registry.codes("vic_ForcedLabourIndustry")
LONGEST = "T_ActivitiesOfHouseholdsAsEmployers"


@pytest.fixture
def unodc_result(org, make_user):
    worker = make_user(org, Role.CASEWORKER)
    picked = [LONGEST, "C16_WoodProducts", *SECTORS[:10]]
    for year in (2025, 2026):
        for i, sector in enumerate(picked):
            for _ in range(1 + i % 3):
                register(
                    org,
                    worker,
                    on=date(year, 1 + i % 12, 2),
                    sex="female" if i % 2 else "male",
                    age=15 if i % 4 == 0 else 30,
                    exploitation=("ForcedLabour",),
                    sectors=(sector,),
                    country=["RU", "KZ", "AE"][i % 3],
                )

    def build():
        return reports.build(
            reports.reports()["unodc"], periods.year(2026), engine.Scope(None, False)
        )

    return build


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["tg", "ru", "en"])
def test_every_pdf_table_and_chart_fits_the_page_and_no_label_is_cut(unodc_result, language):
    from pypdf import PdfReader
    from reportlab.graphics.shapes import Drawing
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import Table

    with translation.override(language):
        result = unodc_result()
        story, width = exports.pdf_story(result)
        body = exports.to_pdf(result)
    tables = [f for f in story if isinstance(f, Table)]
    assert len(tables) == sum(not t.empty for _s, t in result.tables) >= 5
    for table in tables:
        used, _height = table.wrap(width, 10_000)
        assert used <= width + 0.01
    charts = [f for f in story if isinstance(f, Drawing)]
    assert charts
    sector_table = next(t for s, t in result.tables if s.by == ("labour_sector",))
    with translation.override(language):
        longest = registry.label("vic_ForcedLabourIndustry", LONGEST, language)
    for drawing in charts:
        assert drawing.width <= width
        chart = drawing.contents[0]
        names = chart.categoryAxis.categoryNames
        # Each line of a label fits left of the bars, inside the drawing.
        for line in (line for name in names for line in name.split("\n")):
            assert stringWidth(line, "DejaVu", chart.categoryAxis.labels.fontSize) < chart.x - 5
        if any("".join(n.split()) == "".join(longest.split()) for n in names):
            break
    else:
        pytest.fail("the longest sector's whole name is on no chart")
    # Every column header of every table is on the pages, the last columns included.
    text = "".join(
        "".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(body)).pages
    )
    with translation.override(language):
        for header in exports.headers(sector_table, result):
            assert "".join(str(header).split()) in text
        for row in exports.table_rows(sector_table):
            assert "".join(str(row[-2]).split()) in text  # the change column


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["tg", "ru", "en"])
def test_xlsx_sheets_are_named_after_their_tables(unodc_result, language):
    from openpyxl import load_workbook

    with translation.override(language):
        result = unodc_result()
        book = load_workbook(io.BytesIO(exports.to_xlsx(result)))
        titles = [str(spec.title) for spec, _t in result.tables]
    names = book.sheetnames[1:]
    assert len(names) == len(titles)
    assert len({n.casefold() for n in book.sheetnames}) == len(book.sheetnames)
    for name, title in zip(names, titles, strict=True):
        assert 0 < len(name) <= 31
        assert not set(name) & set("[]:*?/\\")
        assert title.startswith(name.split(" (")[0].rstrip()) or name.startswith(title[:20])
        assert not name.isdigit()


def test_sheet_names_stay_unique_when_titles_share_31_characters():
    taken = ["About"]
    for _ in range(3):
        taken.append(exports.sheet_name("Detected victims by citizenship, sex and age", taken))
    assert taken[1] == "Detected victims by citizenship"
    assert taken[2].endswith("(2)") and taken[3].endswith("(3)")
    assert all(len(n) <= 31 for n in taken)
    assert exports.sheet_name("Victims: a/b [c]?", []) == "Victims a b c"
