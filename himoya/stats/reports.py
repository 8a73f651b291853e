"""Ready-made report tables a ministry submits: UNODC, US TIP, OSCE.

A report is a list of tables; each table is one indicator broken down one way, for the
report's period, compared with the same period a year earlier. Figures come from the
indicator engine only.
"""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from himoya.stats import cache, engine
from himoya.stats.indicators import INDICATORS


@dataclass(frozen=True)
class TableSpec:
    title: object
    indicator: str
    by: tuple[str, ...] = ()


@dataclass(frozen=True)
class Report:
    key: str
    title: object
    edition_name: str  # e.g. "UNODC GLOTIP": with the year it makes the edition
    tables: tuple[TableSpec, ...]
    default_period: str = "year"  # the period kind the report is usually asked for
    note: object = ""


def _available(tables):
    return tuple(t for t in tables if t.indicator in INDICATORS)


def reports() -> dict[str, Report]:
    """Return the standard reports, with the tables whose indicators are available."""
    unodc = Report(
        "unodc",
        _("UNODC Global Report questionnaire"),
        "UNODC GLOTIP",
        _available(
            (
                TableSpec(_("Detected victims by sex and age"), "persons", ("sex_age",)),
                TableSpec(
                    _("Detected victims by form of exploitation, sex and age"),
                    "persons",
                    ("exploitation_type", "sex_age"),
                ),
                TableSpec(_("Detected victims by citizenship"), "persons", ("citizenship",)),
                TableSpec(
                    _("Detected victims by citizenship, sex and age"),
                    "persons",
                    ("citizenship", "sex_age"),
                ),
                TableSpec(
                    _("Detected victims by country of exploitation"),
                    "persons",
                    ("exploitation_country",),
                ),
                TableSpec(
                    _("Victims of forced labour by economic sector"),
                    "forced_labour_victims",
                    ("labour_sector",),
                ),
                TableSpec(
                    _("Persons suspected by sex and citizenship"),
                    "suspects",
                    ("sex", "citizenship"),
                ),
                TableSpec(
                    _("Persons prosecuted by sex and citizenship"),
                    "prosecuted",
                    ("sex", "citizenship"),
                ),
                TableSpec(
                    _("Persons convicted by sex and citizenship"),
                    "convicted",
                    ("sex", "citizenship"),
                ),
            )
        ),
    )
    tip = Report(
        "tip",
        _("US Trafficking in Persons report figures"),
        "US TIP",
        _available(
            (
                TableSpec(_("Victims identified"), "victims_identified"),
                TableSpec(
                    _("Victims identified by nationality"),
                    "victims_identified",
                    ("citizenship",),
                ),
                TableSpec(
                    _("Victims identified by sex and age"), "victims_identified", ("sex_age",)
                ),
                TableSpec(
                    _("Victims identified by form of exploitation"),
                    "victims_identified",
                    ("exploitation_type",),
                ),
                TableSpec(_("Victims referred to assistance"), "persons_referred"),
                TableSpec(_("Victims referred by service"), "referrals", ("service",)),
                TableSpec(_("Criminal proceedings by article"), "proceedings", ("article",)),
                *PREVENTION_TABLES,
            )
        ),
        default_period="reporting",
        note=_("The US report asks for April–March; calendar years are given too."),
    )
    osce = Report(
        "osce",
        _("OSCE-style national summary"),
        "OSCE",
        _available(
            (
                TableSpec(_("Cases registered"), "cases"),
                TableSpec(_("Persons registered"), "persons"),
                TableSpec(_("Victims identified"), "victims_identified"),
                TableSpec(_("Persons by sex and age"), "persons", ("sex_age",)),
                TableSpec(_("Internal and cross-border"), "persons", ("cross_border",)),
                TableSpec(_("Persons by region of origin"), "persons", ("region_of_origin",)),
                TableSpec(_("Persons by form of exploitation"), "persons", ("exploitation_type",)),
                TableSpec(_("Screenings by outcome"), "screenings", ("outcome",)),
                TableSpec(_("Prevented cases"), "prevented"),
                TableSpec(_("Referrals by service"), "referrals", ("service",)),
                TableSpec(_("Services delivered by type"), "services", ("service",)),
                TableSpec(_("Proceedings by stage"), "proceedings", ("stage",)),
                TableSpec(_("Hotline contacts by topic"), "contacts", ("topic",)),
                *PREVENTION_TABLES,
            )
        ),
    )
    return {r.key: r for r in (unodc, tip, osce)}


# Training and awareness (the prevention app's indicators), in the OSCE and TIP reports.
PREVENTION_TABLES = (
    TableSpec(_("Prevention: people trained by sex"), "trained", ("sex",)),
    TableSpec(_("Prevention: people trained by agency"), "trained", ("agency",)),
    TableSpec(_("Prevention: people trained by topic"), "trained", ("topic",)),
    TableSpec(_("Prevention: awareness events by kind"), "awareness_events", ("event_kind",)),
    TableSpec(
        _("Prevention: people reached by awareness work"), "people_reached", ("reach_group",)
    ),
)


@dataclass
class ReportResult:
    report: Report
    period: object
    scope: engine.Scope
    tables: list  # of (TableSpec, engine.Table)
    edition: str
    generated_at: object


def build(
    report: Report, period, scope: engine.Scope, *, edition: str = "", progress=None
) -> ReportResult:
    """Compute every table of a report (one scan per indicator on PostgreSQL)."""
    by_indicator: dict[str, list[TableSpec]] = {}
    for spec in report.tables:
        by_indicator.setdefault(spec.indicator, []).append(spec)
    computed: dict[tuple[str, tuple], engine.Table] = {}
    with cache.shared_scans():
        for n, (key, specs) in enumerate(by_indicator.items(), start=1):
            tables = engine.compute_many(INDICATORS[key], period, scope, [s.by for s in specs])
            for spec in specs:
                computed[(key, spec.by)] = tables[spec.by]
            if progress:
                progress(n, len(by_indicator))
    now = timezone.localtime()
    return ReportResult(
        report,
        period,
        scope,
        [(s, computed[(s.indicator, s.by)]) for s in report.tables],
        edition=edition or f"{report.edition_name} {now.year}",
        generated_at=now,
    )
