"""What a principal's export holds: an ordered list of sections, one per model, each a queryset
over the principal's data (issue 15, "complete export per principal").

**Whose data.** The export is child-centric, as the access policy is (placements.policy:
"everything about a child is visible exactly when the child is"). The principal's children are

- the children of its municipality (home municipality), the children its units are responsible
  for and the children it placed (as ``placements.policy.own_children_q`` for its units);
- the children it has agreements with (either side), cost meetings with (a participant acting
  for it), and SIPs with (initiated by one of its units or inviting one);
- the children its deviations name (a deviation it reported or received).

Everything about those children is exported: their guardians, placements, health examinations,
follow-ups, SIPs with consents, invitations, meetings and plan versions, cost meetings,
agreements with versions, lines, reviews, declines, signatures and every signed PDF revision,
disputes about the agreements, and their deadlines. Then the deviations it reported or received, and the audit rows about its
staff and data (the log review's scope, dashboard.logreview, widened to every exported child).

**The organisations and people rows refer to.** All principals, sub-regions and units (the
directory every signed-in member sees; no personal data). The principal's own people (members
of its units, users whose home principal it is), their memberships in its units and its
financial mandates; other people only where an exported row names them (a caseworker of another
municipality, the region's signatory, someone who opened one of its children's records), without
their memberships elsewhere. Passwords are not exported (a restored user sets a new one), nor
superuser status, second factors, calendar tokens, reminder settings, sessions or permission
groups.

Sections are in dependency order (a row's foreign keys point to rows of earlier sections, apart
from a few cycles the database checks at commit). A model of an app that is not installed
(``deviations`` while it is written) is skipped, so the list can name it already.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Q, QuerySet

from organisations.models import Principal

ScopeQueryset = Callable[["PrincipalScope"], QuerySet[Any]]

# Fields never written to the JSON Lines files: the PDF bytes are files of their own.
BINARY_AS_FILE = {"agreements.signeddocument": "pdf"}


def _no_password() -> str:
    from django.contrib.auth.hashers import make_password

    return make_password(None)


# Values replaced on the way out: a password hash stays in its installation (a restored user
# sets a new password), and superuser status is the receiving installation's to give.
REPLACED_FIELDS: dict[str, dict[str, Callable[[], Any]]] = {
    "organisations.user": {"password": _no_password, "is_superuser": lambda: False},
}


@dataclass(frozen=True)
class Section:
    """One file of the export: ``<label>.jsonl`` with the rows of ``queryset(scope)``."""

    label: str  # "app_label.model_name", the auto-created many-to-many tables too
    queryset: ScopeQueryset

    @property
    def model(self) -> type[models.Model]:
        return model_for_label(self.label)

    @property
    def filename(self) -> str:
        return f"{self.label}.jsonl"


def model_for_label(label: str) -> type[models.Model]:
    """The model of a label, the auto-created many-to-many tables ("sip.sip_placements") too."""
    app_label, model_name = label.split(".")
    return apps.get_model(app_label, model_name)


def _installed(label: str) -> bool:
    try:
        model_for_label(label)
    except LookupError:
        return False
    return True


class PrincipalScope:
    """The querysets of one principal's data; every one lazy, so each section is one query."""

    def __init__(self, principal: Principal) -> None:
        self.principal = principal
        self.pk = principal.pk

    def _model(self, label: str) -> models.Manager[Any]:
        return model_for_label(label)._default_manager

    def children(self) -> QuerySet[Any]:
        Child = self._model("placements.child")  # noqa: N806 - a model
        Placement = self._model("placements.placement")  # noqa: N806
        Sip = self._model("sip.sip")  # noqa: N806
        Agreement = self._model("agreements.agreement")  # noqa: N806
        Participant = self._model("agreements.costmeetingparticipant")  # noqa: N806
        pk = self.pk
        q = Q(home_municipality_id=pk) | Q(responsible_unit__principal_id=pk)
        q |= Q(
            pk__in=Placement.filter(
                Q(placing_principal_id=pk) | Q(placing_unit__principal_id=pk)
            ).values("child_id")
        )
        q |= Q(
            pk__in=Agreement.filter(Q(municipality_id=pk) | Q(region_id=pk)).values(
                "placement__child_id"
            )
        )
        q |= Q(pk__in=Participant.filter(principal_id=pk).values("meeting__placement__child_id"))
        q |= Q(
            pk__in=Sip.filter(
                Q(initiating_unit__principal_id=pk) | Q(invitations__unit__principal_id=pk)
            ).values("child_id")
        )
        if _installed("deviations.deviation"):
            deviations = self.deviations()
            q |= Q(pk__in=deviations.values("child_id"))
            q |= Q(pk__in=deviations.values("placement__child_id"))
            q |= Q(pk__in=deviations.values("agreement__placement__child_id"))
        return Child.filter(q)

    def child_ids(self) -> QuerySet[Any]:
        return self.children().values("pk")

    def placements(self) -> QuerySet[Any]:
        return self._model("placements.placement").filter(child_id__in=self.child_ids())

    def sips(self) -> QuerySet[Any]:
        return self._model("sip.sip").filter(child_id__in=self.child_ids())

    def agreements(self) -> QuerySet[Any]:
        return self._model("agreements.agreement").filter(placement__child_id__in=self.child_ids())

    def deviations(self) -> QuerySet[Any]:
        return self._model("deviations.deviation").filter(
            Q(reporting_principal_id=self.pk) | Q(receiving_principal_id=self.pk)
        )

    def own_users(self) -> QuerySet[Any]:
        """The principal's people: members of its units, or users it is the home of."""
        Membership = self._model("organisations.membership")  # noqa: N806
        members = Membership.filter(unit__principal_id=self.pk).values("user_id")
        return self._model("organisations.user").filter(
            Q(pk__in=members) | Q(home_principal_id=self.pk)
        )

    def audit_events(self) -> QuerySet[Any]:
        from dashboard.logreview import events_in_scope

        return self._model("core.auditevent").filter(
            Q(pk__in=events_in_scope([self.pk]).values("pk")) | Q(child_id__in=self.child_ids())
        )


def _rows(label: str, **lookups: Callable[[PrincipalScope], QuerySet[Any]]) -> Section:
    """A section of rows whose lookups (``child_id__in=…``) match the scope's id querysets."""

    def queryset(scope: PrincipalScope) -> QuerySet[Any]:
        manager = model_for_label(label)._default_manager
        return manager.filter(**{key: source(scope) for key, source in lookups.items()})

    return Section(label, queryset)


def _all(label: str) -> Section:
    return Section(label, lambda scope: model_for_label(label)._default_manager.all())


def _values(source: Callable[[PrincipalScope], QuerySet[Any]]) -> Callable[..., Any]:
    return lambda scope: source(scope).values("pk")


_children = PrincipalScope.child_ids
_placements = _values(PrincipalScope.placements)
_sips = _values(PrincipalScope.sips)
_agreements = _values(PrincipalScope.agreements)
_deviations = _values(PrincipalScope.deviations)


def _sub(label: str, parent: str, source: Callable[..., Any]) -> Callable[..., Any]:
    """The ids of ``label``'s rows whose ``parent`` is in ``source``."""
    return lambda scope: (
        model_for_label(label)._default_manager.filter(**{f"{parent}__in": source(scope)})
    ).values("pk")


_placement_follow_ups = _sub("placements.placementfollowup", "placement_id", _placements)
_consents = _sub("sip.consent", "sip_id", _sips)
_revocations = _sub("sip.consentrevocation", "consent_id", _consents)
_meetings = _sub("sip.sipmeeting", "sip_id", _sips)
_plans = _sub("sip.planversion", "sip_id", _sips)
_cost_meetings = _sub("agreements.costmeeting", "placement_id", _placements)
_versions = _sub("agreements.agreementversion", "agreement_id", _agreements)
_disputes = _sub("agreements.dispute", "agreement_id", _agreements)


def _mandates(scope: PrincipalScope) -> QuerySet[Any]:
    return model_for_label("organisations.financialmandate")._default_manager.filter(
        principal_id=scope.pk
    )


def _memberships(scope: PrincipalScope) -> QuerySet[Any]:
    return model_for_label("organisations.membership")._default_manager.filter(
        unit__principal_id=scope.pk
    )


def _area_reports(scope: PrincipalScope) -> QuerySet[Any]:
    """A region's sub-regional areas report to it (R-DEV-1): their reports are its data."""
    return model_for_label("deviations.areareport")._default_manager.filter(
        sub_region__region_id=scope.pk
    )


def _users(scope: PrincipalScope) -> QuerySet[Any]:
    """The principal's own people and everyone an exported row names (one query)."""
    user_model = model_for_label(settings.AUTH_USER_MODEL.lower())
    q = Q(pk__in=scope.own_users().values("pk"))
    for section in case_sections():
        if section.label == "organisations.user":
            continue
        for field in section.model._meta.concrete_fields:
            if field.is_relation and field.related_model is user_model:
                q |= Q(pk__in=section.queryset(scope).values(field.attname))
    return user_model._default_manager.filter(q)


def _all_sections() -> list[Section]:
    return [
        # The directory: no personal data, and every row refers to it.
        _all("organisations.principal"),
        _all("organisations.subregion"),
        _all("organisations.unit"),
        Section("organisations.user", _users),
        Section("organisations.membership", _memberships),
        Section("organisations.financialmandate", _mandates),
        # Children and placements.
        Section("placements.child", PrincipalScope.children),
        _rows("placements.relatedperson", child_id__in=_children),
        Section("placements.placement", PrincipalScope.placements),
        _rows("placements.healthexamination", placement_id__in=_placements),
        _rows("placements.placementfollowup", placement_id__in=_placements),
        _rows(
            "placements.placementfollowup_municipality_units",
            placementfollowup_id__in=_placement_follow_ups,
        ),
        _rows(
            "placements.placementfollowup_region_units",
            placementfollowup_id__in=_placement_follow_ups,
        ),
        # SIPs.
        Section("sip.sip", PrincipalScope.sips),
        _rows("sip.sip_placements", sip_id__in=_sips),
        _rows("sip.consent", sip_id__in=_sips),
        _rows("sip.consent_scope_units", consent_id__in=_consents),
        _rows("sip.consentrevocation", consent_id__in=_consents),
        _rows("sip.consentrevocation_units", consentrevocation_id__in=_revocations),
        _rows("sip.invitation", sip_id__in=_sips),
        _rows("sip.sipmeeting", sip_id__in=_sips),
        _rows("sip.meetingparticipant", meeting_id__in=_meetings),
        _rows("sip.planversion", sip_id__in=_sips),
        _rows("sip.intervention", plan_id__in=_plans),
        # Cost meetings and agreements.
        _rows("agreements.costmeeting", placement_id__in=_placements),
        _rows("agreements.costmeetingparticipant", meeting_id__in=_cost_meetings),
        Section("agreements.agreement", PrincipalScope.agreements),
        _rows("agreements.agreementversion", agreement_id__in=_agreements),
        _rows("agreements.agreementline", version_id__in=_versions),
        _rows("agreements.jointreview", version_id__in=_versions),
        _rows("agreements.declinerecord", version_id__in=_versions),
        _rows("agreements.signeddocument", version_id__in=_versions),
        _rows("agreements.signature", version_id__in=_versions),
        # Disputes about its agreements (R-DISP-1), where installed.
        _rows("agreements.dispute", agreement_id__in=_agreements),
        _rows("agreements.disputestep", dispute_id__in=_disputes),
        _rows("agreements.temporarysplit", dispute_id__in=_disputes),
        _rows("agreements.recommendation", dispute_id__in=_disputes),
        # Deadlines.
        _rows("dashboard.deadline", child_id__in=_children),
        # Deviations (the deviations app, where installed).
        Section("deviations.deviation", PrincipalScope.deviations),
        _rows("deviations.deviationevent", deviation_id__in=_deviations),
        Section("deviations.areareport", _area_reports),
        # The log about its staff and data.
        Section("core.auditevent", PrincipalScope.audit_events),
    ]


def case_sections() -> list[Section]:
    """The sections of the installed models, in dependency order."""
    return [section for section in _all_sections() if _installed(section.label)]


def sections_for(principal: Principal) -> Iterator[tuple[Section, QuerySet[Any]]]:
    """Each section with its queryset for the principal, ordered by primary key."""
    scope = PrincipalScope(principal)
    for section in case_sections():
        yield section, section.queryset(scope).order_by("pk")


# Models deliberately left out of every export, with the reason (a test checks that every model
# of the project is either exported or named here).
NOT_EXPORTED: dict[str, str] = {
    "organisations.cooperationbody": "a region's bodies and their members are not one principal's",
    "organisations.cooperationmembership": "people of other principals",
    "organisations.cooperationbody_members": "people of other principals",
    "organisations.authenticatordevice": "a second factor is a secret of its own installation",
    "dashboard.reminderpreference": "a personal setting, not case data",
    "dashboard.reminderlog": "operational: which reminder e-mails were sent",
    "dashboard.calendartoken": "a secret of its own installation",
    "agreements.costmeeting_participants": "the through model costmeetingparticipant is exported",
    "organisations.user_groups": "permission groups belong to the installation",
    "api.systemaccount": "credentials of its own installation: the receiving one creates its own",
    "api.systemaccount_units": "credentials of its own installation",
    "api.apitoken": "credentials of its own installation (hashed secrets)",
    "organisations.user_user_permissions": "permissions belong to the installation",
    "placements.childaccess": "derived from the records: the import rebuilds it",
}
