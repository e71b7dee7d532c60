"""The admin answers a signed-in user without admin rights with the site's 404 (what a user
cannot see is not found), never with Django's "you are not authorised" sign-in page."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from core.admin_site import SiteAdmin

pytestmark = pytest.mark.django_db


def test_the_admin_site_is_the_staff_only_site():
    assert isinstance(admin.site, SiteAdmin)


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/login/",
        "/admin/login/?next=/admin/",
        "/admin/organisations/user/",
        "/admin/organisations/unit/1/change/",
        "/admin/password_change/",
        "/admin/jsi18n/",
    ],
)
def test_a_signed_in_caseworker_gets_404_on_every_admin_page(client, gbg_caseworker, url):
    client.force_login(gbg_caseworker)

    response = client.get(url)

    assert response.status_code == 404
    assert "admin" not in response.templates[0].name
    assert "not authorized" not in response.content.decode()


def test_a_caseworker_posting_to_the_admin_sign_in_gets_404(client, gbg_caseworker, mdl_admin):
    """Signing in as someone else through the admin is not offered to a signed-in user either."""
    client.force_login(gbg_caseworker)

    response = client.post(reverse("admin:login"), {"username": mdl_admin.email, "password": "x"})

    assert response.status_code == 404


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(client):
    response = client.get("/admin/", follow=True)

    assert response.status_code == 200
    assert response.redirect_chain
    assert "password" in response.context["form"].fields
    assert client.get(reverse("admin:login")).status_code == 200  # staff sign in here


def test_staff_reach_the_admin(client, mdl_admin):
    client.force_login(mdl_admin)

    assert client.get("/admin/").status_code == 200
    assert client.get(reverse("admin:login")).status_code == 302  # already in: to the index
