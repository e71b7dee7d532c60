"""Demo deviations for `manage.py seed_demo` (R-DEV-1; idempotent, dates relative to today).

Six deviations in Göteborgsregionen, so that every page has something to show: one overdue and
unanswered, one received, one answered and one closed locally, one passed to Göteborgsregionen's
sub-regional cooperation and one to the regional level (LiSA). Fyrbodal has none: its body's
member sees nothing of Göteborgsregionen's.
"""

from __future__ import annotations

from datetime import date, timedelta

from organisations.demo import REGION
from organisations.models import CooperationBody, Principal, Unit, User
from placements.models import Placement

from . import services
from .models import Deviation


def _user(email: str) -> User:
    return User.objects.get(email=email)


def _unit(principal: str, name: str) -> Unit:
    return Unit.objects.get(principal__name=principal, name=name)


def seed_deviations(*, today: date) -> None:
    if Deviation.objects.exists():
        return
    caseworker = _user("handlaggare.goteborg@demo.example")
    mdl_caseworker = _user("handlaggare.molndal@demo.example")
    clinician = _user("bup@demo.example")
    gp = _user("vardcentral@demo.example")
    gbg_social = _unit("Göteborg", "Socialtjänsten Göteborg")
    mdl_social = _unit("Mölndal", "Socialtjänsten Mölndal")
    bup = _unit(REGION, "BUP Göteborg")
    primary_care = _unit(REGION, "Vårdcentralen Majorna")
    goteborg = Principal.objects.get(name="Göteborg")
    placement = (
        Placement.objects.filter(placing_unit=gbg_social, child__protected_identity=False)
        .order_by("pk")
        .first()
    )
    gr_member = (
        User.objects.filter(
            cooperation_memberships__body__in=CooperationBody.objects.filter(
                sub_region__name="Göteborgsregionen"
            )
        )
        .order_by("pk")
        .first()
    )

    def data(**values: object) -> services.DeviationData:
        values.setdefault("occurred_on", today - timedelta(days=90))
        return services.DeviationData(**values)  # type: ignore[arg-type]

    # Unanswered past its deadline: the area's days have run out.
    services.report_deviation(
        user=caseworker,
        unit=gbg_social,
        today=today - timedelta(days=25),
        data=data(
            category="sip_not_in_time",
            agreed="BUP kallas till SIP-möte inom tre veckor (R-SIP-1).",
            happened="BUP kom inte till SIP-mötet och har inte hört av sig.",
            receiving_unit_id=bup.pk,
            placement_id=placement.pk if placement else None,
        ),
    )
    # Received by Göteborg, to be answered.
    received = services.report_deviation(
        user=clinician,
        unit=bup,
        today=today - timedelta(days=5),
        data=data(
            category="information_not_shared",
            agreed="Socialtjänsten informerar BUP när placeringen ändras.",
            happened="BUP fick veta om flytten till nytt HVB först i efterhand.",
            receiving_principal_id=goteborg.pk,
        ),
    )
    services.deviation_step(
        user=caseworker, deviation=received, action="receive", today=today - timedelta(days=4)
    )
    # Answered by the vårdcentral: Göteborg closes it, or passes it on.
    answered = services.report_deviation(
        user=caseworker,
        unit=gbg_social,
        today=today - timedelta(days=12),
        data=data(
            category="health_exam_not_provided",
            agreed="Vårdcentralen erbjuder tid för hälsoundersökning inom fyra veckor.",
            happened="Ingen tid erbjuden efter sex veckor.",
            receiving_unit_id=primary_care.pk,
        ),
    )
    for action, text, days in (
        ("receive", "", 10),
        ("answer", "Remissen hade fastnat. Tid är nu bokad.", 8),
    ):
        answered = services.deviation_step(
            user=gp,
            deviation=answered,
            action=action,
            text=text,
            today=today - timedelta(days=days),
        )
    # Closed locally with an outcome.
    closed = services.report_deviation(
        user=mdl_caseworker,
        unit=mdl_social,
        today=today - timedelta(days=40),
        data=data(
            category="cost_not_paid",
            agreed="Regionen betalar en tredjedel av dygnskostnaden (schablon).",
            happened="Fakturan för mars betalades inte.",
            receiving_unit_id=bup.pk,
        ),
    )
    for user, action, text, days in (
        (clinician, "receive", "", 38),
        (clinician, "answer", "Fakturan var felkonterad.", 35),
        (mdl_caseworker, "close", "Fakturan betald. Rutin för kontering ses över.", 30),
    ):
        closed = services.deviation_step(
            user=user,
            deviation=closed,
            action=action,
            text=text,
            today=today - timedelta(days=days),
        )
    # Passed to Göteborgsregionen's sub-regional cooperation.
    escalated = services.report_deviation(
        user=mdl_caseworker,
        unit=mdl_social,
        today=today - timedelta(days=20),
        data=data(
            category="agreement_not_followed",
            agreed="Kostnadsfördelningen följer den undertecknade överenskommelsen.",
            happened="Regionen vill inte följa fördelningen utan ny överenskommelse.",
            receiving_unit_id=bup.pk,
        ),
    )
    escalated = services.deviation_step(
        user=mdl_caseworker,
        deviation=escalated,
        action="escalate",
        text="Inte löst lokalt efter två möten.",
        today=today - timedelta(days=6),
    )
    # Passed on from the sub-regional to the regional level (LiSA).
    regional = services.report_deviation(
        user=caseworker,
        unit=gbg_social,
        today=today - timedelta(days=60),
        data=data(
            category="intervention_not_provided",
            agreed="BUP ger behandling på HVB-hemmet enligt SIP.",
            happened="Behandlingen har inte kommit i gång på grund av resursbrist.",
            receiving_unit_id=bup.pk,
        ),
    )
    regional = services.deviation_step(
        user=caseworker,
        deviation=regional,
        action="escalate",
        text="Samma brist i flera ärenden.",
        today=today - timedelta(days=45),
    )
    if gr_member is not None:
        services.deviation_step(
            user=gr_member,
            deviation=regional,
            action="escalate",
            text="Systembrist: resurser för behandling på HVB saknas i hela delregionen.",
            today=today - timedelta(days=20),
        )
