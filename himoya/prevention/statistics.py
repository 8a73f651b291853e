"""Training and awareness facts for the indicator engine (registered when the app loads)."""

from django.apps import apps
from django.utils.translation import gettext_lazy as _

from himoya.stats import indicators
from himoya.stats.engine import Dimension, Indicator, Source
from himoya.stats.labels import organisation_name

TRAINING_SOURCE = _("Training records in Himoya")
AWARENESS_SOURCE = _("Awareness events recorded in Himoya")


def _choice_label(model: str, attr: str):
    def labeller(value) -> str:
        choices = getattr(apps.get_model("prevention", model), attr)
        return str(dict(choices.choices).get(value, value))

    return labeller


ORG = Dimension("organisation", _("Organisation"), "org_id", labeller=organisation_name)
MONTH = Dimension("month", _("Month"))
YEAR = Dimension("year", _("Year"))
REGION = Dimension("region", _("Region"), "region", "tj_region")
SEX = Dimension("sex", _("Sex"), "sex", "sex")
AGENCY = Dimension("agency", _("Agency"), "agency", labeller=organisation_name)
TOPIC = Dimension("topic", _("Topic"), "topic", labeller=_choice_label("Course", "Topic"))
ROLE = Dimension(
    "trainee_role", _("Role"), "trainee_role", labeller=_choice_label("Participant", "TraineeRole")
)
KIND = Dimension(
    "event_kind",
    _("Kind of event"),
    "event_kind",
    labeller=_choice_label("AwarenessEvent", "Kind"),
)


GROUP = Dimension("reach_group", _("Women, men, girls, boys"), "reach_group", "sex_age")


def _reach(multi):
    return apps.get_model("prevention", "AwarenessReach").objects.filter(people__gt=0)


def _trained(multi):
    return apps.get_model("prevention", "Participant").objects.filter(completed=True)


def _events(multi):
    return apps.get_model("prevention", "AwarenessEvent").objects.all()


TRAINED = Source(
    "trained",
    _trained,
    {
        "d": "session__ends_on",
        "unit_id": "pk",
        "person_id": "pk",
        "org_id": "session__organisation_id",
        "region": "session__region",
        "sex": "sex",
        "agency": "organisation_id",
        "topic": "session__course__topic",
        "trainee_role": "role",
    },
    (ORG, MONTH, YEAR, REGION, SEX, AGENCY, TOPIC, ROLE),
    person_is_unit=True,
)

AWARENESS = Source(
    "awareness_events",
    _events,
    {
        "d": "held_on",
        "unit_id": "pk",
        "person_id": "pk",
        "org_id": "organisation_id",
        "region": "region",
        "event_kind": "kind",
    },
    (ORG, MONTH, YEAR, REGION, KIND),
    person_is_unit=True,
)


REACH = Source(
    "awareness_reach",
    _reach,
    {
        "d": "event__held_on",
        "unit_id": "pk",
        "person_id": "pk",
        "org_id": "event__organisation_id",
        "region": "event__region",
        "event_kind": "event__kind",
        "reach_group": "group",
        "people": "people",
    },
    (ORG, MONTH, YEAR, REGION, KIND, GROUP),
    person_is_unit=True,
)


def register() -> None:
    indicators.UNITS.setdefault("trained", _("persons trained (completed the course)"))
    indicators.UNITS.setdefault("awareness_events", _("awareness events"))
    indicators.register(
        Indicator("trained", _("People trained"), "trained", TRAINED, data_source=TRAINING_SOURCE)
    )
    indicators.UNITS.setdefault("people_reached", _("people reached (counted or estimated)"))
    indicators.register(
        Indicator(
            "people_reached",
            _("People reached by awareness work"),
            "people_reached",
            REACH,
            measure="people",
            data_source=AWARENESS_SOURCE,
        )
    )
    indicators.register(
        Indicator(
            "awareness_events",
            _("Awareness events"),
            "awareness_events",
            AWARENESS,
            data_source=AWARENESS_SOURCE,
        )
    )
