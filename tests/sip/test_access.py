"""Who sees a SIP, through the access policy (sip/policy.py).

- R-SIP-4: an invitation to a region unit makes the child and the SIP visible to its members
  from the invitation on; accepting keeps it, declining or forwarding hands it on.
- R-SIP-2: a revoked consent stops further sharing: from its effective date the parties it
  concerns get 404 (with a "denied" audit row); the responsible caseworker still sees the SIP.
- Cross-organisation matrix over every SIP view that takes an object: 404, never 403, and
  exactly one "denied" audit row, by GET and by POST, with nothing changed.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from core.models import AuditAction
from organisations.models import Role
from sip import services
from sip import urls as sip_urls
from sip.models import Consent, ConsentRevocation, Invitation, PlanVersion, Sip, SipMeeting
from tests.factories import UserFactory, member
from tests.sip.conftest import at
from tests.sip.factories import TODAY

pytestmark = pytest.mark.django_db


def _sip_url(sip) -> str:
    return reverse("sip:sip_detail", args=[sip.pk])


def _child_url(child) -> str:
    return reverse("placements:child_detail", args=[child.pk])


def _respond_url(invitation) -> str:
    return reverse("sip:invitation_respond", args=[invitation.pk])


def _denied(events) -> list[tuple[str, str]]:
    return [(e.object_type, e.object_id) for e in events if e.action == AuditAction.DENIED]


# --- R-SIP-4: invitations open the SIP to the invited unit ----------------------------------------


def test_bup_sees_neither_the_sip_nor_the_child_before_it_is_invited(
    sip, child, bup_clinician, client_for, audit
):
    client = client_for(bup_clinician)

    assert client.get(_sip_url(sip)).status_code == 404
    assert client.get(_child_url(child)).status_code == 404
    assert _denied(audit.new()) == [
        ("sip.sip", str(sip.pk)),
        ("placements.child", str(child.pk)),
    ]


def test_an_invitation_to_bup_makes_the_child_and_the_sip_visible_to_its_members(
    sip, child, bup, bup_clinician, invite, client_for, audit
):
    """R-SIP-4: from the invitation on, through the access policy."""
    [invitation] = invite(sip, bup)
    client = client_for(bup_clinician)

    sip_page = client.get(_sip_url(sip))
    child_page = client.get(_child_url(child))

    assert sip_page.status_code == 200
    assert child_page.status_code == 200
    assert sip_page.context["my_pending"] == [invitation]
    assert not sip_page.context["can_edit"]
    assert AuditAction.DENIED not in {e.action for e in audit.new()}


def test_the_invitation_shows_in_the_invited_units_inbox(
    sip, bup_invitation, bup_clinician, client_for
):
    response = client_for(bup_clinician).get(reverse("sip:invitation_inbox"))

    assert response.status_code == 200
    assert list(response.context["invitations"]) == [bup_invitation]


def test_the_inbox_of_another_unit_is_empty(sip, bup_invitation, mdl_caseworker, client_for):
    response = client_for(mdl_caseworker).get(reverse("sip:invitation_inbox"))

    assert list(response.context["invitations"]) == []


def test_bup_accepts_the_invitation_and_keeps_seeing_the_sip(
    sip, child, bup_invitation, bup_clinician, client_for, audit
):
    client = client_for(bup_clinician)

    response = client.post(_respond_url(bup_invitation), {"response": "accepted", "note": ""})

    assert response.status_code == 302
    assert response.url == _sip_url(sip)
    bup_invitation.refresh_from_db()
    assert (bup_invitation.response, bup_invitation.responded_by) == ("accepted", bup_clinician)
    assert [(e.action, e.object_type) for e in audit.new()] == [
        (AuditAction.UPDATE, "sip.invitation")
    ]
    assert client.get(_sip_url(sip)).status_code == 200
    assert client.get(_child_url(child)).status_code == 200


def test_the_inviting_caseworker_sees_the_answer(
    sip, bup_invitation, bup_clinician, gbg_caseworker, client_for
):
    services.invitation_respond(
        user=bup_clinician, invitation=bup_invitation, response="accepted", note="Vi kommer."
    )

    response = client_for(gbg_caseworker).get(_sip_url(sip))

    [invitation] = response.context["sip"].invitations.all()
    assert (invitation.response, invitation.response_note) == ("accepted", "Vi kommer.")
    assert "Vi kommer." in response.content.decode()


def test_bup_declines_and_loses_access(
    sip, child, bup_invitation, bup_clinician, client_for, audit
):
    client = client_for(bup_clinician)

    response = client.post(
        _respond_url(bup_invitation), {"response": "declined", "note": "Ingen kontakt hos oss."}
    )

    assert response.status_code == 302
    assert response.url == reverse("sip:invitation_inbox")
    assert Invitation.objects.get(pk=bup_invitation.pk).response == "declined"
    audit.mark()
    assert client.get(_sip_url(sip)).status_code == 404
    assert client.get(_child_url(child)).status_code == 404
    assert len(_denied(audit.new())) == 2


def test_bup_forwards_to_primary_care_which_then_sees_the_sip(
    sip, child, bup_invitation, bup_clinician, primary_care, client_for
):
    """R-SIP-4: each invited party attends or finds the right unit."""
    nurse = member(primary_care, Role.CLINICIAN)
    client = client_for(bup_clinician)

    response = client.post(
        _respond_url(bup_invitation),
        {
            "response": "forwarded",
            "forward_to": primary_care.pk,
            "note": "Familjen har ingen kontakt med BUP; vårdcentralen är rätt.",
        },
    )

    assert response.status_code == 302
    bup_invitation.refresh_from_db()
    assert bup_invitation.response == "forwarded"
    forwarded = Invitation.objects.get(unit=primary_care)
    assert (forwarded.forwarded_from, forwarded.response) == (bup_invitation, "pending")
    assert client.get(_sip_url(sip)).status_code == 404  # BUP handed it on

    nurse_client = client_for(nurse)
    assert nurse_client.get(_sip_url(sip)).status_code == 200
    assert nurse_client.get(_child_url(child)).status_code == 200
    inbox = nurse_client.get(reverse("sip:invitation_inbox"))
    assert list(inbox.context["invitations"]) == [forwarded]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"response": "forwarded", "forward_to": "", "note": "Till rätt enhet."}, "forward_to"),
        ({"response": "forwarded", "forward_to": "PRIMARY", "note": ""}, "note"),
    ],
    ids=["without-unit", "without-note"],
)
def test_forwarding_without_a_unit_or_a_note_is_refused(
    sip, bup_invitation, bup_clinician, primary_care, client_for, data, field
):
    if data["forward_to"] == "PRIMARY":
        data = data | {"forward_to": primary_care.pk}

    response = client_for(bup_clinician).post(_respond_url(bup_invitation), data)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    bup_invitation.refresh_from_db()
    assert bup_invitation.response == "pending"
    assert Invitation.objects.count() == 1


def test_the_answer_page_says_what_the_invitation_is_about_and_offers_other_units_only(
    sip, bup_invitation, bup_clinician, primary_care, client_for
):
    """R-SIP-4: the invited unit itself is no choice to forward to (it gave a misleading
    "choose a unit" error, third exploratory review); the page names the SIP and leads back."""
    response = client_for(bup_clinician).get(_respond_url(bup_invitation))

    choices = response.context["form"].fields["forward_to"].queryset
    assert bup_invitation.unit_id not in {u.pk for u in choices}
    assert primary_care.pk in {u.pk for u in choices}
    html = response.content.decode()
    assert reverse("sip:invitation_inbox") in html
    assert sip.initiating_unit.name in html


def test_answering_an_invitation_twice_is_refused(
    sip, bup_invitation, bup_clinician, client_for, audit
):
    services.invitation_respond(user=bup_clinician, invitation=bup_invitation, response="accepted")
    audit.mark()

    response = client_for(bup_clinician).post(
        _respond_url(bup_invitation), {"response": "declined", "note": "Ångrar oss."}
    )

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    bup_invitation.refresh_from_db()
    assert bup_invitation.response == "accepted"
    assert AuditAction.UPDATE not in {e.action for e in audit.new()}


def test_a_declined_invitation_cannot_be_answered_again(
    sip, bup_invitation, bup_clinician, client_for, audit
):
    services.invitation_respond(user=bup_clinician, invitation=bup_invitation, response="declined")

    response = client_for(bup_clinician).post(
        _respond_url(bup_invitation), {"response": "accepted", "note": ""}
    )

    assert response.status_code == 404
    assert Invitation.objects.get(pk=bup_invitation.pk).response == "declined"
    assert _denied(audit.new()) == [("sip.invitation", str(bup_invitation.pk))]


def test_another_unit_cannot_answer_bups_invitation(
    sip, bup_invitation, primary_care, gbg_caseworker, client_for, audit
):
    for user in (member(primary_care, Role.CLINICIAN), gbg_caseworker):
        audit.mark()
        response = client_for(user).post(
            _respond_url(bup_invitation), {"response": "accepted", "note": ""}
        )

        assert response.status_code == 404
        assert _denied(audit.new()) == [("sip.invitation", str(bup_invitation.pk))]
    assert Invitation.objects.get(pk=bup_invitation.pk).response == "pending"


CHANGE_VIEWS = ["consent_create", "invitation_create", "meeting_create"]


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", [*CHANGE_VIEWS, "consent_revoke", "meeting_held"])
def test_an_invited_unit_sees_but_does_not_change_the_sip(
    sip, child, consents, meeting, bup_invitation, bup_clinician, client_for, audit, name, method
):
    """Invited units take part; the SIP is written by the units whose case it is. (They may
    start a SIP of their own: test_views, "any party may initiate".)"""
    services.invitation_respond(user=bup_clinician, invitation=bup_invitation, response="accepted")
    arg = {"consent_revoke": consents[0].pk, "meeting_held": meeting.pk}.get(name, sip.pk)
    client = client_for(bup_clinician)

    response = getattr(client, method)(reverse(f"sip:{name}", args=[arg]))

    assert response.status_code == 404
    assert len(_denied(audit.new())) == 1


@pytest.mark.parametrize("name", ["sip_detail", "sip_pdf", "plan_compare"])
def test_an_invited_unit_opens_the_sip_its_pdf_and_the_comparison(
    sip, bup_invitation, bup_clinician, client_for, name
):
    response = client_for(bup_clinician).get(reverse(f"sip:{name}", args=[sip.pk]))

    assert response.status_code == 200


# --- R-SIP-2: a revoked consent stops further sharing ---------------------------------------------


@pytest.fixture
def shared_with_bup(sip, consents, bup_invitation, bup_clinician):
    """Both guardians consented; BUP was invited and accepted."""
    services.invitation_respond(user=bup_clinician, invitation=bup_invitation, response="accepted")
    return sip


def _revoke(client, consent, *, effective_from=TODAY):
    return client.post(
        reverse("sip:consent_revoke", args=[consent.pk]),
        {
            "revoked_on": TODAY.isoformat(),
            "revoked_by_name": "Eva Göransson",
            "effective_from": effective_from.isoformat(),
        },
    )


def test_after_a_revocation_bup_loses_access_and_the_denials_are_audited(
    shared_with_bup, child, consents, bup, bup_clinician, gbg_caseworker, client_for, audit
):
    """R-SIP-2: after the revocation the parties it concerns lose access to the SIP (and to the
    child they saw through it); the denied requests are audited."""
    sip = shared_with_bup
    response = _revoke(client_for(gbg_caseworker), consents[0])
    assert response.status_code == 302
    assert list(ConsentRevocation.objects.get().units.all()) == [bup]

    bup_client = client_for(bup_clinician)
    sip_page = bup_client.get(_sip_url(sip))
    child_page = bup_client.get(_child_url(child))
    pdf = bup_client.get(reverse("sip:sip_pdf", args=[sip.pk]))

    assert (sip_page.status_code, child_page.status_code, pdf.status_code) == (404, 404, 404)
    events = audit.new()
    assert _denied(events) == [
        ("sip.sip", str(sip.pk)),
        ("placements.child", str(child.pk)),
        ("sip.sip", str(sip.pk)),
    ]
    assert {e.user for e in events} == {bup_clinician}
    inbox = bup_client.get(reverse("sip:invitation_inbox"))
    assert list(inbox.context["invitations"]) == []


def test_after_a_revocation_the_responsible_caseworker_still_sees_it_on_the_sip_page(
    shared_with_bup, consents, gbg_caseworker, client_for
):
    """R-SIP-2: the revocation is visible on the SIP page; history is kept."""
    client = client_for(gbg_caseworker)
    _revoke(client, consents[0])

    response = client.get(_sip_url(shared_with_bup))

    assert response.status_code == 200
    assert not response.context["consent_valid"]
    shown = {c.pk: getattr(c, "revocation", None) for c in response.context["sip"].consents.all()}
    assert shown[consents[0].pk].revoked_by_name == "Eva Göransson"
    assert shown[consents[1].pk] is None
    html = response.content.decode()
    assert "Eva Göransson" in html
    assert TODAY.isoformat() in html
    assert "BUP Göteborg" in html


def test_a_revocation_from_tomorrow_removes_access_tomorrow(
    shared_with_bup, consents, bup_clinician, gbg_caseworker, client_for, time_machine
):
    """R-SIP-2, one day either side of the effective date."""
    _revoke(client_for(gbg_caseworker), consents[0], effective_from=TODAY + timedelta(days=1))
    client = client_for(bup_clinician)

    assert client.get(_sip_url(shared_with_bup)).status_code == 200

    time_machine.move_to(at(TODAY + timedelta(days=1), 8), tick=False)
    client = client_for(bup_clinician)  # a new day, a new sign-in (sessions time out)
    assert client.get(_sip_url(shared_with_bup)).status_code == 404


def test_a_revocation_concerning_another_party_leaves_bups_access(
    sip,
    mother,
    father,
    give_consent,
    bup,
    bup_clinician,
    primary_care,
    invite,
    gbg_caseworker,
    client_for,
):
    invite(sip, bup, primary_care)
    consent = give_consent(sip, mother, scope_units=[primary_care])
    give_consent(sip, father)
    nurse = member(primary_care, Role.CLINICIAN)

    _revoke(client_for(gbg_caseworker), consent)

    assert client_for(bup_clinician).get(_sip_url(sip)).status_code == 200
    assert client_for(nurse).get(_sip_url(sip)).status_code == 404


def test_the_initiating_unit_keeps_access_after_a_revocation(
    shared_with_bup, consents, gbg_caseworker, gbg_manager, client_for
):
    _revoke(client_for(gbg_caseworker), consents[0])

    for user in (gbg_caseworker, gbg_manager):
        assert client_for(user).get(_sip_url(shared_with_bup)).status_code == 200


# --- cross-organisation matrix --------------------------------------------------------------------

# (route name, which Göteborg object its argument is)
OBJECT_VIEWS = [
    ("sip_create", "child"),
    ("sip_detail", "sip"),
    ("sip_pdf", "sip"),
    ("consent_create", "sip"),
    ("consent_revoke", "consent"),
    ("invitation_create", "sip"),
    ("invitation_respond", "invitation"),
    ("meeting_create", "sip"),
    ("meeting_held", "meeting"),
    ("plan_compare", "sip"),
]

OBJECT_TYPES = {
    "child": "placements.child",
    "sip": "sip.sip",
    "consent": "sip.consent",
    "invitation": "sip.invitation",
    "meeting": "sip.sipmeeting",
}

OUTSIDERS = [
    ("mdl_social", Role.CASEWORKER),
    ("mdl_social", Role.MANAGER),
    ("bup", Role.CLINICIAN),  # BUP not invited: the invitation went to primary care
    ("mdl_social", Role.ADMINISTRATOR),
]

POST_DATA = {
    "need_noticed_on": "2026-05-15",
    "initiating_unit": "",
    "given_by_kind": "young_person",
    "form": "oral",
    "given_on": "2026-05-15",
    "scope": "Allt.",
    "revoked_on": "2026-05-15",
    "revoked_by_name": "Någon",
    "effective_from": "2026-05-15",
    "external_name": "Någon utomstående",
    "invited_on": "2026-05-15",
    "response": "accepted",
    "note": "",
    "kind": "follow_up",
    "scheduled_on": "2026-05-20",
    "place": "Annanstans",
    "started_at": "2026-05-15T08:00",
    "ended_at": "2026-05-15T09:00",
    "individual_offered_on": "2026-05-10",
    "needs": "Ändrat.",
    "p-TOTAL_FORMS": "0",
    "p-INITIAL_FORMS": "0",
    "i-TOTAL_FORMS": "0",
    "i-INITIAL_FORMS": "0",
}

MODELS = [Sip, Consent, ConsentRevocation, Invitation, SipMeeting, PlanVersion]


def test_the_matrix_covers_every_sip_view_with_an_object():
    """A new SIP view taking an object's id must join the matrix."""
    with_object = {p.name for p in sip_urls.urlpatterns if p.pattern.converters}

    assert with_object == {name for name, _ in OBJECT_VIEWS}


@pytest.fixture
def gbg_objects(child, sip, consents, meeting, invite, primary_care):
    [invitation] = invite(sip, primary_care)
    return {
        "child": child,
        "sip": sip,
        "consent": consents[0],
        "invitation": invitation,
        "meeting": meeting,
    }


def _snapshot() -> dict[str, list[dict]]:
    return {m.__name__: list(m.objects.order_by("pk").values()) for m in MODELS}


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(("unit_fixture", "role"), OUTSIDERS, ids=lambda v: str(v))
@pytest.mark.parametrize("view", OBJECT_VIEWS, ids=lambda v: v[0])
def test_other_organisations_get_404_and_one_denied_audit_row(
    request, client_for, gbg_objects, audit, view, unit_fixture, role, method
):
    outsider = member(request.getfixturevalue(unit_fixture), role)
    client = client_for(outsider)
    name, kind = view
    obj = gbg_objects[kind]
    before = _snapshot()

    response = getattr(client, method)(
        reverse(f"sip:{name}", args=[obj.pk]), POST_DATA if method == "post" else None
    )

    assert response.status_code == 404
    [event] = audit.new()
    assert event.action == AuditAction.DENIED
    assert event.user == outsider
    assert (event.object_type, event.object_id) == (OBJECT_TYPES[kind], str(obj.pk))
    assert _snapshot() == before


@pytest.mark.parametrize(
    "view", [v for v in OBJECT_VIEWS if v[0] != "invitation_respond"], ids=lambda v: v[0]
)
def test_goteborg_caseworker_opens_every_view(client_for, gbg_objects, gbg_caseworker, audit, view):
    name, kind = view

    response = client_for(gbg_caseworker).get(reverse(f"sip:{name}", args=[gbg_objects[kind].pk]))

    assert response.status_code == 200
    assert AuditAction.DENIED not in {e.action for e in audit.new()}


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(
    "view",
    [v for v in OBJECT_VIEWS if v[0] not in ("sip_detail", "sip_pdf", "plan_compare")],
    ids=lambda v: v[0],
)
def test_goteborg_clinician_sees_the_sip_but_does_not_change_it(
    client_for, gbg_objects, gbg_social, audit, view, method
):
    """CHANGE needs a caseworker or manager of the case; answering needs the invited unit."""
    clinician = member(gbg_social, Role.CLINICIAN)
    client = client_for(clinician)
    name, kind = view
    before = _snapshot()

    response = getattr(client, method)(
        reverse(f"sip:{name}", args=[gbg_objects[kind].pk]),
        POST_DATA if method == "post" else None,
    )

    assert response.status_code == 404
    assert [e.action for e in audit.new()] == [AuditAction.DENIED]
    assert _snapshot() == before
    assert client.get(_sip_url(gbg_objects["sip"])).status_code == 200


def test_a_user_without_membership_sees_no_sip(sip, client_for, audit):
    nobody = UserFactory()

    response = client_for(nobody).get(_sip_url(sip))

    assert response.status_code == 404
    assert _denied(audit.new()) == [("sip.sip", str(sip.pk))]
