"""The same three organisations, people and case as the referrals tests."""

from himoya.referrals.tests.conftest import english, world  # noqa: F401
