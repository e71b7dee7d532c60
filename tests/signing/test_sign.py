"""agreements.signatures: R-MEET-3 signing and declining through the services, the chain of
incrementally signed documents, and R-PLAC-2 becoming real (issue 6)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from agreements import services as agreement_services
from agreements import signatures
from agreements.models import AgreementVersion, DeclineRecord, Signature, SignedDocument
from agreements.services import annual_amount
from agreements.signing.pades import sha256, verify
from core.models import AuditAction, AuditEvent
from domain.errors import RuleViolation
from organisations.models import Role
from placements.models import Placement
from placements.services import placement_transition
from tests.factories import FinancialMandateFactory, member
from tests.signing.conftest import NOW, TODAY

pytestmark = pytest.mark.django_db


def assert_nothing_signed(version: AgreementVersion, *, status: str) -> None:
    """No signature, no document, and the version's status as it was."""
    assert not Signature.objects.filter(version=version).exists()
    assert not SignedDocument.objects.filter(version=version).exists()
    version.refresh_from_db()
    assert version.status == status
    assert version.signed_at is None


@pytest.fixture
def signatory(gbg_social):
    """``signatory(principal, **mandate)``: a new Göteborg manager with one mandate."""

    def _make(principal, **mandate):
        user = member(gbg_social, Role.MANAGER, email=f"chef{principal.pk}@gbg.example")
        FinancialMandateFactory(user=user, principal=principal, **mandate)
        return user

    return _make


# Refusals: each with a message, and nothing signed.


def test_a_mandate_that_expired_yesterday_is_refused(awaiting, sign, signatory, goteborg):
    expired = signatory(goteborg, valid_until=TODAY - timedelta(days=1))

    with pytest.raises(RuleViolation) as refused:
        sign(expired, awaiting, goteborg)

    assert refused.value.message == "You have no financial mandate for this principal valid today."
    assert_nothing_signed(awaiting, status="awaiting_signatures")


def test_the_principals_a_user_may_sign_for_follow_the_mandates_last_day(
    awaiting, signatory, goteborg
):
    until_today = signatory(goteborg, valid_until=TODAY)
    assert signatures.signable_principals(until_today, awaiting, on=TODAY) == [goteborg]
    assert signatures.signable_principals(until_today, awaiting, on=TODAY + timedelta(1)) == []


def test_a_mandate_for_the_wrong_principal_is_refused(awaiting, sign, signatory, goteborg, molndal):
    molndal_signatory = signatory(molndal)

    with pytest.raises(RuleViolation, match="no financial mandate"):
        sign(molndal_signatory, awaiting, goteborg)
    with pytest.raises(RuleViolation, match="not a party"):
        sign(molndal_signatory, awaiting, molndal)

    assert_nothing_signed(awaiting, status="awaiting_signatures")


def test_an_annual_amount_one_ore_over_the_mandates_limit_is_refused(
    awaiting, sign, signatory, goteborg
):
    amount = annual_amount(awaiting, goteborg, rule_set=goteborg.rule_set)
    too_small = signatory(goteborg, annual_limit=amount - Decimal("0.01"))

    with pytest.raises(RuleViolation) as refused:
        sign(too_small, awaiting, goteborg)

    assert refused.value.message == (
        "The agreement's annual amount for the principal exceeds your mandate."
    )
    assert_nothing_signed(awaiting, status="awaiting_signatures")


def test_an_annual_amount_equal_to_the_mandates_limit_signs(awaiting, sign, signatory, goteborg):
    amount = annual_amount(awaiting, goteborg, rule_set=goteborg.rule_set)
    just_enough = signatory(goteborg, annual_limit=amount)

    signature = sign(just_enough, awaiting, goteborg)

    assert signature.principal == goteborg
    assert signature.user == just_enough


@pytest.mark.parametrize(
    "confirmed_ago",
    [None, timedelta(minutes=5, seconds=1)],
    ids=["no-second-factor", "five-minutes-and-a-second-ago"],
)
def test_signing_without_a_recent_second_factor_is_refused(
    awaiting, sign, municipal_signatory, goteborg, confirmed_ago
):
    confirmed_at = None if confirmed_ago is None else NOW - confirmed_ago

    with pytest.raises(RuleViolation) as refused:
        sign(municipal_signatory, awaiting, goteborg, second_factor_at=confirmed_at)

    assert refused.value.rule == "STEP-UP"
    assert refused.value.field == "token"
    assert_nothing_signed(awaiting, status="awaiting_signatures")


def test_a_second_factor_exactly_five_minutes_old_signs(
    awaiting, sign, municipal_signatory, goteborg
):
    signature = sign(
        municipal_signatory, awaiting, goteborg, second_factor_at=NOW - timedelta(minutes=5)
    )

    assert signature.second_factor_at == NOW - timedelta(minutes=5)
    assert signature.authentication == "password+totp"


def test_the_region_signing_before_the_placing_municipality_is_refused(
    awaiting, sign, region_signatory, region
):
    with pytest.raises(RuleViolation) as refused:
        sign(region_signatory, awaiting, region)

    assert refused.value.message == (
        "The placing principal signs first; the other principal countersigns."
    )
    assert_nothing_signed(awaiting, status="awaiting_signatures")


def test_with_signing_order_any_the_region_may_sign_first(
    settings, awaiting, sign, region_signatory, region
):
    settings.SIGNING_ORDER = "any"

    signature = sign(region_signatory, awaiting, region)

    assert signature.sequence == 1
    assert signatures.signing_plan(awaiting) == [awaiting.agreement.municipality, region]


def test_the_same_principal_signing_twice_is_refused(
    awaiting, sign, municipal_signatory, signatory, goteborg
):
    sign(municipal_signatory, awaiting, goteborg)
    colleague = signatory(goteborg)

    for user in (municipal_signatory, colleague):
        with pytest.raises(RuleViolation, match="already signed for this principal"):
            sign(user, awaiting, goteborg)

    assert Signature.objects.filter(version=awaiting).count() == 1
    assert SignedDocument.objects.filter(version=awaiting).count() == 2  # rendered + signed
    awaiting.refresh_from_db()
    assert awaiting.status == "awaiting_signatures"


def test_signing_a_draft_is_refused(draft, sign, municipal_signatory, goteborg):
    with pytest.raises(RuleViolation) as refused:
        sign(municipal_signatory, draft, goteborg)

    assert refused.value.message == "The agreement is not awaiting signatures."
    assert_nothing_signed(draft, status="draft")


def test_signing_a_signed_version_again_is_refused(signed, sign, municipal_signatory, goteborg):
    with pytest.raises(RuleViolation, match="not awaiting signatures"):
        sign(municipal_signatory, signed, goteborg)

    assert Signature.objects.filter(version=signed).count() == 2


# Both sign: the chain of documents and the version in force.


def test_both_signatures_make_one_chain_of_documents_sealed_by_a_timestamp(
    signed, municipal_signatory, region_signatory, goteborg, region
):
    documents = list(signed.documents.order_by("revision"))
    sigs = list(signed.signatures.order_by("sequence"))

    assert [d.revision for d in documents] == [0, 1, 2, 3]
    assert [d.is_final for d in documents] == [False, False, False, True]
    assert all(d.signing_round == 1 for d in documents)
    for earlier, later in zip(documents, documents[1:], strict=False):
        assert bytes(later.pdf).startswith(bytes(earlier.pdf))  # incremental, never rewritten
    assert all(d.sha256 == sha256(bytes(d.pdf)) for d in documents)
    assert [(s.sequence, s.principal, s.user) for s in sigs] == [
        (1, goteborg, municipal_signatory),
        (2, region, region_signatory),
    ]
    assert [s.document.revision for s in sigs] == [1, 2]
    assert signatures.final_document(signed) == documents[-1]
    assert signatures.known_hashes() == {documents[-1].sha256}
    assert verify(bytes(documents[-1].pdf), known_hashes=signatures.known_hashes()).valid


def test_when_both_have_signed_the_version_is_in_force_from_the_planned_start(signed):
    assert signed.status == "signed"
    assert signed.signed_at == NOW
    assert signed.effective_from == date(2026, 6, 1)
    assert signed.review_on is not None
    assert signed.review_on > signed.effective_from
    actions = list(
        AuditEvent.objects.filter(
            object_type="agreements.agreementversion",
            object_id=str(signed.pk),
            action__in=[AuditAction.SIGN, AuditAction.TRANSITION],
        )
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions[-3:] == [AuditAction.SIGN, AuditAction.SIGN, AuditAction.TRANSITION]


def test_a_new_signed_version_supersedes_the_previous_one(
    signed, sign, gbg_caseworker, municipal_signatory, region_signatory, goteborg, region
):
    new = agreement_services.agreement_new_version(user=gbg_caseworker, agreement=signed.agreement)
    new.effective_from = date(2026, 9, 1)
    new.save(update_fields=["effective_from"])
    new = agreement_services.agreement_send_for_signature(user=gbg_caseworker, version=new)

    sign(municipal_signatory, new, goteborg)
    sign(region_signatory, new, region)

    signed.refresh_from_db()
    new.refresh_from_db()
    assert (new.status, new.effective_from) == ("signed", date(2026, 9, 1))
    assert (signed.status, signed.effective_until) == ("superseded", date(2026, 8, 31))
    # The superseded version's signed document stays as it was.
    assert signatures.final_document(signed).revision == 3


# Declining.


def test_a_decline_with_a_reason_returns_the_version_to_draft_and_keeps_the_reason(
    awaiting, sign, municipal_signatory, region_signatory, goteborg, region
):
    sign(municipal_signatory, awaiting, goteborg)

    record = signatures.agreement_decline(
        user=region_signatory,
        version=awaiting,
        principal=region,
        reason="BUP:s kostnad per månad stämmer inte.",
    )

    awaiting.refresh_from_db()
    assert awaiting.status == "draft"
    assert DeclineRecord.objects.get(version=awaiting) == record
    assert (record.principal, record.user, record.reason) == (
        region,
        region_signatory,
        "BUP:s kostnad per månad stämmer inte.",
    )
    assert AuditEvent.objects.filter(
        action=AuditAction.DECLINE, object_id=str(awaiting.pk)
    ).exists()
    # The round's signature stays in the history; nothing was sealed.
    assert Signature.objects.filter(version=awaiting).count() == 1
    assert signatures.final_document(awaiting) is None


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_decline_without_a_reason_is_refused(awaiting, region_signatory, region, reason):
    with pytest.raises(RuleViolation) as refused:
        signatures.agreement_decline(
            user=region_signatory, version=awaiting, principal=region, reason=reason
        )

    assert refused.value.field == "reason"
    assert not DeclineRecord.objects.exists()
    awaiting.refresh_from_db()
    assert awaiting.status == "awaiting_signatures"


def test_a_decline_without_a_mandate_is_refused(awaiting, gbg_caseworker, goteborg):
    with pytest.raises(RuleViolation, match="no financial mandate"):
        signatures.agreement_decline(
            user=gbg_caseworker, version=awaiting, principal=goteborg, reason="Nej."
        )

    assert not DeclineRecord.objects.exists()


def test_r_meet_3_declining_for_a_principal_that_is_not_a_party_is_refused_like_signing(
    awaiting, sign, signatory, molndal
):
    """R-MEET-3: a valid mandate for Mölndal gives no say over Göteborg's agreement, neither to
    sign nor to decline it (domain.signing.check_party)."""
    molndal_signatory = signatory(molndal)

    with pytest.raises(RuleViolation) as declined:
        signatures.agreement_decline(
            user=molndal_signatory, version=awaiting, principal=molndal, reason="Fel kommun."
        )
    with pytest.raises(RuleViolation) as signed:
        sign(molndal_signatory, awaiting, molndal)

    assert declined.value.rule == signed.value.rule == "R-MEET-3"
    assert (
        declined.value.message
        == signed.value.message
        == ("The principal is not a party to the agreement.")
    )
    assert not DeclineRecord.objects.exists()
    assert_nothing_signed(awaiting, status="awaiting_signatures")


def test_after_a_decline_and_a_new_sending_a_new_round_is_signed_fully(
    awaiting, sign, gbg_caseworker, municipal_signatory, region_signatory, goteborg, region
):
    first = sign(municipal_signatory, awaiting, goteborg)
    signatures.agreement_decline(
        user=region_signatory, version=awaiting, principal=region, reason="Fel belopp."
    )
    awaiting.refresh_from_db()
    again = agreement_services.agreement_send_for_signature(user=gbg_caseworker, version=awaiting)
    assert again.signing_round == 2
    assert signatures.signable_principals(municipal_signatory, again, on=TODAY) == [goteborg]

    second = sign(municipal_signatory, again, goteborg)
    third = sign(region_signatory, again, region)

    again.refresh_from_db()
    assert again.status == "signed"
    assert (first.signing_round, first.sequence) == (1, 1)
    assert [(s.signing_round, s.sequence) for s in (second, third)] == [(2, 1), (2, 2)]
    final = signatures.final_document(again)
    assert final.signing_round == 2
    round_two = list(again.documents.filter(signing_round=2).order_by("revision"))
    # Round two signs a new rendering, not the document of the declined round.
    assert not bytes(round_two[0].pdf).startswith(bytes(first.document.pdf))
    assert bytes(final.pdf).startswith(bytes(round_two[0].pdf))
    result = verify(bytes(final.pdf), known_hashes=signatures.known_hashes())
    assert result.valid, result.reasons
    assert len(result.signatures) == 2


# R-PLAC-2: a planned placement starts only when both principals have signed.


def test_a_planned_placement_becomes_active_only_when_both_principals_have_signed(
    awaiting, sign, gbg_caseworker, municipal_signatory, region_signatory, goteborg, region
):
    placement = awaiting.agreement.placement
    start = date(2026, 6, 1)

    def activate():
        return placement_transition(
            user=gbg_caseworker, placement=placement, target="active", on=start
        )

    with pytest.raises(RuleViolation) as refused:
        activate()
    assert refused.value.rule == "R-PLAC-2"

    sign(municipal_signatory, awaiting, goteborg)
    with pytest.raises(RuleViolation, match="signed by both principals"):
        activate()
    placement.refresh_from_db()
    assert placement.status == Placement.Status.PLANNED

    sign(region_signatory, awaiting, region)
    active = activate()

    assert active.status == Placement.Status.ACTIVE
    assert active.actual_start == start


def test_signing_uses_the_clock_when_no_time_is_given(awaiting, municipal_signatory, goteborg):
    signature = signatures.agreement_sign(
        user=municipal_signatory,
        version=awaiting,
        principal=goteborg,
        second_factor_at=timezone.now(),
    )

    assert signature.signed_at == NOW
