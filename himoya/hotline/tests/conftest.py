from himoya.screening.tests.conftest import make_screening, national, responder  # noqa: F401
