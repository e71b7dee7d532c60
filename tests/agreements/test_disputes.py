"""R-DISP-1 through the services, the statements and the pages: a dispute opened with its
temporary split, passed from local to sub-regional to regional (automatically on day 31), the
recommendation's correction lines in the statements, and who sees what at every level.

The case (tests/agreements/conftest.py): a Göteborg child's HVB placement, its SIP meeting held
12 May 2026; here the placement runs from 1 May 2026 at 1 000 kr a day, placed by Göteborg, and
version 1 (region 50 %) is signed from 1 May. Göteborg lies in Göteborgsregionen; Mölndal's
caseworker and a member of Fyrbodal's cooperation are outsiders."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from agreements import disputes as services
from agreements import selectors
from agreements.models import Dispute, DisputeStep
from core.models import AuditAction
from dashboard.models import Deadline
from domain import disputes as rules
from domain.errors import RuleViolation
from organisations.models import CooperationBody, CooperationMembership, Principal, SubRegion
from tests.agreements.conftest import activate, sign
from tests.factories import MunicipalityFactory, UserFactory

pytestmark = pytest.mark.django_db

OPENED = date(2026, 5, 15)
SUB_REGIONAL = date(2026, 5, 20)
DAY_30 = date(2026, 6, 19)
DAY_31 = date(2026, 6, 20)
ISSUED = date(2026, 8, 10)


@pytest.fixture
def areas(region, goteborg, molndal):
    gr = SubRegion.objects.create(region=region, name="Göteborgsregionen")
    fyrbodal = SubRegion.objects.create(region=region, name="Fyrbodal")
    Principal.objects.filter(pk__in=[goteborg.pk, molndal.pk]).update(sub_region=gr)
    MunicipalityFactory(name="Uddevalla", region=region, sub_region=fyrbodal)
    bodies = {
        "gr": CooperationBody.objects.create(
            level="sub_regional", name="Delregional GR", region=region, sub_region=gr
        ),
        "fyrbodal": CooperationBody.objects.create(
            level="sub_regional", name="Delregional Fyrbodal", region=region, sub_region=fyrbodal
        ),
        "lisa": CooperationBody.objects.create(level="regional", name="LiSA", region=region),
    }
    members = {}
    for key, body in bodies.items():
        members[key] = UserFactory(email=f"{key}@example.se")
        CooperationMembership.objects.create(body=body, user=members[key])
    return members


@pytest.fixture
def case(placement, draft, sip_meeting, areas):
    activate(placement, actual_start=date(2026, 5, 1), cost_per_day=Decimal("1000.00"))
    draft.split_method = "percent"
    draft.region_percent = Decimal(50)
    draft.save()
    sign(draft, effective_from=date(2026, 5, 1), signed_on=date(2026, 4, 28))
    return draft.agreement


def _open(agreement, user, principal, sip_meeting, **changes):
    data = {
        "subject": Dispute.Subject.COST,
        "question": "Kommunen menar att BUP:s insats ska bära en större del av kostnaden.",
        "raised_by_principal_id": principal.pk,
        "sip_meeting": sip_meeting,
        "effective_from": OPENED,
        "region_percent": Decimal(40),
        "region_amount_per_month": None,
    } | changes
    return services.dispute_open(
        user=user, agreement=agreement, data=services.OpeningData(**data), today=OPENED
    )


@pytest.fixture
def dispute(case, gbg_caseworker, goteborg, sip_meeting):
    return _open(case, gbg_caseworker, goteborg, sip_meeting)


def _to_regional_on_day_31(dispute, user):
    services.dispute_escalate(
        user=user, dispute=dispute, how=rules.Escalation.BY_PARTY, today=SUB_REGIONAL
    )
    moved = services.escalate_overdue(today=DAY_31)
    assert [d.pk for d in moved] == [dispute.pk]
    dispute.refresh_from_db()
    return dispute


# --- opening and the temporary split --------------------------------------------------------------


def test_r_disp_1_opening_records_the_temporary_split_and_a_step(dispute, case):
    assert dispute.level == "local" and dispute.status == "open"
    assert dispute.sub_region.name == "Göteborgsregionen"
    split = dispute.temporary_split
    assert (split.effective_from, split.region_percent, split.effective_until) == (
        OPENED,
        Decimal(40),
        None,
    )
    assert [s.kind for s in dispute.steps.all()] == [DisputeStep.Kind.OPENED]


def test_r_disp_1_no_dispute_without_a_held_sip_meeting(case, gbg_caseworker, goteborg):
    with pytest.raises(RuleViolation) as caught:
        _open(case, gbg_caseworker, goteborg, None)
    assert caught.value.rule == "R-DISP-1"
    assert not Dispute.objects.exists()


def test_r_disp_1_one_open_dispute_per_agreement(
    dispute, case, gbg_caseworker, goteborg, sip_meeting
):
    with pytest.raises(RuleViolation):
        _open(case, gbg_caseworker, goteborg, sip_meeting)


def test_r_disp_1_the_statement_uses_the_temporary_split_from_its_date(dispute, placement):
    """May 2026: 1–14 May by version 1 (50 %): 14 000 → 7 000 each; 15–31 May by the temporary
    split (40 %): 17 000 → region 6 800, municipality 10 200. June wholly at 40 %."""
    placement.refresh_from_db()
    may = selectors.placement_statement(placement=placement, year=2026, month=5)
    assert [(s.start, s.end, s.region, s.municipality) for s in may.segments] == [
        (date(2026, 5, 1), date(2026, 5, 14), Decimal("7000.00"), Decimal("7000.00")),
        (date(2026, 5, 15), date(2026, 5, 31), Decimal("6800.00"), Decimal("10200.00")),
    ]
    june = selectors.placement_statement(placement=placement, year=2026, month=6)
    assert (june.region, june.municipality) == (Decimal("12000.00"), Decimal("18000.00"))


# --- the clocks and the levels --------------------------------------------------------------------


def test_r_disp_1_escalated_on_day_31_with_the_clocks_in_the_deadline_table(
    dispute, gbg_caseworker
):
    services.dispute_escalate(
        user=gbg_caseworker, dispute=dispute, how=rules.Escalation.BY_PARTY, today=SUB_REGIONAL
    )
    assert services.escalate_overdue(today=DAY_30) == []  # day 30: still sub-regional
    dispute.refresh_from_db()
    assert dispute.level == "sub_regional"

    _moved = services.escalate_overdue(today=DAY_31)
    dispute.refresh_from_db()
    assert (dispute.level, dispute.regional_since) == ("regional", DAY_31)
    last = dispute.steps.order_by("-pk").first()
    assert (last.kind, last.on, last.by) == (DisputeStep.Kind.ESCALATED, DAY_31, None)

    rows = {
        d.kind: (d.due_on, d.met_on, d.rule)
        for d in Deadline.objects.filter(key__startswith=f"dispute:{dispute.pk}:")
    }
    assert rows == {
        "dispute_sub_regional": (DAY_30, DAY_31, "R-DISP-1"),
        "dispute_regional": (date(2026, 7, 20), None, "R-DISP-1"),
    }


def test_r_disp_1_the_daily_command_moves_each_overdue_dispute_once(dispute, gbg_caseworker):
    services.dispute_escalate(
        user=gbg_caseworker, dispute=dispute, how=rules.Escalation.BY_PARTY, today=SUB_REGIONAL
    )
    call_command("escalate_disputes", "--date", DAY_31.isoformat())
    call_command("escalate_disputes", "--date", DAY_31.isoformat())
    dispute.refresh_from_db()
    assert dispute.level == "regional"
    assert dispute.steps.filter(kind=DisputeStep.Kind.ESCALATED).count() == 2  # local→sub, sub→reg


def test_r_disp_1_a_party_cannot_skip_the_sub_regional_body_before_day_31(dispute, gbg_caseworker):
    services.dispute_escalate(
        user=gbg_caseworker, dispute=dispute, how=rules.Escalation.BY_PARTY, today=SUB_REGIONAL
    )
    with pytest.raises(RuleViolation):
        services.dispute_escalate(
            user=gbg_caseworker, dispute=dispute, how=rules.Escalation.BY_PARTY, today=DAY_30
        )


# --- the recommendation and the corrections -------------------------------------------------------


def _recommend(dispute, user, **changes):
    data = {
        "text": "LiSA rekommenderar att regionen bär 60 % från den dag gemensam fördelning fanns.",
        "adjusted_from": date(2026, 5, 1),
        "region_percent": Decimal(60),
        "region_amount_per_month": None,
    } | changes
    return services.dispute_recommend(
        user=user, dispute=dispute, data=services.RecommendationData(**data), issued_on=ISSUED
    )


def test_r_disp_1_the_recommendation_corrects_three_invoiced_months(
    dispute, gbg_caseworker, areas, placement, goteborg, region
):
    """As tests/domain/test_disputes.py computes by hand: May +4 800, June +6 000, July
    +6 200 for the region; the August statement is at 60 % (31 000 → region 18 600), and the
    pair statement for August carries the 17 000 of corrections: the region owes Göteborg
    18 600 + 17 000 = 35 600. Months before August keep their statements."""
    _to_regional_on_day_31(dispute, gbg_caseworker)
    _recommend(dispute, areas["lisa"])
    dispute.refresh_from_db()
    assert (dispute.status, dispute.closed_on) == ("recommended", ISSUED)
    assert dispute.temporary_split.effective_until == date(2026, 8, 9)

    placement.refresh_from_db()
    lines = selectors.placement_corrections(placement=placement, year=2026, month=8)
    assert [(c.month, c.region_difference, c.municipality_difference) for c in lines] == [
        (5, Decimal("4800.00"), Decimal("-4800.00")),
        (6, Decimal("6000.00"), Decimal("-6000.00")),
        (7, Decimal("6200.00"), Decimal("-6200.00")),
    ]
    july = selectors.placement_statement(placement=placement, year=2026, month=7)
    assert july.region == Decimal("12400.00")  # as invoiced
    august = selectors.placement_statement(placement=placement, year=2026, month=8)
    assert (august.region, august.municipality) == (Decimal("18600.00"), Decimal("12400.00"))
    assert selectors.placement_corrections(placement=placement, year=2026, month=9) == []

    from agreements.models import Agreement

    pair = selectors.pair_statement(
        agreements=Agreement.objects.filter(municipality=goteborg, region=region),
        year=2026,
        month=8,
    )
    assert pair.corrections_net == Decimal("17000.00")
    assert pair.region_owes_municipality == Decimal("35600.00")


def test_r_disp_1_no_adjustment_from_before_the_first_joint_split(dispute, gbg_caseworker, areas):
    _to_regional_on_day_31(dispute, gbg_caseworker)
    with pytest.raises(RuleViolation) as caught:
        _recommend(dispute, areas["lisa"], adjusted_from=date(2026, 4, 30))
    assert caught.value.field == "adjusted_from"


def test_r_disp_1_only_the_regional_level_recommends(dispute, areas):
    with pytest.raises(RuleViolation):
        _recommend(dispute, areas["lisa"])


def test_r_disp_1_a_solved_dispute_ends_the_temporary_split(dispute, gbg_caseworker, placement):
    services.dispute_resolve(
        user=gbg_caseworker,
        dispute=dispute,
        resolution="Överens lokalt.",
        resolved_on=date(2026, 6, 1),
    )
    placement.refresh_from_db()
    june = selectors.placement_statement(placement=placement, year=2026, month=6)
    assert (june.region, june.municipality) == (Decimal("15000.00"), Decimal("15000.00"))


# --- access at every level ------------------------------------------------------------------------


def _status(client, user, name, pk):
    client.force_login(user)
    return client.get(reverse(name, args=[pk])).status_code


def test_r_disp_1_who_sees_a_local_dispute(client, dispute, gbg_caseworker, mdl_caseworker, areas):
    url = "agreements:dispute_detail"
    assert _status(client, gbg_caseworker, url, dispute.pk) == 200
    for outsider in (mdl_caseworker, areas["gr"], areas["fyrbodal"], areas["lisa"]):
        assert _status(client, outsider, url, dispute.pk) == 404


def test_r_disp_1_the_sub_regional_body_sees_it_from_its_level_fyrbodal_never(
    client, dispute, gbg_caseworker, areas, audit
):
    services.dispute_escalate(
        user=gbg_caseworker, dispute=dispute, how=rules.Escalation.BY_PARTY, today=SUB_REGIONAL
    )
    assert _status(client, areas["gr"], "agreements:dispute_detail", dispute.pk) == 200
    assert _status(client, areas["lisa"], "agreements:dispute_detail", dispute.pk) == 404
    audit.mark()
    for name in (
        "agreements:dispute_detail",
        "agreements:dispute_escalate",
        "agreements:dispute_comment",
        "agreements:dispute_resolve",
        "agreements:dispute_recommend",
    ):
        assert _status(client, areas["fyrbodal"], name, dispute.pk) == 404
    denied = [e for e in audit.new() if e.action == AuditAction.DENIED]
    assert len(denied) == 5 and all(e.user_id == areas["fyrbodal"].pk for e in denied)
    client.force_login(areas["fyrbodal"])
    assert b"Dispute" not in client.get(reverse("agreements:dispute_list")).content.replace(
        b"Disputes", b""
    )


def test_r_disp_1_the_regional_body_recommends_and_the_parties_cannot(
    client, dispute, gbg_caseworker, areas
):
    _to_regional_on_day_31(dispute, gbg_caseworker)
    assert _status(client, areas["lisa"], "agreements:dispute_recommend", dispute.pk) == 200
    assert _status(client, gbg_caseworker, "agreements:dispute_recommend", dispute.pk) == 404
    assert _status(client, areas["gr"], "agreements:dispute_recommend", dispute.pk) == 404


def test_the_steps_offered_are_the_ones_that_can_succeed(client, dispute, gbg_caseworker, areas):
    client.force_login(gbg_caseworker)
    page = client.get(reverse("agreements:dispute_detail", args=[dispute.pk])).content.decode()
    assert reverse("agreements:dispute_escalate", args=[dispute.pk]) in page
    assert reverse("agreements:dispute_recommend", args=[dispute.pk]) not in page
    services.dispute_escalate(
        user=gbg_caseworker, dispute=dispute, how=rules.Escalation.BY_PARTY, today=SUB_REGIONAL
    )
    # Sub-regional, before day 31: the party may not pass it on, the GR body may.
    page = client.get(reverse("agreements:dispute_detail", args=[dispute.pk])).content.decode()
    assert reverse("agreements:dispute_escalate", args=[dispute.pk]) not in page
    assert _status(client, gbg_caseworker, "agreements:dispute_escalate", dispute.pk) == 404
    assert _status(client, areas["gr"], "agreements:dispute_escalate", dispute.pk) == 200


# --- the pages ------------------------------------------------------------------------------------


def test_opening_a_dispute_through_the_page(client, case, gbg_caseworker, sip_meeting):
    client.force_login(gbg_caseworker)
    url = reverse("agreements:dispute_open", args=[case.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "subject": "cost",
            "question": "Olika läsning av fördelningen.",
            "raised_by_principal": case.municipality_id,
            "sip_meeting": sip_meeting.pk,
            "effective_from": "2026-05-15",
            "split_method": "percent",
            "region_percent": "40",
            "region_amount_per_month": "",
        },
    )
    dispute = Dispute.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("agreements:dispute_detail", args=[dispute.pk])


def test_a_bad_opening_keeps_what_was_typed_and_says_why_in_swedish(
    client, case, gbg_caseworker, sip_meeting
):
    client.force_login(gbg_caseworker)
    response = client.post(
        reverse("agreements:dispute_open", args=[case.pk]),
        {
            "subject": "cost",
            "question": "Min text ska finnas kvar.",
            "raised_by_principal": case.municipality_id,
            "sip_meeting": sip_meeting.pk,
            "effective_from": "2026-05-20",  # after today: care never held back
            "split_method": "percent",
            "region_percent": "40",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Min text ska finnas kvar." in html
    assert "tillfälliga" in html  # the Swedish message next to the date
    assert not Dispute.objects.exists()


def test_a_forged_sip_meeting_of_another_child_is_a_form_error(
    client, case, gbg_caseworker, mdl_caseworker
):
    from tests.sip.factories import SipMeetingFactory

    other = SipMeetingFactory()
    client.force_login(gbg_caseworker)
    response = client.post(
        reverse("agreements:dispute_open", args=[case.pk]),
        {
            "subject": "cost",
            "question": "x",
            "raised_by_principal": case.municipality_id,
            "sip_meeting": other.pk,
            "effective_from": "2026-05-15",
            "split_method": "percent",
            "region_percent": "40",
        },
    )
    assert response.status_code == 200 and not Dispute.objects.exists()


def test_the_dispute_list_does_not_grow_in_queries(
    client, dispute, gbg_caseworker, django_assert_max_num_queries
):
    client.force_login(gbg_caseworker)
    with django_assert_max_num_queries(25):
        assert client.get(reverse("agreements:dispute_list")).status_code == 200


def test_the_statuses_and_levels_mirror_the_domain():
    from domain.levels import Level

    assert set(Dispute.Status.values) == {s.value for s in rules.DisputeStatus}
    assert set(Dispute.Level.values) == {level.value for level in Level}


def test_r_disp_1_the_body_of_the_level_has_the_clock_in_its_deadlines_and_reminders(
    dispute, gbg_caseworker, areas, mailoutbox
):
    from dashboard.reminders import send_reminders
    from dashboard.selectors import my_deadlines

    services.dispute_escalate(
        user=gbg_caseworker, dispute=dispute, how=rules.Escalation.BY_PARTY, today=SUB_REGIONAL
    )
    day_29 = date(2026, 6, 18)
    assert [(d.kind, d.due_on) for d in my_deadlines(areas["gr"], today=day_29)] == [
        ("dispute_sub_regional", DAY_30)
    ]
    assert my_deadlines(areas["fyrbodal"], today=day_29) == []
    assert my_deadlines(areas["lisa"], today=day_29) == []

    send_reminders(today=DAY_30)  # due today
    to_gr = [m for m in mailoutbox if m.to == [areas["gr"].email]]
    assert len(to_gr) == 1
    assert not [m for m in mailoutbox if m.to == [areas["fyrbodal"].email]]


def test_the_placement_page_offers_a_deviation_report_prefilled_with_the_placement(
    client, placement, gbg_caseworker
):
    client.force_login(gbg_caseworker)
    page = client.get(reverse("placements:placement_detail", args=[placement.pk])).content.decode()
    link = f"{reverse('deviations:deviation_create')}?placering={placement.pk}"
    assert link in page
    assert client.get(link).status_code == 200


def test_a_body_member_sees_the_case_by_number_and_initials_and_the_next_step_in_swedish(
    client, dispute, gbg_caseworker, areas, placement
):
    services.dispute_escalate(
        user=gbg_caseworker, dispute=dispute, how=rules.Escalation.BY_PARTY, today=SUB_REGIONAL
    )
    client.force_login(areas["gr"])
    html = client.get(reverse("agreements:dispute_detail", args=[dispute.pk])).content.decode()
    assert f"Placering {placement.pk} (barnet {placement.child.initials})" in html
    assert placement.child.first_name not in html  # personal data only where needed
    assert "Den delregionala vårdsamverkan löser tvisten inom 30 dagar" in html
    assert "senast" in html


# --- not before the placement has started (R-DISP-1) ---------------------------------------------


@pytest.fixture
def not_started(placement, draft, sip_meeting, areas):
    """A signed agreement whose placement has not started yet."""
    sign(draft, effective_from=date(2026, 6, 1), signed_on=date(2026, 4, 28))
    return draft.agreement


def test_r_disp_1_no_dispute_before_the_placement_has_started(
    not_started, gbg_caseworker, goteborg, sip_meeting
):
    with pytest.raises(RuleViolation) as caught:
        _open(not_started, gbg_caseworker, goteborg, sip_meeting)
    assert caught.value.rule == "R-DISP-1"
    assert not Dispute.objects.exists()


def test_before_the_start_the_agreement_page_says_why_instead_of_offering_the_form(
    client, not_started, gbg_caseworker
):
    client.force_login(gbg_caseworker)
    with translation.override("sv"):
        page = client.get(
            reverse("agreements:agreement_detail", args=[not_started.pk]),
            HTTP_ACCEPT_LANGUAGE="sv",
        ).content.decode()
        opening = client.get(
            reverse("agreements:dispute_open", args=[not_started.pk]), HTTP_ACCEPT_LANGUAGE="sv"
        )
    reason = "En tvist kan öppnas när placeringen har börjat"
    assert reason in page
    assert reverse("agreements:dispute_open", args=[not_started.pk]) not in page
    # A guessed address of the opening form leads back to the page with the reason.
    assert opening.status_code == 302
    assert opening["Location"] == reverse("agreements:agreement_detail", args=[not_started.pk])
    assert reason in client.get(opening["Location"], HTTP_ACCEPT_LANGUAGE="sv").content.decode()


def test_after_the_start_the_page_offers_the_form_and_no_reason(client, case, gbg_caseworker):
    client.force_login(gbg_caseworker)
    page = client.get(reverse("agreements:agreement_detail", args=[case.pk])).content.decode()
    assert reverse("agreements:dispute_open", args=[case.pk]) in page
    assert "once the placement has started" not in page
