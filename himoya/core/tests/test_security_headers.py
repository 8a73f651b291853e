"""Every page carries a strict Content-Security-Policy and a Permissions-Policy."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

HIMOYA = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_sign_in_page_forbids_inline_script_and_unused_features(client):
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_signed_in_page_has_the_same_policy(client, login, org, make_user):
    login(make_user(org))
    response = client.get(reverse("case_list"))
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_no_template_has_inline_script_style_or_handlers():
    inline = re.compile(r'<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle="|\son[a-z]+="', re.I)
    found = [
        f"{path.relative_to(HIMOYA)}: {match.group(0)}"
        for path in HIMOYA.rglob("templates/**/*.html")
        for match in inline.finditer(path.read_text())
    ]
    assert found == []
