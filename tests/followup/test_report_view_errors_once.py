"""The annual follow-up's error summary appears once (the crispy form renders it; the page
included it a second time: found by an exploratory review)."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_bad_year_gives_one_error_summary(client, gbg_manager):
    client.force_login(gbg_manager)

    html = client.get(reverse("followup:report"), {"year": "abc"}).content.decode()

    assert html.count('class="error-summary') == 1
