"""Prometheus metrics for the host only; one JSON log line per request without identities."""

import json
import logging

import pytest

from conftest import sign_in
from himoya.access.roles import Role
from himoya.cases.tests.factories import register_case


@pytest.mark.django_db
def test_metrics_answer_the_host_itself_with_counts_by_route(client, org, make_user):
    sign_in(client, make_user(org, Role.CASEWORKER))
    client.get("/cases/")
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    text = response.content.decode()
    assert (
        'django_http_requests_total_by_view_transport_method_total{method="GET",transport="http",view="case_list"}'
        in text
    )


@pytest.mark.django_db
def test_metrics_refuse_other_addresses_and_proxied_requests_without_the_token(client, settings):
    settings.HIMOYA_METRICS_TOKEN = "s3cret-token-for-monitoring"
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 403
    proxied = client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert proxied.status_code == 403
    wrong = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer nope")
    assert wrong.status_code == 403
    right = client.get(
        "/metrics",
        REMOTE_ADDR="203.0.113.9",
        HTTP_AUTHORIZATION="Bearer s3cret-token-for-monitoring",
    )
    assert right.status_code == 200


@pytest.mark.django_db
def test_metrics_hold_no_name_or_number_of_a_case(client, org, make_user):
    user = make_user(org, Role.CASEWORKER)
    case = register_case(org, user, person={"given_name": "Зулайхо", "family_name": "Каримова"})
    sign_in(client, user)
    client.post("/cases/", {"q": "Зулайхо"}, follow=True)
    client.get(f"/cases/{case.pk}/")
    text = client.get("/metrics", REMOTE_ADDR="127.0.0.1").content.decode()
    assert "Зулайхо" not in text and case.reference not in text and f"/cases/{case.pk}/" not in text


@pytest.mark.django_db
def test_each_request_logs_one_json_line_without_the_search_term(
    client, org, make_user, caplog, monkeypatch
):
    from django.conf import settings as django_settings

    user = make_user(org, Role.CASEWORKER)
    case = register_case(org, user, person={"given_name": "Зулайхо", "family_name": "Каримова"})
    sign_in(client, user)
    from pythonjsonlogger.json import JsonFormatter

    fmt = django_settings.LOGGING["formatters"]["json"]
    json_formatter = JsonFormatter(fmt["fmt"], rename_fields=fmt["rename_fields"])
    monkeypatch.setattr(logging.getLogger("himoya.requests"), "propagate", True)  # to caplog
    with caplog.at_level(logging.INFO, logger="himoya.requests"):
        client.post("/cases/", {"q": "Зулайхо Каримова"}, follow=True)
        client.get(f"/cases/{case.pk}/?q=Каримова")
        client.get("/stats/?year=abc&org=Зулайхо")
    lines = [json_formatter.format(r) for r in caplog.records if r.name == "himoya.requests"]
    assert len(lines) == 4  # the post, its redirect's page, the case page, the figures
    records = [json.loads(line) for line in lines]
    assert {r["route"] for r in records} >= {"case_list", "case_detail"}
    assert all(r["user_id"] == user.pk and r["method"] in {"GET", "POST"} for r in records)
    assert all(isinstance(r["duration_ms"], float) and r["status"] for r in records)
    everything = "\n".join(lines) + caplog.text
    for secret in ("Зулайхо", "Каримова", case.reference, f"/cases/{case.pk}/", "q="):
        assert secret not in everything
