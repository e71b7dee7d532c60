"""Fixtures for the core tests: signing in through the real sign-in form."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import TEST_PASSWORD


@pytest.fixture
def sign_in():
    """Post the sign-in form (so axes, signals and session rotation all run); return the
    response."""

    def _sign_in(client, user, password=TEST_PASSWORD):
        return client.post(reverse("login"), {"username": user.email, "password": password})

    return _sign_in
