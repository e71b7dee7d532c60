"""Signing and declining an agreement version (R-MEET-3, R-PLAC-2), one transaction each.

The version row is locked (select_for_update), so two signatories signing at the same moment
land one after the other in one chain of incremental signatures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from core.audit import audit_record
from core.formats import format_datetime
from core.models import AuditAction
from domain import agreements as rules
from domain import mandates as mandate_rules
from domain import signing as signing_rules
from domain.agreements import MONTHS_PER_YEAR
from domain.errors import RuleViolation
from domain.i18n import gettext_noop as _
from organisations.models import FinancialMandate, Principal, User

from .documents import mandate_text, render_agreement_pdf
from .models import AgreementVersion, DeclineRecord, Signature, SignedDocument
from .services import annual_amount, review_on_for
from .signing.backends import get_backend
from .signing.pades import add_document_timestamp, sha256, sign_increment


def _order(version: AgreementVersion) -> list[int]:
    agreement = version.agreement
    placing = agreement.placement.placing_principal_id
    other = (
        agreement.region_id if placing == agreement.municipality_id else agreement.municipality_id
    )
    return signing_rules.signing_order(
        placing_principal_id=placing, other_principal_id=other, order=settings.SIGNING_ORDER
    )


def signing_plan(version: AgreementVersion) -> list[Principal]:
    agreement = version.agreement
    order = _order(version) or [agreement.municipality_id, agreement.region_id]
    by_id = {
        agreement.municipality_id: agreement.municipality,
        agreement.region_id: agreement.region,
    }
    return [by_id[pk] for pk in order]


@dataclass(frozen=True)
class SigningStep:
    """One principal's place in the signing of a version: its signature in the current round
    (None while unsigned) and whether its signature is the one awaited now."""

    position: int
    principal: Principal
    signature: Signature | None
    awaited: bool


def _current_signatures(version: AgreementVersion) -> dict[int, Signature]:
    # version.signatures.all(): a prefetched list costs no query.
    return {
        s.principal_id: s
        for s in version.signatures.all()
        if s.signing_round == version.signing_round
    }


def signing_steps(version: AgreementVersion) -> list[SigningStep]:
    """The signing order of the version with each party's status (R-MEET-3): who has signed,
    whose signature is awaited now. Shown to every party, on the signing page and the start
    page."""
    agreement = version.agreement
    signed = _current_signatures(version)
    awaiting = version.status == rules.AgreementStatus.AWAITING_SIGNATURES
    awaited = (
        signing_rules.awaited_principals(
            order=_order(version),
            party_ids=agreement.principal_ids,
            signed_principal_ids=list(signed),
        )
        if awaiting
        else []
    )
    return [
        SigningStep(
            position=index,
            principal=principal,
            signature=signed.get(principal.pk),
            awaited=principal.pk in awaited,
        )
        for index, principal in enumerate(signing_plan(version), start=1)
    ]


@dataclass(frozen=True)
class AwaitedVersion:
    """A version awaiting signatures, seen by a signatory of one of its parties: ``mine`` the
    principals the user may sign for now, ``awaited`` the steps whose signature is awaited."""

    version: AgreementVersion
    mine: list[Principal]
    steps: list[SigningStep]

    @property
    def awaited(self) -> list[SigningStep]:
        return [step for step in self.steps if step.awaited]


def signatures_awaited(
    user: User, *, on: date
) -> tuple[list[AwaitedVersion], list[AwaitedVersion]]:
    """The versions awaiting ``user``'s signature as mandate holder, and those of the user's
        principals awaiting the other party's. Three queries whatever the number of versions (one
    without a mandate)."""
    from core.policy import visible

    from .policy import SIGN

    if not user.is_authenticated:
        return [], []
    from django.utils import timezone

    mandate_ids = mandate_principal_ids(user, on=on)
    today = timezone.localdate()
    # The SIGN scope is the agreements of the principals the user holds a mandate for today
    # (agreements.policy): without one it is empty, and the scope's query is not needed
    # (issue 13: most people on the start page hold no mandate).
    if not (mandate_ids if on == today else mandate_principal_ids(user, on=today)):
        return [], []
    versions = list(
        visible(user, AgreementVersion, SIGN)
        .filter(status=rules.AgreementStatus.AWAITING_SIGNATURES)
        .select_related(
            "agreement__placement__child", "agreement__municipality", "agreement__region"
        )
        .prefetch_related("signatures")
        .order_by("sent_at", "pk")
    )
    if not versions:
        return [], []
    mine: list[AwaitedVersion] = []
    others: list[AwaitedVersion] = []
    for version in versions:
        principals = signable_principals(user, version, on=on, mandate_ids=mandate_ids)
        item = AwaitedVersion(version=version, mine=principals, steps=signing_steps(version))
        (mine if principals else others).append(item)
    return mine, others


@dataclass(frozen=True)
class PrincipalShare:
    principal: Principal
    per_month: Decimal
    per_year: Decimal


@dataclass(frozen=True)
class AgreementSummary:
    """What is signed, in short, for the signing page: the parties, each one's share of the
    cost in kronor, from when it applies and when it is reviewed jointly."""

    shares: list[PrincipalShare]
    effective_from: date | None
    effective_rule_settled: bool  # True: applies from the day both have signed
    review_on: date | None


def agreement_summary(version: AgreementVersion) -> AgreementSummary:
    agreement = version.agreement
    placement = agreement.placement
    rule_set = placement.child.home_municipality.rule_set_on(
        version.effective_from or placement.start_date
    )
    shares = []
    for principal in (agreement.municipality, agreement.region):
        per_year = annual_amount(version, principal, rule_set=rule_set)
        shares.append(
            PrincipalShare(
                principal=principal,
                per_month=(per_year / MONTHS_PER_YEAR).quantize(Decimal("0.01")),
                per_year=per_year,
            )
        )
    effective = version.effective_from
    review = version.review_on
    if review is None and effective is not None:
        review = review_on_for(version, effective=effective, rule_set=rule_set)
    return AgreementSummary(
        shares=shares,
        effective_from=effective,
        effective_rule_settled=effective is None,
        review_on=review,
    )


def principals_to_sign_for(user: User, version: AgreementVersion, *, on: date) -> list[Principal]:
    """R-MEET-3: the parties this user holds a financial mandate for, valid on the day
    (domain.mandates), that have not signed in this round — in signing order. Whether it is
    their turn is for the signing rule to say (``check_can_sign``)."""
    valid = mandate_rules.principals_with_valid_mandate(_mandates(user), on=on)
    signed = _current_signatures(version)
    return [p for p in signing_plan(version) if p.pk in valid and p.pk not in signed]


def _mandates(user: User) -> list[Any]:
    return [m.as_rule() for m in FinancialMandate.objects.filter(user=user)]


def _role_of(user: User, principal: Principal) -> str:
    """The signer's role in the signature: holder of a financial mandate for the principal
    (R-MEET-3) — that is what makes the signature bind the principal — with the title and the
    unit, if any. Not the membership role ("Vårdpersonal"): a clinician who signs for the
    region signs as its mandate holder. Swedish, as the signed document."""
    membership = user.memberships.filter(unit__principal=principal).select_related("unit").first()
    parts = [f"Ekonomiskt mandat för {principal.name}"]
    if user.title:
        parts.append(user.title)
    if membership is not None:
        parts.append(membership.unit.name)
    return ", ".join(parts)


def _mandate_used(
    user: User, principal: Principal, *, on: date, annual: Decimal
) -> FinancialMandate | None:
    """The financial mandate the signature rests on: valid on the day and large enough."""
    for mandate in (
        FinancialMandate.objects.filter(user=user, principal=principal)
        .valid_on(on)
        .select_related("principal")
        .order_by("annual_limit")
    ):
        if mandate_rules.mandate_covers(
            mandate.as_rule(), principal_id=principal.pk, on=on, annual_amount=annual
        ):
            return mandate
    return None


def mandate_principal_ids(user: User, *, on: Any) -> set[int]:
    return set(
        FinancialMandate.objects.filter(user=user)
        .valid_on(on)
        .values_list("principal_id", flat=True)
    )


def signable_principals(
    user: User, version: AgreementVersion, *, on: Any, mandate_ids: set[int] | None = None
) -> list[Principal]:
    """The parties this user may sign for now: a mandate valid today, not signed yet in this
    round, and their turn in the signing order. A list of versions passes ``mandate_ids``
    once and prefetches ``signatures``: then no query per version."""
    agreement = version.agreement
    signed = {
        s.principal_id for s in version.signatures.all() if s.signing_round == version.signing_round
    }
    if mandate_ids is None:
        mandate_ids = mandate_principal_ids(user, on=on)
    order = _order(version)

    def turn(pk: int) -> bool:
        return not order or all(p in signed for p in order[: order.index(pk)])

    return [
        p
        for p in (agreement.municipality, agreement.region)
        if p.pk in mandate_ids and p.pk not in signed and turn(p.pk)
    ]


@transaction.atomic
def agreement_sign(
    *,
    user: User,
    version: AgreementVersion,
    principal: Principal,
    second_factor_at: datetime | None,
    now: datetime | None = None,
) -> Signature:
    now = now or timezone.now()
    on = timezone.localdate(now)
    locked = (
        # of=("self",): PostgreSQL refuses FOR UPDATE on the nullable side of an outer join
        # (home_municipality.region is nullable); only the version row needs the lock.
        AgreementVersion.objects.select_for_update(of=("self",))
        .select_related("agreement__placement__child__home_municipality__region")
        .get(pk=version.pk)
    )
    if locked.status != rules.AgreementStatus.AWAITING_SIGNATURES:
        raise RuleViolation("R-MEET-3", _("The agreement is not awaiting signatures."))
    signing_rules.check_step_up(confirmed_at=second_factor_at, now=now)
    agreement = locked.agreement
    # The regional agreement in force when this version's split applies from (issue 11).
    rule_set = agreement.placement.child.home_municipality.rule_set_on(
        locked.effective_from or agreement.placement.start_date
    )
    current = locked.signing_round
    signed_ids = list(
        locked.signatures.filter(signing_round=current).values_list("principal_id", flat=True)
    )
    annual = annual_amount(locked, principal, rule_set=rule_set)
    signing_rules.check_can_sign(
        principal_id=principal.pk,
        party_ids=agreement.principal_ids,
        mandates=_mandates(user),
        annual_amount=annual,
        on=on,
        signed_principal_ids=signed_ids,
        order=_order(locked),
    )
    mandate = _mandate_used(user, principal, on=on, annual=annual)
    with translation.override(settings.LANGUAGE_CODE):
        mandate_said = mandate_text(mandate) if mandate is not None else ""
    revisions = locked.documents.order_by("-revision")
    last = revisions.filter(signing_round=current).first()
    if last is None:
        pdf, _content = render_agreement_pdf(locked, signing_plan=signing_plan(locked))
        previous = revisions.first()
        last = SignedDocument.objects.create(
            version=locked,
            revision=previous.revision + 1 if previous else 0,
            signing_round=current,
            pdf=pdf,
            sha256=sha256(pdf),
        )
    sequence = len(signed_ids) + 1
    role = _role_of(user, principal)
    name = user.get_full_name() or user.email
    stamp = (
        f"Signerat för {principal.name}\n{name}\n"
        f"{user.title + ', ' if user.title else ''}ekonomiskt mandat\n"
        f"{format_datetime(now)}\n(lösenord + engångskod)"
    )
    signed_pdf = sign_increment(
        bytes(last.pdf),
        signer=get_backend().signer_for(principal),
        field_name=f"Signatur{sequence}",
        slot=sequence - 1,
        stamp_text=stamp,
        reason=(
            f"Överenskommelse om kostnadsansvar, version {locked.number}: godkänd för "
            f"{principal.name} av {name} ({role}); {mandate_said}; "
            f"autentisering lösenord + TOTP {format_datetime(second_factor_at)}"
        ),
        signer_name=user.get_full_name() or user.email,
    )
    document = SignedDocument.objects.create(
        version=locked,
        revision=last.revision + 1,
        signing_round=current,
        pdf=signed_pdf,
        sha256=sha256(signed_pdf),
    )
    signature = Signature.objects.create(
        version=locked,
        principal=principal,
        user=user,
        role=role,
        signed_at=now,
        authentication="password+totp",
        second_factor_at=second_factor_at,
        document=document,
        signing_round=current,
        sequence=sequence,
    )
    audit_record(
        action=AuditAction.SIGN,
        user=user,
        obj=locked,
        details={
            "principal": principal.pk,
            "sequence": sequence,
            "round": current,
            "mandate": mandate_said,
            "sha256": document.sha256,
        },
    )
    if set(signed_ids + [principal.pk]) >= set(agreement.principal_ids):
        _complete(locked, document=document, now=now, rule_set=rule_set, user=user)
    return signature


def _complete(
    version: AgreementVersion, *, document: SignedDocument, now: datetime, rule_set: Any, user: User
) -> None:
    """Both signed: seal with a document timestamp; the version is in force from its date and
    replaces the previous one (R-COST-4); the split is settled (R-PLAC-3)."""
    sealed = add_document_timestamp(bytes(document.pdf))
    SignedDocument.objects.create(
        version=version,
        revision=document.revision + 1,
        signing_round=document.signing_round,
        pdf=sealed,
        sha256=sha256(sealed),
        is_final=True,
    )
    placement = version.agreement.placement
    on = timezone.localdate(now)
    effective = rules.effective_from(
        is_acute=placement.is_acute,
        placement_start=placement.actual_start or placement.planned_start,
        settled_on=on,
        applies_from_start=version.applies_from_start,
        stated_from=version.effective_from,
    )
    version.status = rules.AgreementStatus.SIGNED
    version.signed_at = now
    version.effective_from = effective
    version.review_on = review_on_for(version, effective=effective, rule_set=rule_set)
    version.save(update_fields=["status", "signed_at", "effective_from", "review_on"])
    for previous in version.agreement.versions.filter(status=rules.AgreementStatus.SIGNED).exclude(
        pk=version.pk
    ):
        rules.check_move(rules.AgreementStatus(previous.status), rules.AgreementStatus.SUPERSEDED)
        previous.status = rules.AgreementStatus.SUPERSEDED
        previous.effective_until = effective - timedelta(days=1)
        previous.save(update_fields=["status", "effective_until"])
        audit_record(
            action=AuditAction.TRANSITION,
            user=user,
            obj=previous,
            details={"status": ["signed", "superseded"], "by_version": version.number},
        )
    audit_record(
        action=AuditAction.TRANSITION,
        user=user,
        obj=version,
        details={
            "status": ["awaiting_signatures", "signed"],
            "effective_from": effective.isoformat(),
        },
    )


@transaction.atomic
def agreement_decline(
    *, user: User, version: AgreementVersion, principal: Principal, reason: str
) -> DeclineRecord:
    """A signatory declines: the version returns to draft with the reason kept. Signatures of
    this round stay in the history but count no more: the next round signs a new rendering."""
    locked = AgreementVersion.objects.select_for_update().get(pk=version.pk)
    if locked.status != rules.AgreementStatus.AWAITING_SIGNATURES:
        raise RuleViolation("R-MEET-3", _("The agreement is not awaiting signatures."))
    signing_rules.check_can_decline(
        principal_id=principal.pk,
        party_ids=locked.agreement.principal_ids,
        mandates=_mandates(user),
        on=timezone.localdate(),
        reason=reason,
    )
    rules.check_move(rules.AgreementStatus(locked.status), rules.AgreementStatus.DRAFT)
    record = DeclineRecord.objects.create(
        version=locked, principal=principal, user=user, reason=reason
    )
    locked.status = rules.AgreementStatus.DRAFT
    locked.save(update_fields=["status"])
    audit_record(
        action=AuditAction.DECLINE,
        user=user,
        obj=locked,
        details={"principal": principal.pk, "reason": reason},
    )
    return record


def final_document(version: AgreementVersion) -> SignedDocument | None:
    return version.documents.filter(is_final=True).first()


def known_hashes() -> set[str]:
    return set(SignedDocument.objects.filter(is_final=True).values_list("sha256", flat=True))
