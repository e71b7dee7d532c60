"""The signing page and the "awaiting signature" tag (issue 12): the agreement summarised,
"Signera för" only for principals the user holds a valid mandate for, the signing order and
whose signature is awaited, for every party."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements import signatures
from tests.factories import FinancialMandateFactory

pytestmark = pytest.mark.django_db


def sign_url(version) -> str:
    return reverse("agreements:version_sign", args=[version.pk])


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\u00a0", " ")


def test_the_municipal_signatory_sees_the_summary_and_signs_for_goteborg_preselected(
    awaiting, client_for, municipal_signatory, goteborg
):
    response = client_for(municipal_signatory).get(sign_url(awaiting))
    html = response.content.decode()
    text = _text(html)

    # The summary: the parties, the placement named by child and form, the split in kronor.
    assert "Göteborg" in text and "Västra Götalandsregionen" in text
    assert "Alva Göransson" in text
    assert "hvb" in text.lower()
    summary = response.context["summary"]
    shares = {s.principal.pk: s for s in summary.shares}
    assert set(shares) == set(awaiting.agreement.principal_ids)
    # HVB at 3 200 kr a day, standard split (region a third) and the region's 4 500 kr line.
    region_share = shares[awaiting.agreement.region_id]
    assert region_share.per_year > 0
    from core.formats import format_amount

    assert format_amount(region_share.per_year).replace("\u00a0", " ") in text
    assert format_amount(region_share.per_month).replace("\u00a0", " ") in text
    assert summary.effective_from == date(2026, 6, 1)
    assert "2026-06-01" in text
    assert summary.review_on is not None and summary.review_on.isoformat() in text
    # The PDF is one click away.
    assert f'href="{reverse("agreements:version_document", args=[awaiting.pk])}"' in html
    # "Signera för": only Göteborg, no empty choice, preselected.
    form = response.context["form"]
    assert [label for _value, label in form.fields["principal"].choices] == ["Göteborg"]
    assert "---------" not in html
    assert re.search(rf'<option value="{goteborg.pk}"[^>]*selected', html)
    # The order: Göteborg's signature is awaited; it is this user's turn.
    assert response.context["my_turn"] is True
    assert "Din signatur väntas." in text


def test_the_region_signatory_is_told_that_goteborg_signs_first_and_gets_no_form(
    awaiting, client_for, region_signatory, region
):
    response = client_for(region_signatory).get(sign_url(awaiting))
    text = _text(response.content.decode())

    assert response.status_code == 200
    assert response.context["my_turn"] is False
    assert "Göteborg signerar först" in text
    assert 'name="token"' not in response.content.decode()
    assert [label for _v, label in response.context["form"].fields["principal"].choices] == [
        region.name
    ]


def test_after_goteborg_signed_the_region_signatory_sees_its_turn_and_who_signed(
    awaiting, sign, client_for, region_signatory, municipal_signatory, goteborg
):
    sign(municipal_signatory, awaiting, goteborg)

    response = client_for(region_signatory).get(sign_url(awaiting))
    text = _text(response.content.decode())

    assert response.context["my_turn"] is True
    assert "Sara Signell" in text
    assert 'name="token"' in response.content.decode()


def test_a_principal_the_user_has_no_valid_mandate_for_is_not_offered(
    awaiting, client_for, municipal_signatory, region
):
    # A mandate for the region that ended before today is not a choice.
    FinancialMandateFactory(
        user=municipal_signatory,
        principal=region,
        valid_from=date(2026, 1, 1),
        valid_until=date(2026, 3, 31),
    )

    response = client_for(municipal_signatory).get(sign_url(awaiting))

    labels = [label for _v, label in response.context["form"].fields["principal"].choices]
    assert labels == ["Göteborg"]


def _render_tag(user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return Template("{% load agreement_tags %}{% signatures_awaited %}").render(
        Context({"request": request})
    )


def test_the_tag_lists_awaiting_your_signature_and_awaiting_the_other_party(
    awaiting, sign, frozen, municipal_signatory, region_signatory, goteborg
):
    before_region = _text(_render_tag(region_signatory))
    assert "Väntar på den andra parten" in before_region
    assert "Väntar på din signatur" not in before_region
    assert "väntar på underskrift av Göteborg" in before_region

    assert "Väntar på din signatur" in _text(_render_tag(municipal_signatory))

    sign(municipal_signatory, awaiting, goteborg)

    after_region = _render_tag(region_signatory)
    assert "Väntar på din signatur" in _text(after_region)
    assert f'href="{sign_url(awaiting)}"' in after_region
    after_municipal = _text(_render_tag(municipal_signatory))
    assert "Väntar på den andra parten" in after_municipal
    assert "väntar på underskrift av Västra Götalandsregionen" in after_municipal


def test_the_tag_renders_nothing_when_nothing_awaits(db, frozen, gbg_caseworker):
    assert _render_tag(gbg_caseworker).strip() == ""


def test_the_tag_costs_the_same_number_of_queries_for_one_and_for_several_versions(
    awaiting, frozen, municipal_signatory, child, gbg_caseworker
):
    from agreements.models import Agreement, AgreementVersion
    from tests.placements.factories import PlacementFactory

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            _render_tag(municipal_signatory)
        return len(captured)

    queries()  # warms what is cached once per process
    one = queries()
    for _ in range(3):
        placement = PlacementFactory(child=child, caseworker=gbg_caseworker)
        agreement = Agreement.objects.create(
            placement=placement,
            municipality=awaiting.agreement.municipality,
            region=awaiting.agreement.region,
        )
        AgreementVersion.objects.create(
            agreement=agreement,
            number=1,
            sip_meeting=awaiting.sip_meeting,
            cost_meeting=awaiting.cost_meeting,
            health_care_provision="BUP.",
            split_method=awaiting.split_method,
            status="awaiting_signatures",
            created_by=gbg_caseworker,
        )
    mine, _others = signatures.signatures_awaited(municipal_signatory, on=date(2026, 5, 20))

    assert len(mine) == 4
    assert queries() == one
