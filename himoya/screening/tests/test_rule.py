"""The ILO–EC rule on hand-worked cases, with the national checklist's own indicators."""

import pytest

from himoya.screening import rule
from himoya.screening.library import national_checklist_data

S, M, W = rule.STRONG, rule.MEDIUM, rule.WEAK


def national_items(age_group="adult", form="unknown"):
    items = []
    for i in national_checklist_data()["indicators"]:
        if i["ages"] and age_group not in i["ages"]:
            continue
        if i["forms"] and form not in i["forms"]:
            continue
        items.append(rule.Item(i["code"], i["dimension"], i["strength"]))
    return items


def answer_all(items, yes=(), default=rule.NO, **overrides):
    answers = {i.code: default for i in items}
    answers.update({c: rule.YES for c in yes})
    answers.update(overrides)
    return answers


@pytest.mark.parametrize(
    "counts, positive",
    [
        ((2, 0, 0), True),  # 2 strong
        ((1, 1, 0), True),  # 1 strong + 1 medium
        ((1, 0, 1), True),  # 1 strong + 1 weak
        ((0, 3, 0), True),  # 3 medium
        ((0, 2, 1), True),  # 2 medium + 1 weak
        ((1, 0, 0), False),
        ((0, 2, 0), False),
        ((0, 1, 2), False),
        ((0, 0, 5), False),
    ],
)
def test_dimension_threshold(counts, positive):
    assert rule.is_positive(*counts) is positive


def test_adult_labour_exploitation_is_presumed_victim_with_reasons():
    items = national_items("adult", "labour")
    yes = [
        "rec_different_work",  # strong
        "act_offered_by_intermediary",  # medium
        "exp_long_hours",  # medium
        "exp_unpaid",  # strong
        "coe_documents_taken",  # strong
        "coe_debt",  # strong
    ]
    result = rule.classify(items, answer_all(items, yes), "adult")
    assert result.classification == rule.PRESUMED_VICTIM
    dims = result.dimensions
    assert dims["recruitment"].because == ["rec_different_work", "act_offered_by_intermediary"]
    assert dims["exploitation"].because == ["exp_unpaid", "exp_long_hours"]
    assert set(dims["coercion"].because) == {"coe_documents_taken", "coe_debt"}
    assert dims["vulnerability"].state == rule.NEGATIVE
    assert result.missing == []


def test_adult_sexual_exploitation_counts_the_module_indicators():
    items = national_items("adult", "sexual")
    yes = [
        "act_offered_by_intermediary",
        "act_travel_arranged",
        "rec_worse_conditions",  # 3 medium: recruitment positive
        "sex_forced",
        "sex_money_taken",  # 2 strong: exploitation positive
        "sex_cannot_refuse",
        "coe_isolated",  # strong + medium: coercion positive
    ]
    result = rule.classify(items, answer_all(items, yes), "adult")
    assert result.classification == rule.PRESUMED_VICTIM
    assert result.dimensions["exploitation"].because == ["sex_forced", "sex_money_taken"]
    assert result.dimensions["coercion"].because == ["sex_cannot_refuse", "coe_isolated"]


def test_same_answers_without_module_fall_short():
    # Without the sexual-exploitation module asked, exploitation has no "yes".
    items = national_items("adult", "unknown")
    yes = ["act_offered_by_intermediary", "act_travel_arranged", "rec_worse_conditions"]
    result = rule.classify(items, answer_all(items, yes), "adult")
    assert result.dimensions["recruitment"].positive
    assert result.classification == rule.AT_RISK


def test_child_needs_no_means():
    items = national_items("child", "labour")
    yes = [
        "child_handed_over",  # strong
        "act_travel_arranged",  # medium
        "child_hazardous_work",  # strong
        "child_no_school",  # medium
    ]
    answers = answer_all(items, yes)
    child = rule.classify(items, answers, "child")
    assert child.classification == rule.PRESUMED_VICTIM
    assert child.needed == ("recruitment", "exploitation")
    assert child.dimensions["coercion"].state == rule.NEGATIVE
    # The same answers for an adult lack the means: at risk, not presumed.
    adult = rule.classify(items, answers, "adult")
    assert adult.classification == rule.AT_RISK


def test_unknown_coercion_answers_are_insufficient_and_listed():
    items = national_items("adult", "labour")
    coercion = [i.code for i in items if i.dimension == "coercion"]
    yes = ["rec_different_work", "rec_fee_or_loan", "exp_unpaid", "exp_wages_kept"]
    answers = answer_all(items, yes, **{c: rule.UNKNOWN for c in coercion})
    answers[coercion[0]] = rule.DECLINED
    del answers[coercion[1]]  # not answered at all
    result = rule.classify(items, answers, "adult")
    assert result.classification == rule.INSUFFICIENT
    assert result.dimensions["coercion"].state == rule.UNDECIDED
    assert result.missing == coercion


def test_half_answered_no_decides_the_dimension():
    items = national_items("adult", "labour")
    coercion = [i.code for i in items if i.dimension == "coercion"]
    half = len(coercion) // 2
    yes = ["rec_different_work", "rec_fee_or_loan", "exp_unpaid", "exp_wages_kept"]
    answers = answer_all(items, yes, **{c: rule.UNKNOWN for c in coercion[half:]})
    result = rule.classify(items, answers, "adult")
    assert result.dimensions["coercion"].state == rule.NEGATIVE
    assert result.classification == rule.AT_RISK


def test_open_answers_that_cannot_change_the_result_do_not_block():
    items = [rule.Item("a", "coercion", W), rule.Item("b", "coercion", W)]
    items += [rule.Item("r1", "recruitment", S), rule.Item("r2", "recruitment", S)]
    items += [rule.Item("e1", "exploitation", S), rule.Item("e2", "exploitation", S)]
    answers = {"a": rule.UNKNOWN, "b": rule.UNKNOWN, "r1": "yes", "r2": "yes", "e1": "yes"}
    answers["e2"] = "yes"
    # Two weak indicators can never make a dimension positive: coercion is negative.
    result = rule.classify(items, answers, "adult")
    assert result.dimensions["coercion"].state == rule.NEGATIVE
    assert result.classification == rule.AT_RISK


def test_negative_needed_dimension_wins_over_undecided_one():
    items = national_items("adult", "labour")
    recruitment = [i.code for i in items if i.dimension == "recruitment"]
    answers = answer_all(items, default=rule.UNKNOWN, **{c: rule.NO for c in recruitment})
    assert rule.classify(items, answers, "adult").classification == rule.NOT_VICTIM


def test_vulnerability_alone_is_at_risk_and_nothing_is_not_a_victim():
    items = national_items("adult", "labour")
    vulnerable = rule.classify(
        items, answer_all(items, ["vul_no_way_home", "vul_dependent", "vul_language"]), "adult"
    )
    assert vulnerable.classification == rule.AT_RISK
    assert vulnerable.dimensions["vulnerability"].positive
    assert rule.classify(items, answer_all(items), "adult").classification == rule.NOT_VICTIM


def test_safety_questions_do_not_count():
    items = national_items("adult", "labour")
    answers = answer_all(items, ["safety_danger_now", "safety_medical", "safety_shelter"])
    assert rule.classify(items, answers, "adult").classification == rule.NOT_VICTIM


@pytest.mark.parametrize(
    "suggested, decided, needed",
    [
        (rule.PRESUMED_VICTIM, rule.PRESUMED_VICTIM, False),
        (rule.PRESUMED_VICTIM, rule.AT_RISK, True),  # override down
        (rule.AT_RISK, rule.PRESUMED_VICTIM, True),  # override up
        (rule.INSUFFICIENT, rule.AT_RISK, True),  # deciding without enough answers
        (rule.NOT_VICTIM, "", False),  # no decision yet
    ],
)
def test_override_needs_a_reason(suggested, decided, needed):
    assert rule.needs_reason(suggested, decided) is needed
