"""What the API shows and accepts. Protected identity as on the pages: a child's name,
address and full personnummer only to those who may see them (``placements.policy.
visible_child_names``); everyone else who may see the case gets ``null`` and the masked
number. The serializers get that set of child ids in their context (``names``)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agreements.models import Agreement, AgreementLine, AgreementVersion, CostMeeting
from agreements.signatures import signing_steps
from dashboard.models import Deadline
from deviations.models import Deviation, DeviationCategory, DeviationEvent
from placements.models import Child, HealthExamination, Placement
from sip.models import Intervention, PlanVersion, Sip, SipMeeting

# A text that is null where protected identity hides it (or where there is none).
NULLABLE_TEXT = serializers.CharField(allow_null=True)
# A row id in a request: a positive 64-bit integer (larger ones are a 400, not a crash).
ID_MAX = 2**63 - 1


def _id(**kwargs: Any) -> Any:
    return serializers.IntegerField(min_value=1, max_value=ID_MAX, **kwargs)


def _names(serializer: serializers.Serializer) -> dict[int, str]:
    return serializer.context.get("names", {})  # type: ignore[no-any-return]


class ChildSerializer(serializers.ModelSerializer):  # type: ignore[misc]
    name = serializers.SerializerMethodField(help_text="Null where protected identity hides it.")
    identity_number = serializers.SerializerMethodField(
        help_text="12 digits; null where protected identity hides it (see identifier_masked)."
    )
    identifier_masked = serializers.CharField(read_only=True)
    address = serializers.SerializerMethodField()

    class Meta:
        model = Child
        fields = [
            "id",
            "name",
            "identity_number",
            "reserve_number",
            "identifier_masked",
            "birth_date",
            "home_municipality",
            "responsible_unit",
            "protected_identity",
            "address",
            "created_at",
        ]

    def _shown(self, child: Child) -> bool:
        return child.pk in _names(self)

    @extend_schema_field(NULLABLE_TEXT)
    def get_name(self, child: Child) -> str | None:
        return child.full_name if self._shown(child) else None

    @extend_schema_field(NULLABLE_TEXT)
    def get_identity_number(self, child: Child) -> str | None:
        return child.identity_number if self._shown(child) else None

    @extend_schema_field(NULLABLE_TEXT)
    def get_address(self, child: Child) -> str | None:
        return child.address if self._shown(child) else None


class HealthExaminationSerializer(serializers.ModelSerializer):  # type: ignore[misc]
    step = serializers.CharField(read_only=True)

    class Meta:
        model = HealthExamination
        fields = [
            "id",
            "kind",
            "initiated_on",
            "offered_on",
            "done_on",
            "unnecessary_reason",
            "unit",
            "step",
        ]


class PlacementSerializer(serializers.ModelSerializer):  # type: ignore[misc]
    child_name = serializers.SerializerMethodField()
    caseworker_name = serializers.SerializerMethodField()
    health_examinations = HealthExaminationSerializer(many=True, read_only=True)

    class Meta:
        model = Placement
        fields = [
            "id",
            "child",
            "child_name",
            "previous",
            "placing_principal",
            "placing_unit",
            "caseworker_name",
            "form",
            "legal_basis",
            "is_acute",
            "status",
            "provider_name",
            "provider_organisation_number",
            "provider_municipality",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "cost_per_day",
            "goal",
            "wishes",
            "schooling",
            "responsibilities",
            "municipality_provision",
            "region_provision",
            "care_contact_name",
            "care_contact_unit",
            "care_contact_appointed_on",
            "power_of_attorney_issued_on",
            "health_examinations",
            "created_at",
            "updated_at",
        ]

    @extend_schema_field(NULLABLE_TEXT)
    def get_child_name(self, placement: Placement) -> str | None:
        return _names(self).get(placement.child_id)

    @extend_schema_field(NULLABLE_TEXT)
    def get_caseworker_name(self, placement: Placement) -> str:
        return str(placement.caseworker)


class SipMeetingSerializer(serializers.ModelSerializer):  # type: ignore[misc]
    class Meta:
        model = SipMeeting
        fields = ["id", "kind", "scheduled_on", "place", "started_at", "ended_at"]


class InterventionSerializer(serializers.ModelSerializer):  # type: ignore[misc]
    class Meta:
        model = Intervention
        fields = [
            "id",
            "description",
            "responsible_kind",
            "responsible_unit",
            "responsible_name",
            "is_health_care",
        ]


class PlanVersionSerializer(serializers.ModelSerializer):  # type: ignore[misc]
    interventions = InterventionSerializer(many=True, read_only=True)

    class Meta:
        model = PlanVersion
        fields = [
            "id",
            "number",
            "meeting",
            "needs",
            "overall_responsible_unit",
            "next_follow_up_on",
            "care_contact_name",
            "care_contact_unit",
            "interventions",
            "created_at",
        ]


class SipSerializer(serializers.ModelSerializer):  # type: ignore[misc]
    child_name = serializers.SerializerMethodField()
    meetings = SipMeetingSerializer(many=True, read_only=True)
    plan_versions = PlanVersionSerializer(many=True, read_only=True)

    class Meta:
        model = Sip
        fields = [
            "id",
            "child",
            "child_name",
            "placements",
            "initiating_unit",
            "need_noticed_on",
            "need_description",
            "closed_on",
            "meetings",
            "plan_versions",
            "created_at",
        ]

    @extend_schema_field(NULLABLE_TEXT)
    def get_child_name(self, sip: Sip) -> str | None:
        return _names(self).get(sip.child_id)


class CostMeetingSerializer(serializers.ModelSerializer):  # type: ignore[misc]
    class Meta:
        model = CostMeeting
        fields = ["id", "placement", "sip_meeting", "started_at", "ended_at", "place", "created_at"]


class AgreementLineSerializer(serializers.ModelSerializer):  # type: ignore[misc]
    class Meta:
        model = AgreementLine
        fields = [
            "id",
            "description",
            "kind",
            "responsible_principal",
            "amount_per_month",
            "deviation_reason",
        ]


class SigningStepSerializer(serializers.Serializer):  # type: ignore[misc]
    position = serializers.IntegerField()
    principal = serializers.IntegerField(source="principal.pk")
    signed_at = serializers.DateTimeField(source="signature.signed_at", allow_null=True)
    signed_by = serializers.SerializerMethodField()
    awaited = serializers.BooleanField()

    @extend_schema_field(NULLABLE_TEXT)
    def get_signed_by(self, step: Any) -> str | None:
        return str(step.signature.user) if step.signature is not None else None


class AgreementVersionSerializer(serializers.ModelSerializer):  # type: ignore[misc]
    lines = AgreementLineSerializer(many=True, read_only=True)
    signatures = serializers.SerializerMethodField(
        help_text="The signing order of the current round: who signed, whose signature is awaited."
    )

    class Meta:
        model = AgreementVersion
        fields = [
            "id",
            "number",
            "status",
            "sip_meeting",
            "cost_meeting",
            "split_method",
            "region_percent",
            "region_amount_per_month",
            "effective_from",
            "effective_until",
            "review_on",
            "sent_at",
            "signed_at",
            "signing_round",
            "lines",
            "signatures",
            "created_at",
        ]

    @extend_schema_field(SigningStepSerializer(many=True))
    def get_signatures(self, version: AgreementVersion) -> list[dict[str, Any]]:
        if version.status == AgreementVersion.Status.DRAFT:
            return []
        return SigningStepSerializer(signing_steps(version), many=True).data  # type: ignore[no-any-return]


class AgreementSerializer(serializers.ModelSerializer):  # type: ignore[misc]
    versions = AgreementVersionSerializer(many=True, read_only=True)

    class Meta:
        model = Agreement
        fields = ["id", "placement", "municipality", "region", "versions", "created_at"]


class DeadlineSerializer(serializers.ModelSerializer):  # type: ignore[misc]
    status = serializers.CharField(read_only=True)

    class Meta:
        model = Deadline
        fields = [
            "id",
            "kind",
            "rule",
            "due_on",
            "met_on",
            "status",
            "child",
            "placement",
            "sip",
            "unit",
            "partner_unit",
        ]


# --- statements ------------------------------------------------------------------------------

MONEY = {"max_digits": 14, "decimal_places": 2}


class SegmentSerializer(serializers.Serializer):  # type: ignore[misc]
    start = serializers.DateField()
    end = serializers.DateField()
    days = serializers.IntegerField()
    cost = serializers.DecimalField(**MONEY)
    region = serializers.DecimalField(**MONEY)
    municipality = serializers.DecimalField(**MONEY)


class StatementSerializer(serializers.Serializer):  # type: ignore[misc]
    year = serializers.IntegerField()
    month = serializers.IntegerField()
    days = serializers.IntegerField()
    total = serializers.DecimalField(**MONEY)
    region = serializers.DecimalField(**MONEY)
    municipality = serializers.DecimalField(**MONEY)
    segments = SegmentSerializer(many=True)


class PlacementStatementSerializer(serializers.Serializer):  # type: ignore[misc]
    placement = serializers.IntegerField()
    month = serializers.CharField(help_text="YYYY-MM")
    statement = StatementSerializer(allow_null=True, help_text="Null: no day in the month.")


class PairRowSerializer(serializers.Serializer):  # type: ignore[misc]
    placement = serializers.IntegerField(source="placement.pk")
    child_name = serializers.SerializerMethodField()
    days = serializers.IntegerField(source="statement.days")
    total = serializers.DecimalField(source="statement.total", **MONEY)
    municipality = serializers.DecimalField(source="statement.municipality", **MONEY)
    region = serializers.DecimalField(source="statement.region", **MONEY)
    correction_net = serializers.DecimalField(**MONEY)

    @extend_schema_field(NULLABLE_TEXT)
    def get_child_name(self, row: Any) -> str | None:
        return _names(self).get(row.placement.child_id)


class PairStatementSerializer(serializers.Serializer):  # type: ignore[misc]
    municipality = serializers.IntegerField()
    region = serializers.IntegerField()
    month = serializers.CharField(help_text="YYYY-MM")
    count = serializers.IntegerField(help_text="Placements with days in the month.")
    total = serializers.DecimalField(**MONEY)
    region_part = serializers.DecimalField(**MONEY)
    municipality_part = serializers.DecimalField(**MONEY)
    region_owes_municipality = serializers.DecimalField(**MONEY)
    municipality_owes_region = serializers.DecimalField(**MONEY)
    net = serializers.DecimalField(**MONEY)
    corrections_net = serializers.DecimalField(**MONEY)
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    rows = PairRowSerializer(many=True)


# --- writes ----------------------------------------------------------------------------------


class ChildCreateSerializer(serializers.Serializer):  # type: ignore[misc]
    identity_number = serializers.CharField(
        required=False, allow_blank=True, max_length=20, help_text="10 or 12 digits."
    )
    no_identity_number = serializers.BooleanField(
        required=False, default=False, help_text="True: a reserve number is created."
    )
    first_name = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=100)
    birth_date = serializers.DateField(required=False, allow_null=True)
    home_municipality = _id()
    responsible_unit = _id(
        required=False, help_text="One of the account's social-services units (default: first)."
    )
    protected_identity = serializers.BooleanField(required=False, default=False)
    address = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    own_views = serializers.CharField(required=False, allow_blank=True, max_length=8000)


class PlacementCreateSerializer(serializers.Serializer):  # type: ignore[misc]
    child = _id()
    placing_unit = _id()
    caseworker_email = serializers.EmailField(
        help_text="A caseworker or manager of the placing unit."
    )
    form = serializers.ChoiceField(choices=Placement.Form.choices)
    legal_basis = serializers.ChoiceField(choices=Placement.LegalBasis.choices)
    is_acute = serializers.BooleanField(required=False, default=False)
    provider_name = serializers.CharField(max_length=200)
    provider_organisation_number = serializers.CharField(
        required=False, allow_blank=True, max_length=11
    )
    provider_municipality = _id(required=False, allow_null=True)
    planned_start = serializers.DateField()
    planned_end = serializers.DateField(required=False, allow_null=True)
    cost_per_day = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0)
    goal = serializers.CharField(required=False, allow_blank=True, max_length=8000)
    wishes = serializers.CharField(required=False, allow_blank=True, max_length=8000)
    schooling = serializers.CharField(required=False, allow_blank=True, max_length=8000)
    responsibilities = serializers.CharField(required=False, allow_blank=True, max_length=8000)
    municipality_provision = serializers.ChoiceField(
        choices=Placement.Provision.choices, required=False, allow_blank=True
    )
    region_provision = serializers.ChoiceField(
        choices=Placement.Provision.choices, required=False, allow_blank=True
    )
    power_of_attorney_scope = serializers.CharField(
        required=False, allow_blank=True, max_length=8000
    )
    power_of_attorney_issued_on = serializers.DateField(required=False, allow_null=True)


class HealthExaminationCreateSerializer(serializers.Serializer):  # type: ignore[misc]
    kind = serializers.ChoiceField(choices=HealthExamination.Kind.choices)
    initiated_on = serializers.DateField()
    unit = _id(required=False, allow_null=True, help_text="The examining region unit.")
    unnecessary_reason = serializers.CharField(required=False, allow_blank=True, max_length=8000)


class RuleErrorSerializer(serializers.Serializer):  # type: ignore[misc]
    rule = serializers.CharField()
    detail = serializers.CharField()
    field = serializers.CharField(allow_null=True)
    violations = serializers.ListField(child=serializers.DictField(), required=False)


class DetailSerializer(serializers.Serializer):  # type: ignore[misc]
    detail = serializers.CharField()


class ValidationErrorSerializer(serializers.Serializer):  # type: ignore[misc]
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


# --- deviations (R-DEV-1) --------------------------------------------------------------------


class DeviationEventSerializer(serializers.ModelSerializer):  # type: ignore[misc]
    by_name = serializers.SerializerMethodField(help_text="Who took the step, as on the page.")

    class Meta:
        model = DeviationEvent
        fields = ["kind", "level", "text", "by_name", "on", "at"]

    @extend_schema_field(NULLABLE_TEXT)
    def get_by_name(self, event: DeviationEvent) -> str | None:
        return str(event.by) if event.by_id else None


class DeviationSerializer(serializers.ModelSerializer):  # type: ignore[misc]
    """As the deviation page shows it: the linked case (child, placement, agreement) only to
    those who see the child's name; the others learn that a case is linked (``case_linked``),
    not which one."""

    case_linked = serializers.SerializerMethodField()
    child = serializers.SerializerMethodField(help_text="Null where protected identity hides it.")
    child_name = serializers.SerializerMethodField()
    placement = serializers.SerializerMethodField()
    agreement = serializers.SerializerMethodField()
    reported_by_name = serializers.SerializerMethodField()
    events = DeviationEventSerializer(many=True, read_only=True)

    class Meta:
        model = Deviation
        fields = [
            "id",
            "reporting_unit",
            "reporting_principal",
            "receiving_principal",
            "receiving_unit",
            "sub_region",
            "category",
            "occurred_on",
            "agreed",
            "happened",
            "case_linked",
            "child",
            "child_name",
            "placement",
            "agreement",
            "status",
            "level",
            "answer_due_on",
            "outcome",
            "reported_by_name",
            "reported_on",
            "reported_at",
            "updated_at",
            "closed_on",
            "events",
        ]

    def _shown(self, deviation: Deviation) -> bool:
        return deviation.child_id is not None and deviation.child_id in _names(self)

    def get_case_linked(self, deviation: Deviation) -> bool:
        return deviation.child_id is not None

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_child(self, deviation: Deviation) -> int | None:
        return deviation.child_id if self._shown(deviation) else None

    @extend_schema_field(NULLABLE_TEXT)
    def get_child_name(self, deviation: Deviation) -> str | None:
        if deviation.child_id is None:
            return None
        return _names(self).get(deviation.child_id)

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_placement(self, deviation: Deviation) -> int | None:
        return deviation.placement_id if self._shown(deviation) else None

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_agreement(self, deviation: Deviation) -> int | None:
        return deviation.agreement_id if self._shown(deviation) else None

    @extend_schema_field(serializers.CharField())
    def get_reported_by_name(self, deviation: Deviation) -> str:
        return str(deviation.reported_by)


class DeviationCreateSerializer(serializers.Serializer):  # type: ignore[misc]
    unit = _id(
        required=False,
        help_text="The reporting unit: one of the account's units (required when it has more "
        "than one).",
    )
    category = serializers.ChoiceField(choices=DeviationCategory.choices)
    occurred_on = serializers.DateField(help_text="The day it happened or was noticed.")
    agreed = serializers.CharField(max_length=4000, help_text="What was agreed. No names.")
    happened = serializers.CharField(max_length=4000, help_text="What happened.")
    receiving_principal = _id(
        required=False,
        allow_null=True,
        help_text="The municipality concerned: only when a unit of the region reports.",
    )
    receiving_unit = _id(
        required=False,
        allow_null=True,
        help_text="The unit concerned: required when the deviation concerns the region.",
    )
    child = _id(required=False, allow_null=True, help_text="A child the account may see.")
    placement = _id(required=False, allow_null=True, help_text="A placement the account may see.")
    agreement = _id(required=False, allow_null=True, help_text="An agreement the account may see.")
