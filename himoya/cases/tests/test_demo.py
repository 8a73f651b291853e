from collections import Counter

import pytest
from django.core.management import call_command

from himoya.cases import demo
from himoya.cases.models import Case, CaseCode, Person, PersonNameToken
from himoya.cases.queries import search_by_name
from himoya.organisations import demo as organisations_demo


def _demo(count, use_copy=None):
    ctx = {"cases": count, "seed": 7}
    organisations_demo.populate(ctx)
    if use_copy is None:
        demo.populate(ctx)
    else:
        from himoya.cases import bulk

        bulk.generate(count, demo.registrars(ctx["organisations"]), seed=7, use_copy=use_copy)
    return ctx


@pytest.mark.django_db
def test_demo_cases_follow_the_published_picture():
    _demo(600)
    # A few persons were trafficked again: each of their cases says it shares the person.
    persons = Person.objects.count()
    assert 0.9 * 600 < persons < 600 == Case.objects.count()
    per_person = Counter(Case.objects.values_list("person", flat=True))
    shared = Case.objects.filter(shares_person=True)
    assert set(shared.values_list("person", flat=True)) == {
        p for p, n in per_person.items() if n > 1
    }
    assert shared.count() == sum(n for n in per_person.values() if n > 1)
    assert all(len(set(c.values_list("sex", flat=True))) == 1 for c in (
        Case.objects.filter(person=p) for p, n in per_person.items() if n > 1))  # fmt: skip
    labour = Case.objects.filter(codes__field="exploitation_types", codes__code="ForcedLabour")
    sexual = Case.objects.filter(
        codes__field="exploitation_types", codes__code="SexualExploitation"
    )
    assert labour.filter(sex="male").count() > 0.8 * labour.count()
    assert sexual.filter(sex="female").count() == sexual.count() > 0
    abroad = Counter(sexual.exclude(exploitation_country="TJ").values_list(
        "exploitation_country", flat=True))  # fmt: skip
    assert {c for c, _n in abroad.most_common(2)} == {"AE", "TR"}
    top_labour = Counter(labour.values_list("exploitation_country", flat=True)).most_common(1)
    assert top_labour[0][0] == "RU"
    sectors = Counter(
        CaseCode.objects.filter(field="labour_sectors").values_list("code", flat=True)
    )
    assert sectors.most_common(1)[0][0] == "F_Construction"
    assert Case.objects.filter(exploitation_country="TJ", is_cross_border=False).exists()
    years = set(Case.objects.values_list("registered_on__year", flat=True))
    assert years >= set(range(2016, 2027))
    # Names were indexed: a Russian spelling of a common Tajik name finds cases.
    assert PersonNameToken.objects.count() >= 2 * Person.objects.count()


@pytest.mark.django_db
def test_demo_runs_once():
    _demo(20)
    demo.populate({"cases": 20, "organisations": {}, "seed": 7})
    assert Case.objects.count() == 20


@pytest.mark.django_db
def test_copy_writer_matches_orm_writer():
    _demo(0)
    from himoya.cases import bulk
    from himoya.organisations.models import Organisation

    regs = demo.registrars({o.slug: o for o in Organisation.objects.all()})
    bulk.generate(200, regs, seed=3, use_copy=True, batch_size=70, source_prefix="copy")
    bulk.generate(200, regs, seed=3, use_copy=False, batch_size=70, source_prefix="orm")

    def shape(prefix):
        cases = Case.objects.filter(source_key__startswith=prefix)
        return (
            sorted(cases.values_list("sex", "age_group", "exploitation_country", "registered_on",
                                     "trafficking_status", "case_status", "is_cross_border")),
            sorted(CaseCode.objects.filter(case__in=cases).values_list("field", "code")),
            sorted(p.family_name for p in Person.objects.filter(cases__in=cases)),
        )  # fmt: skip

    assert shape("copy:") == shape("orm:")
    copied = Case.objects.filter(source_key__startswith="copy:")
    name = Person.objects.filter(cases__in=copied).first().family_name
    assert search_by_name(copied, name).exists()
    refs = list(Case.objects.values_list("organisation_id", "reference"))
    assert len(refs) == len(set(refs))


def _indexes():
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT indexname FROM pg_indexes WHERE tablename LIKE 'cases_%%'")
        return {r[0] for r in cur.fetchall()}


@pytest.mark.django_db
def test_generate_cases_command_rebuilds_the_indexes_it_drops():
    _demo(0)
    before = _indexes()
    call_command("generate-cases", "--count", "50", "--org", "madad", "--batch-size", "20")
    assert Case.objects.filter(organisation__slug="madad").count() == 50
    assert _indexes() == before
    assert "cases_registered_idx" in before
