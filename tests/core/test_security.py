"""Security headers and production settings (issue 2, section 1)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

BASE_DIR = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
PRODUCTION_SECRET = "test-only-production-secret-" + "k3y" * 12


def _csp_directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


# Not from a production environment: the suite's database, and the browser tests' async switch.
TEST_ONLY_VARIABLES = {"SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def _production_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in TEST_ONLY_VARIABLES}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings_production"
    env.update(extra)
    return env


@pytest.mark.django_db
def test_content_security_policy_forbids_inline_script_and_style(client):
    response = client.get(reverse("login"))

    directives = _csp_directives(response)
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]


@pytest.mark.django_db
def test_pages_may_not_be_framed(client):
    response = client.get(reverse("login"))

    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_referrer_policy_and_nosniff_are_sent(client):
    response = client.get(reverse("login"))

    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_signed_in_start_page_is_never_stored_in_a_cache(client, gbg_caseworker):
    client.force_login(gbg_caseworker)

    response = client.get(reverse("start"))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


@pytest.mark.django_db
def test_pages_have_no_inline_script_or_style(client, gbg_caseworker):
    client.force_login(gbg_caseworker)

    html = client.get(reverse("start")).content.decode()

    assert "<style" not in html
    assert " style=" not in html
    assert "<script>" not in html  # every script has a src


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = subprocess.run(
        [
            PYTHON,
            "-c",
            "import django, os; "
            "os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings_production'; "
            "django.setup()",
        ],
        cwd=BASE_DIR,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_deploy_check_passes_under_production_settings_with_a_secret_key():
    result = subprocess.run(
        [PYTHON, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=_production_env(SECRET_KEY=PRODUCTION_SECRET, ALLOWED_HOSTS="placeringar.example.se"),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
