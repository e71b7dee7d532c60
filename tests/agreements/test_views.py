"""The agreements views, signed in as the Göteborg caseworker: forged requests are refused with
a form error and nothing stored (R-MEET-1, R-MEET-2), the split (R-COST-2, R-COST-3), sending for
signature and new versions (R-COST-4).

Messages are translated concurrently: the tests look at status codes, which field has an error,
stored rows and audit rows, not at wording.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db.models import Max
from django.urls import reverse

from agreements.models import (
    AgreementLine,
    AgreementVersion,
    CostMeeting,
    CostMeetingParticipant,
)
from core.models import AuditAction
from organisations.models import Role
from placements.models import Placement
from sip import services as sip_services
from sip.models import Intervention, PlanVersion, SipMeeting
from tests.agreements.conftest import HELD_ON, at, hold_sip_meeting, sign
from tests.factories import member
from tests.placements.factories import ChildFactory, PlacementFactory, RelatedPersonFactory
from tests.sip.factories import SipFactory, SipMeetingFactory

pytestmark = pytest.mark.django_db


def _local(dt) -> str:
    return dt.strftime("%Y-%m-%dT%H:%M")


# --- the cost meeting form ------------------------------------------------------------------------


def _meeting_url(placement) -> str:
    return reverse("agreements:cost_meeting_create", args=[placement.pk])


def _meeting_post(sip_meeting, *participants: str, started_at=None, **changes) -> dict:
    data = {
        "sip_meeting": sip_meeting.pk,
        "started_at": _local(started_at or at(HELD_ON, 13)),
        "ended_at": _local(at(HELD_ON, 14)),
        "place": "Stadshuset",
        "participants": list(participants),
    }
    return data | changes


@pytest.fixture
def meeting_page(client_for, gbg_caseworker, placement, sip_meeting, bup_clinician):
    """The Göteborg caseworker's client, with the SIP meeting held and BUP invited."""
    return client_for(gbg_caseworker)


def _assert_meeting_refused(response, audit, field="participants") -> None:
    assert response.status_code == 200
    assert response.context["form"].errors.get(field), response.context["form"].errors
    assert CostMeeting.objects.count() == 0
    assert CostMeetingParticipant.objects.count() == 0
    assert AuditAction.CREATE not in {e.action for e in audit.new()}


def test_the_form_offers_staff_of_both_principals_and_the_family_but_not_other_municipalities(
    meeting_page,
    placement,
    gbg_caseworker,
    bup_clinician,
    mdl_caseworker,
    child,
    mother,
    aunt,
):
    response = meeting_page.get(_meeting_url(placement))

    assert response.status_code == 200
    field = response.context["form"].fields["participants"]
    values = {value for _group, options in field.choices for value, _label in options}
    assert {f"user:{gbg_caseworker.pk}", f"user:{bup_clinician.pk}"} <= values
    # Offered so the domain can refuse them with a message (R-MEET-2).
    assert {f"child:{child.pk}", f"guardian:{mother.pk}", f"close_person:{aunt.pk}"} <= values
    assert f"user:{mdl_caseworker.pk}" not in values


def test_r_meet_3_the_form_marks_who_holds_a_financial_mandate_for_which_principal(
    meeting_page, placement, gbg_caseworker, bup_clinician, gbg_signatory, bup_signatory
):
    response = meeting_page.get(_meeting_url(placement))

    field = response.context["form"].fields["participants"]
    labels = {value: str(label) for _group, options in field.choices for value, label in options}
    assert labels[f"user:{gbg_signatory.pk}"].endswith(" – mandat för Göteborg")
    assert labels[f"user:{bup_signatory.pk}"].endswith(" – mandat för Västra Götalandsregionen")
    assert "mandat" not in labels[f"user:{gbg_caseworker.pk}"]
    assert "mandat" not in labels[f"user:{bup_clinician.pk}"]


def test_r_meet_3_a_cost_meeting_without_a_mandate_holder_is_refused_in_swedish(
    meeting_page, placement, sip_meeting, gbg_caseworker, bup_clinician, bup_signatory, audit
):
    response = meeting_page.post(
        _meeting_url(placement),
        _meeting_post(
            sip_meeting,
            f"user:{gbg_caseworker.pk}",
            f"user:{bup_clinician.pk}",
            f"user:{bup_signatory.pk}",
        ),
    )

    _assert_meeting_refused(response, audit)
    assert response.context["form"].errors["participants"] == [
        "Ingen deltagare har ett ekonomiskt mandat för kommunen som gäller på mötesdagen."
    ]


def test_a_cost_meeting_with_staff_of_both_principals_is_stored(
    meeting_page,
    placement,
    sip_meeting,
    gbg_caseworker,
    bup_clinician,
    gbg_signatory,
    bup_signatory,
    audit,
):
    response = meeting_page.post(
        _meeting_url(placement),
        _meeting_post(
            sip_meeting,
            f"user:{gbg_caseworker.pk}",
            f"user:{bup_clinician.pk}",
            f"user:{gbg_signatory.pk}",
            f"user:{bup_signatory.pk}",
        ),
    )

    meeting = CostMeeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("agreements:agreement_create", args=[placement.pk]) + f"?cost_meeting={meeting.pk}"
    )
    assert meeting.started_at == at(HELD_ON, 13)
    assert set(meeting.participant_rows.values_list("user_id", flat=True)) == {
        gbg_caseworker.pk,
        bup_clinician.pk,
        gbg_signatory.pk,
        bup_signatory.pk,
    }
    assert [e.action for e in audit.new()] == [AuditAction.CREATE]


@pytest.mark.parametrize("family", ["mother", "father", "aunt", "child"])
def test_r_meet_2_a_family_member_in_the_participants_is_refused_and_nothing_is_stored(
    request, meeting_page, placement, sip_meeting, gbg_caseworker, bup_clinician, audit, family
):
    """R-MEET-2, the forged request of issue 5: a guardian's (or the child's, or a close
    person's) id sent among the participants."""
    person = request.getfixturevalue(family)
    value = f"child:{person.pk}" if family == "child" else f"{person.kind}:{person.pk}"

    response = meeting_page.post(
        _meeting_url(placement),
        _meeting_post(sip_meeting, f"user:{gbg_caseworker.pk}", f"user:{bup_clinician.pk}", value),
    )

    _assert_meeting_refused(response, audit)
    # The rest of the form is kept for the caseworker to correct.
    assert response.context["form"].data.getlist("participants")[:2] == [
        f"user:{gbg_caseworker.pk}",
        f"user:{bup_clinician.pk}",
    ]


@pytest.mark.parametrize(
    "forged",
    ["guardian:{other_guardian}", "child:{other_child}", "guardian:999999", "staff:{caseworker}"],
    ids=["another-childs-guardian", "another-child", "unknown-guardian", "unknown-kind"],
)
def test_r_meet_2_forged_participant_values_are_refused(
    meeting_page,
    placement,
    sip_meeting,
    gbg_caseworker,
    bup_clinician,
    goteborg,
    gbg_social,
    audit,
    forged,
):
    other_child = ChildFactory(home_municipality=goteborg, responsible_unit=gbg_social)
    other_guardian = RelatedPersonFactory(child=other_child)
    value = forged.format(
        other_guardian=other_guardian.pk, other_child=other_child.pk, caseworker=gbg_caseworker.pk
    )

    response = meeting_page.post(
        _meeting_url(placement),
        _meeting_post(sip_meeting, f"user:{gbg_caseworker.pk}", f"user:{bup_clinician.pk}", value),
    )

    _assert_meeting_refused(response, audit)


def test_r_meet_2_a_molndal_caseworker_is_refused(
    meeting_page, placement, sip_meeting, gbg_caseworker, bup_clinician, mdl_caseworker, audit
):
    """Not staff of the two principals: the form does not offer the value, so the forged one is
    refused before the domain is even asked (the service refuses it too: test_services)."""
    response = meeting_page.post(
        _meeting_url(placement),
        _meeting_post(
            sip_meeting,
            f"user:{gbg_caseworker.pk}",
            f"user:{bup_clinician.pk}",
            f"user:{mdl_caseworker.pk}",
        ),
    )

    _assert_meeting_refused(response, audit)


def test_r_meet_2_a_molndal_caseworker_is_refused_even_when_molndal_was_invited_to_the_sip(
    meeting_page,
    placement,
    sip,
    sip_meeting,
    gbg_caseworker,
    bup_clinician,
    mdl_caseworker,
    mdl_social,
    audit,
):
    """Mölndal invited to the SIP: its caseworker is still not staff of Göteborg or the region,
    so the form does not offer the value and refuses the forged one (the domain's refusal of
    such a person is in test_services)."""
    sip_services.invitation_create(
        user=gbg_caseworker, sip=sip, units=[mdl_social], external_name="", invited_on=HELD_ON
    )
    audit.mark()

    response = meeting_page.post(
        _meeting_url(placement),
        _meeting_post(
            sip_meeting,
            f"user:{gbg_caseworker.pk}",
            f"user:{bup_clinician.pk}",
            f"user:{mdl_caseworker.pk}",
        ),
    )

    _assert_meeting_refused(response, audit)


@pytest.mark.parametrize("missing", ["gbg_caseworker", "bup_clinician"])
def test_r_meet_2_a_meeting_without_one_of_the_principals_is_refused(
    request, meeting_page, placement, sip_meeting, gbg_caseworker, bup_clinician, audit, missing
):
    present = bup_clinician if missing == "gbg_caseworker" else gbg_caseworker

    response = meeting_page.post(
        _meeting_url(placement), _meeting_post(sip_meeting, f"user:{present.pk}")
    )

    _assert_meeting_refused(response, audit)


@pytest.mark.parametrize(
    "started_at",
    [at(HELD_ON, 9), at(HELD_ON, 9, 45), at(date(2026, 5, 11), 15)],
    ids=["during-the-sip-meeting", "when-it-ended", "the-day-before"],
)
def test_r_meet_1_a_cost_meeting_dated_before_the_sip_meeting_ended_is_refused(
    meeting_page, placement, sip_meeting, gbg_caseworker, bup_clinician, audit, started_at
):
    response = meeting_page.post(
        _meeting_url(placement),
        _meeting_post(
            sip_meeting,
            f"user:{gbg_caseworker.pk}",
            f"user:{bup_clinician.pk}",
            started_at=started_at,
            ended_at="",
        ),
    )

    _assert_meeting_refused(response, audit, field="started_at")


def test_r_meet_1_one_minute_after_the_sip_meeting_ended_is_allowed(
    meeting_page, placement, sip_meeting, gbg_signatory, bup_signatory
):
    response = meeting_page.post(
        _meeting_url(placement),
        _meeting_post(
            sip_meeting,
            f"user:{gbg_signatory.pk}",
            f"user:{bup_signatory.pk}",
            started_at=at(HELD_ON, 9, 46),
        ),
    )

    assert response.status_code == 302
    assert CostMeeting.objects.get().started_at == at(HELD_ON, 9, 46)


def test_r_meet_1_a_sip_meeting_not_yet_held_cannot_be_chosen(
    meeting_page, placement, sip, gbg_caseworker, bup_clinician, audit
):
    scheduled = SipMeetingFactory(sip=sip, kind=SipMeeting.Kind.FOLLOW_UP)

    response = meeting_page.post(
        _meeting_url(placement),
        _meeting_post(scheduled, f"user:{gbg_caseworker.pk}", f"user:{bup_clinician.pk}"),
    )

    _assert_meeting_refused(response, audit, field="sip_meeting")


def test_r_meet_1_another_childs_sip_meeting_cannot_be_chosen(
    meeting_page, placement, gbg_caseworker, bup_clinician, goteborg, gbg_social, audit
):
    other_child = ChildFactory(home_municipality=goteborg, responsible_unit=gbg_social)
    other = SipMeetingFactory(
        sip=SipFactory(child=other_child, initiating_unit=gbg_social),
        started_at=at(HELD_ON, 8),
        ended_at=at(HELD_ON, 9),
    )

    response = meeting_page.post(
        _meeting_url(placement),
        _meeting_post(other, f"user:{gbg_caseworker.pk}", f"user:{bup_clinician.pk}"),
    )

    _assert_meeting_refused(response, audit, field="sip_meeting")


# --- the agreement form ---------------------------------------------------------------------------


def _create_url(placement) -> str:
    return reverse("agreements:agreement_create", args=[placement.pk])


def _lines(*rows) -> dict:
    """The line formset (prefix "l") as the page sends it: the rows, then two empty ones."""
    data = {
        "l-TOTAL_FORMS": str(len(rows) + 2),
        "l-INITIAL_FORMS": str(len(rows)),
        "l-MIN_NUM_FORMS": "0",
        "l-MAX_NUM_FORMS": "1000",
    }
    for i, (description, principal, amount) in enumerate(rows):
        data[f"l-{i}-description"] = description
        data[f"l-{i}-responsible_principal"] = str(principal.pk)
        data[f"l-{i}-amount_per_month"] = "" if amount is None else str(amount)
        data[f"l-{i}-intervention_id"] = ""
        # R-COST-1: the kind its principal bears by the main rule.
        data[f"l-{i}-kind"] = "health_care" if principal.kind == "region" else "social"
    return data


def _version_post(cost_meeting_pk, municipality, region, *, lines=None, **changes) -> dict:
    data = {
        "cost_meeting": str(cost_meeting_pk),
        "health_care_provision": "BUP Göteborg gör utredningen på mottagningen.",
        "split_unclear": "on",
        "split_method": "standard",
        "region_percent": "",
        "region_amount_per_month": "",
    }
    data |= changes
    data = {k: v for k, v in data.items() if v is not None}
    rows = (
        lines
        if lines is not None
        else [
            ("Neuropsykiatrisk utredning", region, Decimal("4500.00")),
            ("Boende på HVB", municipality, None),
        ]
    )
    return data | _lines(*rows)


def _assert_no_version(response, audit, field) -> None:
    assert response.status_code == 200
    form = response.context["form"]
    if field == "lines":
        assert any(response.context["lines"].errors), response.context["lines"].errors
    else:
        assert form.errors.get(field), form.errors
    assert AgreementVersion.objects.count() == 0
    assert AgreementLine.objects.count() == 0
    assert not any(
        e.action == AuditAction.CREATE and e.object_type == "agreements.agreementversion"
        for e in audit.new()
    )


@pytest.fixture
def caseworker_client(client_for, gbg_caseworker):
    return client_for(gbg_caseworker)


def test_the_agreement_form_proposes_the_sip_plans_interventions(
    caseworker_client, placement, cost_meeting, goteborg, region
):
    response = caseworker_client.get(_create_url(placement), {"cost_meeting": cost_meeting.pk})

    assert response.status_code == 200
    assert response.context["form"].initial["cost_meeting"] == cost_meeting.pk
    assert [
        (f.initial["description"], f.initial["kind"], f.initial["responsible_principal"])
        for f in response.context["lines"].forms[:2]
    ] == [
        ("Neuropsykiatrisk utredning", "health_care", region.pk),
        ("Boende på HVB", "social", goteborg.pk),
    ]


@pytest.mark.parametrize("forged", [str(10**25), "-1", "0"])
def test_a_forged_intervention_reference_is_a_form_error_not_a_500(
    caseworker_client, placement, cost_meeting, goteborg, region, audit, forged
):
    data = _version_post(cost_meeting.pk, goteborg, region) | {"l-0-intervention_id": forged}

    response = caseworker_client.post(_create_url(placement), data)

    _assert_no_version(response, audit, field="lines")


def test_r_cost_3_the_standard_split_is_saved_for_an_hvb_with_an_unclear_split(
    caseworker_client, placement, cost_meeting, goteborg, region, audit
):
    response = caseworker_client.post(
        _create_url(placement), _version_post(cost_meeting.pk, goteborg, region)
    )

    version = AgreementVersion.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "agreements:agreement_detail", args=[version.agreement_id]
    )
    assert (version.split_method, version.split_unclear, version.status) == (
        "standard",
        True,
        "draft",
    )
    assert version.lines.count() == 2
    assert AuditAction.CREATE in {e.action for e in audit.new()}


def test_r_cost_3_the_standard_split_is_refused_for_a_foster_home(
    caseworker_client, placement, cost_meeting, goteborg, region, audit
):
    Placement.objects.filter(pk=placement.pk).update(form=Placement.Form.FOSTER_HOME)

    response = caseworker_client.post(
        _create_url(placement), _version_post(cost_meeting.pk, goteborg, region)
    )

    _assert_no_version(response, audit, "split_method")


def test_r_cost_3_the_standard_split_is_refused_when_the_split_is_not_unclear(
    caseworker_client, placement, cost_meeting, goteborg, region, audit
):
    response = caseworker_client.post(
        _create_url(placement), _version_post(cost_meeting.pk, goteborg, region, split_unclear=None)
    )

    _assert_no_version(response, audit, "split_method")


@pytest.mark.parametrize("percent", ["0", "100", "33.5"])
def test_r_cost_2_a_percent_split_is_saved(
    caseworker_client, placement, cost_meeting, goteborg, region, percent
):
    Placement.objects.filter(pk=placement.pk).update(form=Placement.Form.FOSTER_HOME)

    response = caseworker_client.post(
        _create_url(placement),
        _version_post(
            cost_meeting.pk,
            goteborg,
            region,
            split_method="percent",
            region_percent=percent,
            split_unclear=None,
        ),
    )

    assert response.status_code == 302, response.context["form"].errors
    assert AgreementVersion.objects.get().region_percent == Decimal(percent)


@pytest.mark.parametrize("percent", ["", "-1", "100.5"])
def test_r_cost_2_a_percent_outside_0_to_100_is_refused(
    caseworker_client, placement, cost_meeting, goteborg, region, audit, percent
):
    response = caseworker_client.post(
        _create_url(placement),
        _version_post(
            cost_meeting.pk, goteborg, region, split_method="percent", region_percent=percent
        ),
    )

    _assert_no_version(response, audit, "region_percent")


def test_r_cost_2_an_amount_split_is_saved(
    caseworker_client, placement, cost_meeting, goteborg, region
):
    response = caseworker_client.post(
        _create_url(placement),
        _version_post(
            cost_meeting.pk,
            goteborg,
            region,
            split_method="amount",
            region_amount_per_month="30000.50",
        ),
    )

    assert response.status_code == 302
    version = AgreementVersion.objects.get()
    assert (version.split_method, version.region_amount_per_month) == (
        "amount",
        Decimal("30000.50"),
    )


def test_r_cost_2_an_amount_split_without_an_amount_is_refused(
    caseworker_client, placement, cost_meeting, goteborg, region, audit
):
    response = caseworker_client.post(
        _create_url(placement),
        _version_post(cost_meeting.pk, goteborg, region, split_method="amount"),
    )

    _assert_no_version(response, audit, "region_amount_per_month")


def test_r_cost_1_a_line_for_a_third_principal_is_refused(
    caseworker_client, placement, cost_meeting, goteborg, region, molndal, audit
):
    response = caseworker_client.post(
        _create_url(placement),
        _version_post(
            cost_meeting.pk,
            goteborg,
            region,
            lines=[
                ("Boende på HVB", goteborg, None),
                ("Skolgång i Mölndal", molndal, Decimal(1000)),
            ],
        ),
    )

    _assert_no_version(response, audit, "lines")


def _acute(placement) -> None:
    placement.is_acute = True
    placement.status = Placement.Status.ACTIVE
    placement.actual_start = date(2026, 5, 4)
    placement.save()


def test_r_plac_3_an_acute_split_left_undated_applies_from_the_cost_meeting_day(
    caseworker_client, placement, cost_meeting, goteborg, region
):
    _acute(placement)
    page = caseworker_client.get(_create_url(placement))
    assert "effective_from" in page.context["form"].fields

    response = caseworker_client.post(
        _create_url(placement), _version_post(cost_meeting.pk, goteborg, region)
    )

    assert response.status_code == 302
    assert AgreementVersion.objects.get().effective_from == date(2026, 5, 12)


def test_r_plac_3_an_acute_split_from_before_the_placement_start_is_refused_in_swedish(
    caseworker_client, placement, cost_meeting, goteborg, region, audit
):
    _acute(placement)

    response = caseworker_client.post(
        _create_url(placement),
        _version_post(cost_meeting.pk, goteborg, region, effective_from="2026-05-03"),
    )

    _assert_no_version(response, audit, "effective_from")
    assert response.context["form"].errors["effective_from"] == [
        "Fördelningen kan inte gälla från en dag före placeringens start."
    ]


def test_r_cost_1_a_health_care_line_for_the_municipality_needs_a_reason_in_swedish(
    caseworker_client, placement, cost_meeting, goteborg, region, audit
):
    rows = [("Boende på HVB", goteborg, None), ("Sjuksköterska på HVB", goteborg, None)]
    data = _version_post(cost_meeting.pk, goteborg, region, lines=rows) | {
        "l-1-kind": "health_care"
    }

    response = caseworker_client.post(_create_url(placement), data)

    _assert_no_version(response, audit, "lines")
    line = response.context["lines"].forms[1]
    assert line.errors["deviation_reason"] == [
        "Hälso- och sjukvård är regionens och socialtjänst och skola kommunens: ange varför "
        "den här insatsen är den andra huvudmannens."
    ]
    assert not response.context["lines"].forms[0].errors


def test_r_cost_1_a_health_care_line_for_the_municipality_with_a_reason_is_saved(
    caseworker_client, placement, cost_meeting, goteborg, region
):
    rows = [("Boende på HVB", goteborg, None), ("Sjuksköterska på HVB", goteborg, None)]
    data = _version_post(cost_meeting.pk, goteborg, region, lines=rows) | {
        "l-1-kind": "health_care",
        "l-1-deviation_reason": "HVB-hemmets sjuksköterska ingår i dygnsavgiften.",
    }

    response = caseworker_client.post(_create_url(placement), data)

    assert response.status_code == 302
    assert list(AgreementLine.objects.order_by("pk").values_list("kind", "deviation_reason")) == [
        ("social", ""),
        ("health_care", "HVB-hemmets sjuksköterska ingår i dygnsavgiften."),
    ]


def test_r_cost_2_sending_without_the_health_care_provision_is_refused_in_swedish(
    caseworker_client, draft
):
    AgreementVersion.objects.filter(pk=draft.pk).update(health_care_provision="")

    response = caseworker_client.post(
        reverse("agreements:version_send", args=[draft.pk]), follow=True
    )

    draft.refresh_from_db()
    assert draft.status == "draft"
    assert "Ange hur hälso- och sjukvårdsinsatserna tillgodoses." in [
        str(m) for m in response.context["messages"]
    ]


def _free_pk() -> int:
    """A pk that neither a cost meeting nor a SIP meeting has yet."""
    highest = [
        CostMeeting.objects.aggregate(m=Max("pk"))["m"] or 0,
        SipMeeting.objects.aggregate(m=Max("pk"))["m"] or 0,
    ]
    return max(highest) + 101


@pytest.fixture
def follow_up_meeting(sip, cost_meeting, gbg_caseworker, gbg_social, bup):
    """A held follow-up SIP meeting whose pk no cost meeting has."""
    return hold_sip_meeting(
        sip,
        user=gbg_caseworker,
        units=(gbg_social, bup),
        started_at=at(date(2026, 5, 13), 9),
        ended_at=at(date(2026, 5, 13), 10),
        kind=SipMeeting.Kind.FOLLOW_UP,
        pk=_free_pk(),
    )


def test_r_meet_1_the_sip_meetings_id_as_the_cost_meeting_is_refused(
    caseworker_client, placement, follow_up_meeting, goteborg, region, audit
):
    """The forged request of issue 5: the SIP meeting's id sent as the cost meeting."""
    assert not CostMeeting.objects.filter(pk=follow_up_meeting.pk).exists()
    audit.mark()

    response = caseworker_client.post(
        _create_url(placement), _version_post(follow_up_meeting.pk, goteborg, region)
    )

    _assert_no_version(response, audit, "cost_meeting")


def test_r_meet_1_a_sip_meeting_id_that_is_another_placements_cost_meeting_is_refused(
    caseworker_client,
    placement,
    follow_up_meeting,
    goteborg,
    region,
    gbg_social,
    gbg_caseworker,
    audit,
):
    other_child = ChildFactory(home_municipality=goteborg, responsible_unit=gbg_social)
    other_placement = PlacementFactory(child=other_child, caseworker=gbg_caseworker)
    other_sip_meeting = SipMeetingFactory(
        sip=SipFactory(child=other_child, initiating_unit=gbg_social),
        started_at=at(HELD_ON, 8),
        ended_at=at(HELD_ON, 9),
    )
    CostMeeting.objects.create(
        pk=follow_up_meeting.pk,
        placement=other_placement,
        sip_meeting=other_sip_meeting,
        started_at=at(HELD_ON, 13),
        created_by=gbg_caseworker,
    )
    audit.mark()

    response = caseworker_client.post(
        _create_url(placement), _version_post(follow_up_meeting.pk, goteborg, region)
    )

    _assert_no_version(response, audit, "cost_meeting")


def test_r_meet_1_a_cost_meeting_stored_before_the_sip_meeting_ended_is_refused(
    caseworker_client, placement, sip_meeting, gbg_caseworker, goteborg, region, audit
):
    early = CostMeeting.objects.create(
        placement=placement,
        sip_meeting=sip_meeting,
        started_at=at(HELD_ON, 9),
        created_by=gbg_caseworker,
    )

    response = caseworker_client.post(
        _create_url(placement), _version_post(early.pk, goteborg, region)
    )

    assert response.status_code == 200
    assert response.context["form"].errors
    assert AgreementVersion.objects.count() == 0


def test_the_create_page_of_a_placement_with_an_agreement_leads_to_the_agreement(
    caseworker_client, placement, agreement
):
    response = caseworker_client.get(_create_url(placement))

    assert response.status_code == 302
    assert response["Location"] == reverse("agreements:agreement_detail", args=[agreement.pk])


def test_a_second_first_version_posted_to_the_create_page_is_refused(
    caseworker_client, placement, cost_meeting, agreement, goteborg, region
):
    response = caseworker_client.post(
        _create_url(placement), _version_post(cost_meeting.pk, goteborg, region)
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert AgreementVersion.objects.count() == 1


# --- the agreement page, sending, editing, new versions -------------------------------------------


def test_the_agreement_page_shows_the_versions_with_a_view_audit_row(
    caseworker_client, agreement, draft, audit, django_assert_max_num_queries
):
    audit.mark()
    # 25 for the page, 12 for its placement's next-step panel (a fixed number: panels_for).
    with django_assert_max_num_queries(37):
        response = caseworker_client.get(
            reverse("agreements:agreement_detail", args=[agreement.pk])
        )

    assert response.status_code == 200
    assert response.context["versions"] == [draft]
    assert response.context["can_edit"]
    assert [(e.action, e.object_id) for e in audit.new()] == [(AuditAction.VIEW, str(agreement.pk))]


def test_sending_for_signature_moves_the_draft_on_with_a_transition_audit_row(
    caseworker_client, draft, audit
):
    response = caseworker_client.post(reverse("agreements:version_send", args=[draft.pk]))

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == "awaiting_signatures"
    [event] = [e for e in audit.new() if e.action == AuditAction.TRANSITION]
    assert (event.object_type, event.object_id) == ("agreements.agreementversion", str(draft.pk))


def test_sending_twice_changes_nothing_the_second_time(caseworker_client, draft, audit):
    url = reverse("agreements:version_send", args=[draft.pk])
    caseworker_client.post(url)
    audit.mark()

    response = caseworker_client.post(url)

    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.signing_round) == ("awaiting_signatures", 1)
    assert AuditAction.TRANSITION not in {e.action for e in audit.new()}


def test_a_draft_is_edited(caseworker_client, draft, cost_meeting, goteborg, region):
    response = caseworker_client.post(
        reverse("agreements:version_edit", args=[draft.pk]),
        _version_post(
            cost_meeting.pk, goteborg, region, split_method="percent", region_percent="40"
        ),
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.split_method, draft.region_percent) == ("percent", Decimal(40))


@pytest.mark.parametrize("status", ["awaiting_signatures", "signed"])
def test_r_cost_4_a_version_that_is_not_a_draft_is_not_edited(
    caseworker_client, draft, cost_meeting, goteborg, region, audit, status
):
    if status == "signed":
        sign(draft, effective_from=date(2026, 6, 1))
    else:
        draft.status = status
        draft.save()
    url = reverse("agreements:version_edit", args=[draft.pk])
    audit.mark()

    page = caseworker_client.get(url)
    response = caseworker_client.post(
        url,
        _version_post(
            cost_meeting.pk, goteborg, region, split_method="percent", region_percent="90"
        ),
    )

    assert page.status_code == 302  # back to the agreement
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    draft.refresh_from_db()
    assert (draft.status, draft.split_method, draft.region_percent) == (status, "standard", None)
    assert not any(e.action == AuditAction.UPDATE for e in audit.new())


def test_r_cost_4_no_new_version_of_an_unsigned_agreement(caseworker_client, agreement, draft):
    response = caseworker_client.post(
        reverse("agreements:agreement_new_version", args=[agreement.pk])
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("agreements:agreement_detail", args=[agreement.pk])
    assert agreement.versions.count() == 1


def test_r_cost_4_a_new_version_of_a_signed_agreement_opens_its_draft(
    caseworker_client, agreement, draft
):
    sign(draft, effective_from=date(2026, 6, 1))

    response = caseworker_client.post(
        reverse("agreements:agreement_new_version", args=[agreement.pk])
    )

    v2 = agreement.versions.get(number=2)
    assert response.status_code == 302
    assert response["Location"] == reverse("agreements:version_edit", args=[v2.pk])
    assert v2.status == "draft"
    assert list(v2.lines.values_list("description", flat=True)) == list(
        draft.lines.values_list("description", flat=True)
    )


@pytest.mark.parametrize(
    ("effective_from", "saved"),
    [("", False), ("2026-06-01", False), ("2026-06-16", True)],
    ids=["missing", "same-day-as-v1", "later"],
)
def test_r_cost_4_a_new_version_needs_a_date_after_the_previous_one(
    caseworker_client, agreement, draft, cost_meeting, goteborg, region, effective_from, saved
):
    sign(draft, effective_from=date(2026, 6, 1))
    caseworker_client.post(reverse("agreements:agreement_new_version", args=[agreement.pk]))
    v2 = agreement.versions.get(number=2)

    response = caseworker_client.post(
        reverse("agreements:version_edit", args=[v2.pk]),
        _version_post(
            cost_meeting.pk,
            goteborg,
            region,
            split_method="percent",
            region_percent="50",
            effective_from=effective_from,
        ),
    )

    v2.refresh_from_db()
    if saved:
        assert response.status_code == 302
        assert (v2.split_method, v2.effective_from) == ("percent", date(2026, 6, 16))
    else:
        assert response.status_code == 200
        assert response.context["form"].errors.get("effective_from")
        assert (v2.split_method, v2.effective_from) == ("standard", None)


def test_a_clinician_of_the_placing_unit_may_see_but_not_change(
    client_for, gbg_social, agreement, draft, audit
):
    clinician = member(gbg_social, Role.CLINICIAN)
    client = client_for(clinician)

    assert (
        client.get(reverse("agreements:agreement_detail", args=[agreement.pk])).status_code == 200
    )
    assert client.post(reverse("agreements:version_send", args=[draft.pk])).status_code == 404
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_cost_meeting_participants_from_the_region_see_the_agreement(
    client_for, bup_clinician, agreement
):
    response = client_for(bup_clinician).get(
        reverse("agreements:agreement_detail", args=[agreement.pk])
    )

    assert response.status_code == 200
    assert not response.context["can_edit"]


def test_a_participant_posted_twice_is_stored_once(
    meeting_page, placement, sip_meeting, gbg_signatory, bup_signatory
):
    """A forged request repeating a participant must not end in a server error."""
    response = meeting_page.post(
        _meeting_url(placement),
        _meeting_post(
            sip_meeting,
            f"user:{gbg_signatory.pk}",
            f"user:{bup_signatory.pk}",
            f"user:{gbg_signatory.pk}",
        ),
    )

    assert response.status_code == 302
    assert CostMeetingParticipant.objects.count() == 2


def _other_childs_intervention(goteborg, gbg_social, user):
    other_child = ChildFactory(home_municipality=goteborg, responsible_unit=gbg_social)
    meeting = SipMeetingFactory(
        sip=SipFactory(child=other_child, initiating_unit=gbg_social),
        started_at=at(HELD_ON, 8),
        ended_at=at(HELD_ON, 9),
    )
    plan = PlanVersion.objects.create(
        sip=meeting.sip,
        meeting=meeting,
        number=1,
        needs="Annat barns behov.",
        overall_responsible_unit=gbg_social,
        next_follow_up_on=date(2026, 8, 1),
        created_by=user,
    )
    return Intervention.objects.create(
        plan=plan,
        description="Annat barns insats",
        responsible_kind="unit",
        responsible_unit=gbg_social,
    )


@pytest.mark.parametrize("whose", ["unknown", "another-child", "own"])
def test_a_forged_intervention_id_on_a_line_is_not_linked(
    caseworker_client,
    placement,
    sip_meeting,
    cost_meeting,
    goteborg,
    gbg_social,
    region,
    gbg_caseworker,
    whose,
):
    """The hidden intervention id links a line to the SIP plan: only an intervention of this
    child's plans is linked; an unknown id or another child's is dropped (no server error)."""
    own = sip_meeting.plan.interventions.get(description="Boende på HVB")
    intervention_id = {
        "unknown": 999999,
        "another-child": _other_childs_intervention(goteborg, gbg_social, gbg_caseworker).pk,
        "own": own.pk,
    }[whose]
    data = _version_post(cost_meeting.pk, goteborg, region)
    data["l-1-intervention_id"] = str(intervention_id)

    response = caseworker_client.post(_create_url(placement), data)

    assert response.status_code == 302
    line = AgreementLine.objects.get(description="Boende på HVB")
    assert line.intervention_id == (own.pk if whose == "own" else None)
