import pytest

from himoya.access.roles import Role


@pytest.fixture
def national(db):
    """The national checklist; a data migration loads it, but a transactional test's
    flush empties the tables, so load it again when it is gone."""
    from himoya.screening.library import load_national_checklist
    from himoya.screening.models import Checklist, ChecklistVersion, Indicator

    load_national_checklist(Checklist, ChecklistVersion, Indicator)
    return Checklist.objects.get(organisation=None, slug="national")


@pytest.fixture
def responder(org, make_user):
    return make_user(org, Role.RESPONDER)


@pytest.fixture
def make_screening(national):
    """Start a screening on the national checklist and give it answers."""
    from himoya.screening import actions

    def make(org, user, yes=(), rest="no", age_group="adult", form="labour", **extra):
        screening = actions.do_start_screening(
            org,
            checklist=national,
            age_group=age_group,
            suspected_form=form,
            region=extra.pop("region", "TJ-DU"),
            acting_user=user,
            **extra,
        )
        answers = {i.code: rest for i in screening.indicators()}
        answers.update({c: "yes" for c in yes})
        actions.do_save_answers(screening, answers, acting_user=user)
        return screening

    return make


# An adult in forced labour: each needed dimension positive (see test_rule.py).
ADULT_LABOUR_YES = [
    "rec_different_work",
    "act_offered_by_intermediary",
    "exp_unpaid",
    "exp_long_hours",
    "coe_documents_taken",
    "coe_debt",
]
AT_RISK_YES = ["vul_no_way_home", "vul_dependent", "vul_language"]
