"""Issue 10: the 400/403/404/500 pages are Swedish, in the site's layout, and carry no
technical detail. The 404 is what every object outside a user's scope answers, so it must read
as part of the application."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.views import defaults

from tests.placements.factories import ChildFactory

pytestmark = pytest.mark.django_db


def test_a_missing_page_is_a_swedish_404_in_the_site_layout(client, gbg_caseworker):
    client.force_login(gbg_caseworker)

    response = client.get("/placeringar/999999999/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "Sidan hittades inte" in html
    assert 'href="/static/css/app.css"' in html, "the site's own stylesheet"
    assert f'href="{reverse("start")}"' in html, "a way back to the start page"
    assert "Traceback" not in html and "Not Found" not in html


def test_an_object_of_another_organisation_gets_the_same_404_page(
    client, mdl_caseworker, gbg_social
):
    child = ChildFactory(home_municipality=gbg_social.principal, responsible_unit=gbg_social)
    client.force_login(mdl_caseworker)

    response = client.get(reverse("placements:child_detail", args=[child.pk]))

    assert response.status_code == 404
    assert "Sidan hittades inte" in response.content.decode()


@pytest.mark.parametrize(
    ("view", "status", "heading"),
    [
        (defaults.bad_request, 400, "Begäran kunde inte hanteras"),
        (defaults.permission_denied, 403, "Inte tillåtet"),
        (defaults.server_error, 500, "Något gick fel"),
    ],
)
def test_error_pages_are_swedish_and_without_technical_detail(view, status, heading):
    request = RequestFactory().get("/")
    args = [] if view is defaults.server_error else [Exception("secret detail")]

    response = view(request, *args)

    assert response.status_code == status
    html = response.content.decode()
    assert heading in html
    assert 'lang="sv"' in html
    assert "secret detail" not in html


def test_a_failed_csrf_check_explains_itself_in_swedish(gbg_caseworker):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(gbg_caseworker)

    response = client.post(reverse("logout"))

    assert response.status_code == 403
    assert "Formuläret har gått ut" in response.content.decode()
