"""A period picked half-way gets a message a person understands, in their language."""

from datetime import date

import pytest
from django.utils import translation

from himoya.stats.periods import PeriodError, from_params

TODAY = date(2026, 12, 5)


@pytest.mark.parametrize(
    "params, lang, expected",
    [
        ({"period": "quarter", "year": "2026", "quarter": ""}, "en", "Choose the quarter."),
        ({"period": "quarter", "year": "2026", "quarter": ""}, "ru", "Выберите квартал."),
        ({"period": "month", "year": "", "month": "3"}, "tg", "Солро интихоб кунед."),
        ({"period": "quarter", "year": "2026", "quarter": "x"}, "en", "1, 2, 3 or 4"),
        ({"period": "year", "year": "twenty"}, "en", "four digits"),
    ],
)
def test_half_chosen_period_says_what_to_do(params, lang, expected):
    with translation.override(lang), pytest.raises(PeriodError) as raised:
        from_params(params, TODAY)
    message = str(raised.value)
    assert expected in message
    assert "“”" not in message and "valid quarter" not in message
