"""Step 2's lists: sectors only with labour exploitation, countries in a reader's order."""

from django.utils import translation

from himoya.cases.forms import SituationForm


def _form(**data):
    base = {"exploitation_types": ["SexualExploitation"]}
    form = SituationForm({**base, **data})
    assert form.is_valid(), form.errors
    return form


def test_sectors_ticked_without_labour_exploitation_are_not_kept():
    form = _form(labour_sectors=["F_Construction"], sexual_exploitation_types=["Prostitution"])
    multi = form.multi_data()
    assert multi["labour_sectors"] == []
    assert multi["sexual_exploitation_types"] == ["Prostitution"]


def test_sectors_are_kept_for_labour_exploitation():
    form = _form(exploitation_types=["ForcedLabour"], labour_sectors=["F_Construction"])
    assert form.multi_data()["labour_sectors"] == ["F_Construction"]
    assert form.multi_data()["sexual_exploitation_types"] == []


def test_sector_list_waits_for_labour_exploitation_on_the_page():
    html = str(SituationForm()["labour_sectors"])
    assert 'data-show-if="exploitation_types:ForcedLabour ChildLabour"' in html


def _country_labels(field_choices):
    groups = [c for c in field_choices if isinstance(c[1], list | tuple)]
    return [[label for _code, label in options] for _name, options in groups]


def test_countries_most_used_first_then_a_to_z_in_the_readers_alphabet():
    with translation.override("tg"):
        common, rest = _country_labels(SituationForm().fields["exploitation_country"].choices)
    assert common[:5] == ["Тоҷикистон", "Русия", "Қазоқистон", "Туркия", "Аморати Муттаҳидаи Араб"]
    # Tajik letters stand where the Tajik alphabet puts them, not after "я".
    assert rest.index("Қатар") < rest.index("Латвия") and rest.index("Ҳиндустон") < rest.index(
        "Чад"
    )
    with translation.override("en"):
        common, rest = _country_labels(SituationForm().fields["transit_countries"].choices)
    assert common[:2] == ["Tajikistan", "Russia"]
    assert rest[:2] == ["Åland Islands", "Albania"] and rest[-1] == "Zimbabwe"
