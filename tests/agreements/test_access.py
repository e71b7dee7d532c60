"""Cross-organisation access over every agreements view that takes an object.

Mölndal's caseworker, manager and administrator and a clinician of a BUP unit the SIP never
invited ask for Göteborg's placement, agreement and version, by GET and by POST: always 404
(never 403, which would tell that the object exists), exactly one "denied" audit row, and
nothing changed. The pair statement shows an outsider no Göteborg rows.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from agreements import disputes as dispute_services
from agreements import urls as agreement_urls
from agreements.models import AgreementLine, AgreementVersion, CostMeeting, Dispute, DisputeStep
from core.models import AuditAction
from organisations.models import Role, Unit
from placements.models import Placement
from tests.agreements.conftest import activate, sign, signed_agreement
from tests.factories import FinancialMandateFactory, UnitFactory, member
from tests.placements.factories import ChildFactory, PlacementFactory

pytestmark = pytest.mark.django_db

# (route name, which Göteborg object its argument is, the argument's name)
OBJECT_VIEWS = [
    ("cost_meeting_create", "placement", "placement_pk"),
    ("agreement_create", "placement", "placement_pk"),
    ("placement_statement", "placement", "placement_pk"),
    ("agreement_detail", "agreement", "pk"),
    ("agreement_new_version", "agreement", "pk"),
    ("version_edit", "version", "pk"),
    ("version_send", "version", "pk"),
    ("version_review", "version", "pk"),
    # The signing issue's views take a version too.
    ("version_sign", "version", "pk"),
    ("version_decline", "version", "pk"),
    ("version_document", "version", "pk"),
    # R-DISP-1: disputes.
    ("dispute_open", "agreement", "pk"),
    ("dispute_detail", "dispute", "pk"),
    ("dispute_escalate", "dispute", "pk"),
    ("dispute_resolve", "dispute", "pk"),
    ("dispute_recommend", "dispute", "pk"),
    ("dispute_comment", "dispute", "pk"),
]

OBJECT_TYPES = {
    "placement": "placements.placement",
    "agreement": "agreements.agreement",
    "version": "agreements.agreementversion",
    "dispute": "agreements.dispute",
}

OUTSIDERS = ["mdl_caseworker", "mdl_manager", "mdl_admin", "uninvited_clinician"]


def test_the_matrix_covers_every_agreements_view_with_an_object():
    """A new view taking an object's id must join the matrix."""
    with_object = {p.name for p in agreement_urls.urlpatterns if p.pattern.converters}

    assert with_object == {name for name, *_ in OBJECT_VIEWS}


@pytest.fixture
def uninvited_clinician(region):
    """A clinician of a BUP unit the child's SIP never invited."""
    unit = UnitFactory(principal=region, name="BUP Mölndal", kind=Unit.Kind.BUP)
    return member(unit, Role.CLINICIAN, email="klinik@bup-mdl.example")


@pytest.fixture
def gbg_objects(placement, agreement, draft, sip_meeting, gbg_caseworker, goteborg):
    activate(placement, actual_start=date(2026, 5, 1))
    dispute = dispute_services.dispute_open(
        user=gbg_caseworker,
        agreement=agreement,
        data=dispute_services.OpeningData(
            subject="cost",
            question="Olika läsning.",
            raised_by_principal_id=goteborg.pk,
            sip_meeting=sip_meeting,
            effective_from=date(2026, 5, 15),
            region_percent=Decimal(40),
            region_amount_per_month=None,
        ),
    )
    return {"placement": placement, "agreement": agreement, "version": draft, "dispute": dispute}


def _url(view, objects) -> tuple[str, object]:
    name, kind, kwarg = view
    obj = objects[kind]
    return reverse(f"agreements:{name}", kwargs={kwarg: obj.pk}), obj


def _state() -> dict:
    return {
        "cost_meetings": list(CostMeeting.objects.values()),
        "versions": list(AgreementVersion.objects.values()),
        "lines": list(AgreementLine.objects.values()),
        "placements": list(Placement.objects.values()),
        "disputes": list(Dispute.objects.values()),
        "dispute_steps": list(DisputeStep.objects.values()),
    }


def _post_data(objects, cost_meeting, goteborg, region) -> dict:
    return {
        "sip_meeting": cost_meeting.sip_meeting_id,
        "started_at": "2026-05-12T15:00",
        "participants": ["user:1"],
        "cost_meeting": cost_meeting.pk,
        "health_care_provision": "Ändrat.",
        "split_method": "percent",
        "region_percent": "99",
        "effective_from": "2026-07-01",
        "l-TOTAL_FORMS": "1",
        "l-INITIAL_FORMS": "1",
        "l-MIN_NUM_FORMS": "0",
        "l-MAX_NUM_FORMS": "1000",
        "l-0-description": "Annat",
        "l-0-responsible_principal": str(region.pk),
        "reason": "Försök.",
        "confirm": "on",
    }


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("outsider_fixture", OUTSIDERS)
@pytest.mark.parametrize("view", OBJECT_VIEWS, ids=lambda v: v[0])
def test_other_organisations_get_404_and_one_denied_audit_row(
    request,
    client_for,
    gbg_objects,
    cost_meeting,
    goteborg,
    region,
    audit,
    view,
    outsider_fixture,
    method,
):
    outsider = request.getfixturevalue(outsider_fixture)
    client = client_for(outsider)
    url, obj = _url(view, gbg_objects)
    before = _state()

    if method == "post":
        response = client.post(url, _post_data(gbg_objects, cost_meeting, goteborg, region))
    else:
        response = client.get(url)

    assert response.status_code == 404
    [event] = audit.new()
    assert event.action == AuditAction.DENIED
    assert event.user == outsider
    assert event.object_type == OBJECT_TYPES[view[1]]
    assert event.object_id == str(obj.pk)
    assert _state() == before  # nothing changed


@pytest.mark.parametrize(
    "view",
    [
        v
        for v in OBJECT_VIEWS
        # Signing needs a mandate; only the regional level recommends (R-DISP-1); a dispute is
        # open, so opening another redirects to it.
        if v[0] not in ("version_sign", "version_decline", "dispute_recommend")
    ],
)
def test_the_goteborg_caseworker_is_never_denied(
    client_for, gbg_caseworker, gbg_objects, audit, view
):
    url, _ = _url(view, gbg_objects)

    response = client_for(gbg_caseworker).get(url)

    assert response.status_code != 404
    assert AuditAction.DENIED not in {e.action for e in audit.new()}


def test_a_signatory_of_the_region_may_read_what_they_sign(client_for, region, bup, agreement):
    """R-MEET-3: a person with a financial mandate for one of the two principals sees the
    agreement, without being a member of the child's units."""
    signatory = member(bup, Role.MANAGER, email="ekonomi@vgr.example")
    FinancialMandateFactory(user=signatory, principal=region)

    response = client_for(signatory).get(
        reverse("agreements:agreement_detail", args=[agreement.pk])
    )

    assert response.status_code == 200


def test_a_signatory_of_molndal_does_not_see_goteborgs_agreement(
    client_for, mdl_manager, molndal, agreement, audit
):
    FinancialMandateFactory(user=mdl_manager, principal=molndal)

    response = client_for(mdl_manager).get(
        reverse("agreements:agreement_detail", args=[agreement.pk])
    )

    assert response.status_code == 404
    assert [e.action for e in audit.new()] == [AuditAction.DENIED]


# --- the pair statement ------------------------------------------------------------------------------


@pytest.fixture
def two_pairs(placement, draft, molndal, mdl_social, mdl_caseworker):
    """Göteborg's placement (May 2026, 3 000 kr a day, standard split) and one of Mölndal's
    (May 2026, 2 000 kr a day, region 50 %)."""
    activate(placement, actual_start=date(2026, 5, 1), cost_per_day=Decimal("3000.00"))
    sign(draft, effective_from=date(2026, 5, 1))
    mdl_child = ChildFactory(
        first_name="Maja",
        last_name="Mölnberg",
        home_municipality=molndal,
        responsible_unit=mdl_social,
    )
    mdl_placement = PlacementFactory(
        child=mdl_child,
        caseworker=mdl_caseworker,
        status=Placement.Status.ACTIVE,
        planned_start=date(2026, 5, 1),
        actual_start=date(2026, 5, 1),
        cost_per_day=Decimal("2000.00"),
    )
    signed_agreement(
        mdl_placement,
        user=mdl_caseworker,
        effective_from=date(2026, 5, 1),
        split_method="percent",
        region_percent=Decimal(50),
    )
    return placement, mdl_placement


def _pair_url(municipality, region, fmt="") -> str:
    query = f"?month=2026-05&municipality={municipality.pk}&region={region.pk}"
    return reverse("agreements:statement_pair") + query + (f"&format={fmt}" if fmt else "")


def test_the_pair_statement_shows_an_outsider_only_their_own_placements(
    client_for, mdl_caseworker, two_pairs, molndal, region
):
    gbg_placement, mdl_placement = two_pairs

    response = client_for(mdl_caseworker).get(_pair_url(molndal, region))

    assert response.status_code == 200
    result = response.context["result"]
    assert [row.placement for row in result.rows] == [mdl_placement]
    assert (result.total, result.region_part) == (Decimal("62000.00"), Decimal("31000.00"))
    assert gbg_placement.child.last_name not in response.content.decode()


@pytest.mark.parametrize("fmt", ["", "csv", "xlsx"])
@pytest.mark.parametrize("outsider_fixture", OUTSIDERS)
def test_an_outsider_asking_for_goteborgs_pair_gets_no_goteborg_rows(
    request, client_for, two_pairs, goteborg, region, audit, outsider_fixture, fmt
):
    outsider = request.getfixturevalue(outsider_fixture)
    gbg_placement, _mdl = two_pairs
    client = client_for(outsider)

    response = client.get(_pair_url(goteborg, region, fmt))

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")  # no file
    content = response.content.decode()
    assert gbg_placement.child.last_name not in content
    assert "93000" not in content.replace(" ", "").replace("\xa0", "")
    actions = [e.action for e in audit.new()]
    assert AuditAction.EXPORT not in actions
    assert actions.count(AuditAction.DENIED) == 1


def test_a_pair_id_that_does_not_exist_looks_the_same_as_one_outside_the_scope(
    client_for, mdl_caseworker, two_pairs, region
):
    client = client_for(mdl_caseworker)
    query = f"?month=2026-05&municipality={10**30}&region={region.pk}"

    response = client.get(reverse("agreements:statement_pair") + query)

    assert response.status_code == 404


def test_the_pair_form_offers_an_outsider_no_goteborg(
    client_for, mdl_caseworker, two_pairs, goteborg, molndal
):
    response = client_for(mdl_caseworker).get(reverse("agreements:statement_pair"))

    municipalities = list(response.context["form"].fields["municipality"].queryset)
    assert municipalities == [molndal]
    assert goteborg not in municipalities


@pytest.mark.parametrize("viewer", ["gbg_caseworker", "gbg_manager", "bup_clinician"])
def test_the_child_timeline_lists_exactly_the_versions_the_scope_gives(
    request, viewer, gbg_objects, placement
):
    """Issue 13: the child page's timeline reads the child's agreement versions by child (the
    child was fetched through the policy); for everyone who sees the child it must list the
    same versions as the AgreementVersion scope does."""
    from core.policy import allows, visible
    from placements.selectors import child_timeline

    user = request.getfixturevalue(viewer)
    child = placement.child
    assert allows(user, "view", child)
    listed = {e.detail for e in child_timeline(child=child, user=user) if e.kind == "agreement"}
    scoped = visible(user, AgreementVersion).filter(agreement__placement__child=child)
    assert listed == {f"{v} – {v.get_status_display()}" for v in scoped}
    assert listed  # the fixture's draft is there


@pytest.mark.parametrize(
    "who", ["region_signatory", "gbg_caseworker", "mdl_caseworker", "mdl_signatory", "expired"]
)
def test_visible_pair_is_the_scope_narrowed_to_the_pair(
    who, request, region, bup, goteborg, molndal, agreement, mdl_manager
):
    """Issue 13: with a mandate for one of the pair the statement filters by the pair alone;
    for everyone it must be exactly the agreements the scope gives for that pair."""
    from agreements.models import Agreement
    from agreements.policy import visible_pair
    from core.policy import visible

    mdl_placement = PlacementFactory(
        child=ChildFactory(responsible_unit=request.getfixturevalue("mdl_social"))
    )
    # Mölndal's own agreement with the region: in the region signatory's scope, never in
    # Göteborg's pair.
    mdl_version = signed_agreement(
        mdl_placement,
        user=request.getfixturevalue("mdl_caseworker"),
        effective_from=date(2026, 5, 1),
    )
    if who == "region_signatory":
        user = member(bup, Role.MANAGER, email="ekonomi@vgr.example")
        FinancialMandateFactory(user=user, principal=region)
    elif who == "mdl_signatory":
        user = mdl_manager
        FinancialMandateFactory(user=user, principal=molndal)
    elif who == "expired":  # a mandate that ended: the scope decides again
        user = member(bup, Role.MANAGER, email="tidigare@vgr.example")
        FinancialMandateFactory(
            user=user, principal=region, valid_from=date(2020, 1, 1), valid_until=date(2021, 1, 1)
        )
    else:
        user = request.getfixturevalue(who)

    for municipality in (goteborg, molndal):
        pair = {"municipality_id": municipality.pk, "region_id": region.pk}
        expected = set(visible(user, Agreement).filter(**pair).values_list("pk", flat=True))
        assert set(visible_pair(user, **pair).values_list("pk", flat=True)) == expected
    sees_goteborg = set(
        visible_pair(user, municipality_id=goteborg.pk, region_id=region.pk).values_list(
            "pk", flat=True
        )
    )
    sees_molndal = set(
        visible_pair(user, municipality_id=molndal.pk, region_id=region.pk).values_list(
            "pk", flat=True
        )
    )
    assert (mdl_version.agreement_id in sees_molndal) == (
        who in ("region_signatory", "mdl_caseworker", "mdl_signatory")
    )
    assert mdl_version.agreement_id not in sees_goteborg
    # Göteborg's agreement: seen by the region's signatory and Göteborg's caseworker, and by
    # the BUP manager whose mandate ended (BUP is invited to the child's SIP); not by Mölndal.
    assert (agreement.pk in sees_goteborg) == (who not in ("mdl_caseworker", "mdl_signatory"))


def test_the_child_timeline_is_empty_for_someone_who_does_not_see_the_child(
    gbg_objects, placement, mdl_caseworker, uninvited_clinician
):
    """The timeline reads placements, cost meetings and agreement versions by child: called
    for a child the user does not see (no page does, but the selector is public) it gives
    nothing, not the agreement's title."""
    from placements.selectors import child_timeline

    for outsider in (mdl_caseworker, uninvited_clinician):
        assert child_timeline(child=placement.child, user=outsider) == []


def test_a_cost_meeting_participant_sees_the_child_meeting_and_agreement_through_that_alone(
    client_for, agreement, cost_meeting, region
):
    """R-MEET-2: the region staff at the cost meeting see the child, the meeting and the
    agreement, from the participation alone (the access table's cost meeting source), and no
    longer once taken off the meeting."""
    from agreements.models import CostMeetingParticipant
    from core.policy import visible

    habilitation = UnitFactory(principal=region, name="Habiliteringen", kind=Unit.Kind.HABILITATION)
    participant = member(habilitation, Role.CLINICIAN, email="hab@vgr.example")
    pages = [
        reverse("agreements:agreement_detail", args=[agreement.pk]),
        reverse("placements:child_detail", args=[agreement.placement.child_id]),
    ]

    def sees() -> tuple[list[int], bool]:
        client = client_for(participant)
        return (
            [client.get(url).status_code for url in pages],
            visible(participant, CostMeeting).filter(pk=cost_meeting.pk).exists(),
        )

    assert sees() == ([404, 404], False)
    CostMeetingParticipant.objects.create(meeting=cost_meeting, user=participant, principal=region)
    assert sees() == ([200, 200], True)
    cost_meeting.participants.remove(participant)
    assert sees() == ([404, 404], False)
