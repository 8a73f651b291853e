"""The XLSForms Himoya publishes, built from the models they feed, in tg, ru and en.

Each form is an XLSForm (as a dict of sheets) converted with pyxform. Labels come from
the models' own translated names and the vocabulary, so the forms say what the pages say;
the screening form is built from the national checklist's current version, question for
question, so it cannot drift from the checklist.
"""

import re

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from himoya.cases.models import Person
from himoya.hotline.actions import CODED as HOTLINE_CODED
from himoya.hotline.forms import HotlineContactForm
from himoya.hotline.models import HotlineContact
from himoya.screening.models import Answer, ChecklistVersion, Screening
from himoya.vocab import registry

LANGUAGES = [("tg", "Tajik (tg)"), ("ru", "Russian (ru)"), ("en", "English (en)")]
DEFAULT_LANGUAGE = LANGUAGES[0][1]

SCREENING_FIELDS = ("age_group", "suspected_form", "region", "district", "place")
REGISTRATION_FIELDS = (
    "given_name",
    "family_name",
    "patronymic",
    "sex",
    "age_at_identification",
    "citizenship",
    "region_of_origin",
    "phone",
    "notes",
)
# The phone asks what the page asks: its answers are checked by the page's own form.
HOTLINE_FIELDS = tuple(HotlineContactForm.Meta.fields)
REGISTRATION_CODED = {
    "sex": "sex",
    "citizenship": "country",
    "region_of_origin": "tj_region",
}
TITLES = {
    "hotline": _("Hotline intake"),
    "registration": _("Registration of a presumed victim"),
}
PHOTO_HINT = _("Optional: a photo of a document or of the place, if the person agrees.")


def question_name(code: str) -> str:
    """Turn an indicator code into an XML element name."""
    return "q_" + re.sub(r"[^A-Za-z0-9_]", "_", code)


def labels(text_by_lang) -> dict[str, str]:
    """Return the `label::Language (xx)` columns for a lazily translated text or a dict."""
    out = {}
    for code, column in LANGUAGES:
        if isinstance(text_by_lang, dict):
            value = text_by_lang[code]
        else:
            with translation.override(code):
                value = str(text_by_lang)
        out[f"label::{column}"] = value
    return out


def _field_label(model, name: str):
    return model._meta.get_field(name).verbose_name.capitalize()


def _choices(list_name: str, alias: str | None = None) -> list[dict]:
    rows = []
    for code in registry.codelist(list_name):
        row = {"list_name": alias or list_name, "name": code.code}
        row.update(labels({lang: code.label_in(lang) for lang, _c in LANGUAGES}))
        if code.parent:
            row["parent"] = code.parent
        rows.append(row)
    return rows


def _settings(form_id: str, title: str) -> dict:
    return {"form_id": form_id, "form_title": title, "default_language": DEFAULT_LANGUAGE}


def _relevant(indicator) -> str:
    parts = []
    if indicator.ages:
        parts.append(" or ".join(f"${{age_group}}='{a}'" for a in indicator.ages))
    if indicator.forms:
        parts.append(" or ".join(f"${{suspected_form}}='{f}'" for f in indicator.forms))
    return " and ".join(f"({p})" for p in parts)


def screening(version: ChecklistVersion, form_id: str) -> dict:
    """The screening checklist version as an XLSForm: profile, then one question each."""
    survey: list[dict] = [
        {
            "type": "select_one screening_age_group",
            "name": "age_group",
            "required": "yes",
            **labels(_field_label(Screening, "age_group")),
        },
        {
            "type": "select_one screening_form",
            "name": "suspected_form",
            "required": "yes",
            **labels(_field_label(Screening, "suspected_form")),
        },
        {
            "type": "select_one tj_region",
            "name": "region",
            "required": "yes",
            **labels(_field_label(Screening, "region")),
        },
        {
            "type": "select_one tj_district",
            "name": "district",
            "choice_filter": "parent=${region}",
            **labels(_field_label(Screening, "district")),
        },
        {"type": "text", "name": "place", **labels(_field_label(Screening, "place"))},
    ]
    section = None
    for indicator in version.indicators.order_by("position", "id"):
        if indicator.section != section:
            if section is not None:
                survey.append({"type": "end group", "name": f"s_{section}"})
            section = indicator.section
            survey.append(
                {
                    "type": "begin group",
                    "name": f"s_{section}",
                    **labels(
                        {
                            lang: registry.label("screening_section", section, lang)
                            for lang, _c in LANGUAGES
                        }
                    ),
                }
            )
        row = {
            "type": "select_one answer",
            "name": question_name(indicator.code),
            **labels({lang: getattr(indicator, f"text_{lang}") for lang, _c in LANGUAGES}),
        }
        if relevant := _relevant(indicator):
            row["relevant"] = relevant
        survey.append(row)
    if section is not None:
        survey.append({"type": "end group", "name": f"s_{section}"})
    survey += _photos()
    choices = [
        {"list_name": "answer", "name": value, **labels(label)}
        for value, label in Answer.Value.choices
    ]
    for list_name in ("screening_age_group", "screening_form", "tj_region", "tj_district"):
        choices += _choices(list_name)
    checklist = version.checklist
    return {
        "survey": survey,
        "choices": choices,
        "settings": [_settings(form_id, checklist.name_tg)],
    }


def _photos() -> list[dict]:
    return [
        {
            "type": "image",
            "name": name,
            "parameters": "max-pixels=1600",
            **labels(_("Photo")),
            **{k.replace("label", "hint"): v for k, v in labels(PHOTO_HINT).items()},
        }
        for name in ("photo_1", "photo_2")
    ]


def _coded_question(model, name: str, list_name: str, required=False) -> dict:
    row = {"type": f"select_one {list_name}", "name": name, **labels(_field_label(model, name))}
    if required:
        row["required"] = "yes"
    return row


def registration(form_id: str) -> dict:
    """A short registration of a presumed victim: who, sex, age, where from, a phone."""
    survey: list[dict] = []
    for name in REGISTRATION_FIELDS:
        if name in REGISTRATION_CODED:
            survey.append(_coded_question(Person, name, REGISTRATION_CODED[name]))
        elif name == "age_at_identification":
            survey.append(
                {
                    "type": "integer",
                    "name": name,
                    "constraint": ". >= 0 and . < 120",
                    **labels(_field_label(Person, name)),
                }
            )
        else:
            row = {"type": "text", "name": name, **labels(_field_label(Person, name))}
            if name in ("given_name", "family_name"):
                row["required"] = "yes"
            survey.append(row)
    survey += _photos()
    choices: list[dict] = []
    for list_name in sorted(set(REGISTRATION_CODED.values())):
        choices += _choices(list_name)
    return {
        "survey": survey,
        "choices": choices,
        "settings": [_settings(form_id, _title("registration"))],
    }


def hotline(form_id: str) -> dict:
    """A hotline intake: the call's channel, caller, topic and urgency; the caller if given."""
    survey: list[dict] = []
    for name in HOTLINE_FIELDS:
        if name in HOTLINE_CODED:
            survey.append(
                _coded_question(
                    HotlineContact, name, HOTLINE_CODED[name], required=name != "region"
                )
            )
        elif name == "duration_minutes":
            survey.append(
                {
                    "type": "integer",
                    "name": name,
                    "constraint": ". >= 0",
                    **labels(_field_label(HotlineContact, name)),
                }
            )
        else:
            survey.append(
                {"type": "text", "name": name, **labels(_field_label(HotlineContact, name))}
            )
    choices: list[dict] = []
    for name in HOTLINE_FIELDS:
        if name in HOTLINE_CODED and HOTLINE_CODED[name] not in {c["list_name"] for c in choices}:
            choices += _choices(HOTLINE_CODED[name])
    return {
        "survey": survey,
        "choices": choices,
        "settings": [_settings(form_id, _title("hotline"))],
    }


def _title(kind: str) -> str:
    with translation.override("tg"):
        return str(TITLES[kind])
