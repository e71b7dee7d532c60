"""The API views (issue 15). They only ask: every object through ``core.policy``
(``visible`` for lists, ``get_or_404`` for one object: outside the scope a JSON 404 and a
"denied" audit row), every write through the same form and service as the pages, every read
audited as the pages audit theirs, with the system account as the user."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, time
from typing import Any, ClassVar

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model, Prefetch, Q, QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from agreements import selectors as agreement_selectors
from agreements.models import Agreement, AgreementVersion, CostMeeting, Signature, SignedDocument
from agreements.policy import visible_pair
from core.audit import audit_record
from core.models import AuditAction
from core.policy import CHANGE, VIEW, deny, get_or_404, units_acted_for, visible
from dashboard.models import Deadline
from deviations import services as deviation_services
from deviations.models import Deviation, DeviationEvent
from domain.identity import InvalidIdentityNumber, mask_identity_number, normalise_identity_number
from organisations.models import Membership, Principal, Role, Unit, User
from placements import forms as placement_forms
from placements import services as placement_services
from placements.models import Child, HealthExamination, Placement
from placements.policy import EDIT_ROLES, visible_child_names
from sip.models import PlanVersion, Sip

from . import serializers as s
from .forms import ApiDeviationForm

# --- documentation helpers -------------------------------------------------------------------

ERRORS_READ = {
    401: OpenApiResponse(s.DetailSerializer, description="No valid token."),
    404: OpenApiResponse(s.DetailSerializer, description="Not found, or outside the scope."),
    429: OpenApiResponse(s.DetailSerializer, description="Rate limit of the token reached."),
}
ERRORS_LIST = {
    400: OpenApiResponse(s.ValidationErrorSerializer, description="A filter is not valid."),
    **ERRORS_READ,
}
ERRORS_WRITE = {
    400: OpenApiResponse(s.ValidationErrorSerializer, description="Validation errors per field."),
    **ERRORS_READ,
    422: OpenApiResponse(s.RuleErrorSerializer, description="A rule (R-…) would be broken."),
}
UPDATED_SINCE = OpenApiParameter(
    "updated_since",
    OpenApiTypes.DATETIME,
    description="Only rows changed (or created, see the operation) at or after this time (ISO 8601).",
)
ETAG_HEADER = OpenApiParameter(
    "If-None-Match",
    OpenApiTypes.STR,
    location=OpenApiParameter.HEADER,
    description="The ETag of an earlier response: 304 when nothing changed.",
)
PK = OpenApiParameter(
    "id", {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}, location=OpenApiParameter.PATH
)


def _detail_responses(serializer: Any) -> dict[int, Any]:
    return {
        200: serializer,
        304: OpenApiResponse(description="Not modified (If-None-Match)."),
        **ERRORS_READ,
    }


def _bad(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


def _updated_since(request: Request) -> datetime | None:
    raw = request.query_params.get("updated_since")
    if raw is None:
        return None
    try:
        value = parse_datetime(raw) if "T" in raw or " " in raw else None
        day = parse_date(raw) if value is None and len(raw) == 10 else None
    except ValueError:
        value = day = None
    if value is None:
        if day is None or not 1900 <= day.year <= 2100:
            raise _bad("updated_since", _("Enter a date and time in ISO 8601 format."))
        value = datetime.combine(day, time.min)
    elif not 1900 <= value.year <= 2100:
        raise _bad("updated_since", _("Enter a date and time in ISO 8601 format."))
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _int_param(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    if not raw.isdigit() or len(raw) > 18:
        raise _bad(name, _("Enter a whole number."))
    return int(raw)


def _etag_response(request: Request, data: Any) -> Response:
    body = json.dumps(data, cls=DjangoJSONEncoder, sort_keys=True).encode()
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    asked = [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]
    if etag in asked or "*" in asked:
        response = Response(status=status.HTTP_304_NOT_MODIFIED)
    else:
        response = Response(data)
    response["ETag"] = etag
    return response


# --- reads -----------------------------------------------------------------------------------


class PolicyAPIView(GenericAPIView):  # type: ignore[misc]
    """Lists through ``visible``, one object through ``get_or_404``; one audit row per
    request (a list: "search" with the filters and the count; an object: "view")."""

    policy_model: ClassVar[type[Model]]
    child_field: ClassVar[str | None] = "child_id"
    updated_field: ClassVar[str | None] = None

    @classmethod
    def scope_for(cls, user: Any) -> QuerySet[Any]:
        """What the account may see of ``policy_model`` (the matrix in tests/api asks it)."""
        return visible(user, cls.policy_model)

    def scoped(self) -> QuerySet[Any]:
        return self.prepare(self.scope_for(self.request.user))

    def prepare(self, qs: QuerySet[Any]) -> QuerySet[Any]:
        return qs

    def filter_list(self, qs: QuerySet[Any]) -> QuerySet[Any]:
        since = _updated_since(self.request)
        if since is not None and self.updated_field:
            qs = qs.filter(**{f"{self.updated_field}__gte": since})
        return qs

    def names_for(self, objects: list[Any]) -> dict[int, str]:
        if self.child_field is None:
            return {}
        return visible_child_names(
            self.request.user, (getattr(obj, self.child_field) for obj in objects)
        )

    def get_object(self) -> Any:
        return get_or_404(
            self.request, self.policy_model, queryset=self.prepare, pk=self.kwargs["pk"]
        )

    def list_response(self) -> Response:
        qs = self.filter_list(self.scoped()).order_by("pk")
        page = self.paginate_queryset(qs)
        assert page is not None
        objects = list(page)
        serializer = self.get_serializer(objects, many=True)
        serializer.context["names"] = self.names_for(objects)
        audit_record(
            action=AuditAction.SEARCH,
            request=self.request,
            object_type=self.policy_model._meta.label_lower,
            details={"api": True, "count": len(objects), "filters": self.audit_filters()},
        )
        return self.get_paginated_response(serializer.data)

    def audit_filters(self) -> dict[str, str]:
        return {k: v for k, v in self.request.query_params.items() if k != "personnummer"}

    def detail_response(self) -> Response:
        obj = self.get_object()
        serializer = self.get_serializer(obj)
        serializer.context["names"] = self.names_for([obj])
        data = serializer.data
        audit_record(action=AuditAction.VIEW, request=self.request, obj=obj, details={"api": True})
        return _etag_response(self.request, data)


class ChildList(PolicyAPIView):
    policy_model = Child
    serializer_class = s.ChildSerializer
    child_field = "pk"
    updated_field = "created_at"

    def filter_list(self, qs: QuerySet[Any]) -> QuerySet[Any]:
        qs = super().filter_list(qs)
        raw = self.request.query_params.get("personnummer")
        if raw is not None:
            try:
                number = normalise_identity_number(raw, today=timezone.localdate())
            except InvalidIdentityNumber as exc:
                raise _bad(
                    "personnummer", str(placement_forms.IDENTITY_MESSAGES[exc.code])
                ) from exc
            qs = qs.filter(identity_number=number)
            self.searched = mask_identity_number(number)
        return qs

    def audit_filters(self) -> dict[str, str]:
        filters = super().audit_filters()
        if getattr(self, "searched", None):
            filters["personnummer"] = self.searched
        return filters

    @extend_schema(
        operation_id="children_list",
        summary="Children the account may see",
        description="`updated_since` filters on the registration time (a child has no "
        "change timestamp). `personnummer` finds one child by number (10 or 12 digits).",
        parameters=[
            UPDATED_SINCE,
            OpenApiParameter("personnummer", OpenApiTypes.STR),
        ],
        responses={200: s.ChildSerializer(many=True), **ERRORS_LIST},
    )
    def get(self, request: Request) -> Response:
        return self.list_response()

    @extend_schema(
        operation_id="children_create",
        summary="Register a child (as the form does)",
        request=s.ChildCreateSerializer,
        responses={201: s.ChildSerializer, **ERRORS_WRITE},
    )
    def post(self, request: Request) -> Response:
        data = _valid(s.ChildCreateSerializer, request)
        units = _editing_units(request.user)
        if not units:
            raise NotFound
        unit = units[0]
        if data.get("responsible_unit") is not None:
            chosen = next((u for u in units if u.pk == data["responsible_unit"]), None)
            if chosen is None:
                raise _bad("responsible_unit", _("Choose one of the account's units."))
            unit = chosen
        form = placement_forms.ChildForm(
            data=_form_data(
                data,
                rename={"identity_number": "identity_number_input"},
                drop={"responsible_unit"},
            )
        )
        _check_form(form, rename={"identity_number_input": "identity_number"})
        child = placement_services.child_create(
            user=request.user,
            unit=unit,
            child=form.save(commit=False),
            identity_number=form.cleaned_data.get("identity_number_input"),
            on=timezone.localdate(),
        )
        serializer = s.ChildSerializer(child, context={"names": self.names_for([child])})
        return Response(serializer.data, status=status.HTTP_201_CREATED)


class ChildDetail(PolicyAPIView):
    policy_model = Child
    serializer_class = s.ChildSerializer
    child_field = "pk"

    @extend_schema(
        operation_id="children_retrieve",
        parameters=[PK, ETAG_HEADER],
        responses=_detail_responses(s.ChildSerializer),
    )
    def get(self, request: Request, pk: int) -> Response:
        return self.detail_response()


class _PlacementBase(PolicyAPIView):
    policy_model = Placement
    serializer_class = s.PlacementSerializer
    updated_field = "updated_at"

    def prepare(self, qs: QuerySet[Any]) -> QuerySet[Any]:
        return qs.select_related("caseworker").prefetch_related("health_examinations")


class PlacementList(_PlacementBase):
    def filter_list(self, qs: QuerySet[Any]) -> QuerySet[Any]:
        qs = super().filter_list(qs)
        child = _int_param(self.request, "child")
        return qs if child is None else qs.filter(child_id=child)

    @extend_schema(
        operation_id="placements_list",
        summary="Placements the account may see",
        parameters=[UPDATED_SINCE, OpenApiParameter("child", OpenApiTypes.INT)],
        responses={200: s.PlacementSerializer(many=True), **ERRORS_LIST},
    )
    def get(self, request: Request) -> Response:
        return self.list_response()

    @extend_schema(
        operation_id="placements_create",
        summary="Register a placement (as the form does)",
        description="The child must be one the account may change (404 otherwise). The "
        "placement is registered as planned; the rules of the form apply (R-PLAC-…).",
        request=s.PlacementCreateSerializer,
        responses={201: s.PlacementSerializer, **ERRORS_WRITE},
    )
    def post(self, request: Request) -> Response:
        data = _valid(s.PlacementCreateSerializer, request)
        child = get_or_404(request, Child, action=CHANGE, pk=data["child"])
        unit_ids = [u.pk for u in _editing_units(request.user)]
        caseworkers = User.objects.filter(
            pk__in=Membership.objects.filter(
                unit_id__in=unit_ids, role__in=[Role.CASEWORKER, Role.MANAGER]
            ).values("user_id")
        )
        caseworker = caseworkers.filter(email__iexact=data["caseworker_email"]).first()
        if caseworker is None:
            raise _bad(
                "caseworker_email",
                _("Enter the e-mail address of a caseworker of the account's units."),
            )
        form = placement_forms.PlacementForm(
            data=_form_data(data, drop={"child", "caseworker_email"})
            | {"caseworker": str(caseworker.pk)},
            units=Unit.objects.filter(pk__in=unit_ids),
            caseworkers=caseworkers,
        )
        _check_form(form, rename={"caseworker": "caseworker_email"})
        placement = placement_services.placement_create(
            user=request.user, child=child, placement=form.save(commit=False)
        )
        placement = self.prepare(Placement.objects.filter(pk=placement.pk)).get()
        serializer = s.PlacementSerializer(
            placement, context={"names": self.names_for([placement])}
        )
        return Response(serializer.data, status=status.HTTP_201_CREATED)


class PlacementDetail(_PlacementBase):
    @extend_schema(
        operation_id="placements_retrieve",
        parameters=[PK, ETAG_HEADER],
        responses=_detail_responses(s.PlacementSerializer),
    )
    def get(self, request: Request, pk: int) -> Response:
        return self.detail_response()


class HealthExaminationCreate(PolicyAPIView):
    policy_model = Placement
    serializer_class = s.HealthExaminationCreateSerializer

    @extend_schema(
        operation_id="placements_health_examinations_create",
        summary="Record a health-examination request (R-PLAC-4)",
        parameters=[PK],
        request=s.HealthExaminationCreateSerializer,
        responses={201: s.HealthExaminationSerializer, **ERRORS_WRITE},
    )
    def post(self, request: Request, pk: int) -> Response:
        placement = get_or_404(request, Placement, action=CHANGE, pk=pk)
        data = _valid(s.HealthExaminationCreateSerializer, request)
        form = placement_forms.HealthExaminationForm(data=_form_data(data))
        _check_form(form)
        exam = form.save(commit=False)
        if HealthExamination.objects.filter(placement=placement, kind=exam.kind).exists():
            raise _bad("kind", _("This examination is already registered for the placement."))
        exam = placement_services.health_exam_save(
            user=request.user, placement=placement, exam=exam, before=None
        )
        return Response(s.HealthExaminationSerializer(exam).data, status=status.HTTP_201_CREATED)


def _month(request: Request) -> date:
    raw = request.query_params.get("month")
    if raw is None:
        today = timezone.localdate()
        return date(today.year, today.month, 1)
    try:
        day = parse_date(f"{raw}-01") if len(raw) == 7 else None
    except ValueError:
        day = None
    if day is None or not 1900 <= day.year <= 2100:
        raise _bad("month", _("Enter a month as YYYY-MM."))
    return day


MONTH = OpenApiParameter(
    "month", OpenApiTypes.STR, description="YYYY-MM (default: this month)", pattern=r"^\d{4}-\d{2}$"
)


class PlacementStatement(PolicyAPIView):
    policy_model = Placement
    serializer_class = s.PlacementStatementSerializer

    def prepare(self, qs: QuerySet[Any]) -> QuerySet[Any]:
        return qs.select_related("placing_principal")

    @extend_schema(
        operation_id="placements_statement",
        summary="The placement's cost for a month, split between the principals",
        parameters=[PK, MONTH],
        responses={200: s.PlacementStatementSerializer, **ERRORS_LIST},
    )
    def get(self, request: Request, pk: int) -> Response:
        month = _month(request)
        placement = self.get_object()
        statement = agreement_selectors.placement_statement(
            placement=placement, year=month.year, month=month.month
        )
        audit_record(
            action=AuditAction.VIEW,
            request=request,
            obj=placement,
            details={"api": True, "statement": f"{month:%Y-%m}"},
        )
        data = {"placement": placement.pk, "month": f"{month:%Y-%m}", "statement": statement}
        return Response(s.PlacementStatementSerializer(data).data)


class _SipBase(PolicyAPIView):
    policy_model = Sip
    serializer_class = s.SipSerializer
    updated_field = "created_at"

    def prepare(self, qs: QuerySet[Any]) -> QuerySet[Any]:
        return qs.prefetch_related(
            "placements",
            "meetings",
            Prefetch(
                "plan_versions",
                queryset=PlanVersion.objects.prefetch_related("interventions").order_by("number"),
            ),
        )


class SipList(_SipBase):
    @extend_schema(
        operation_id="sips_list",
        summary="SIPs with their meetings and plan versions",
        description="`updated_since` filters on the SIP's creation time (a SIP has no change "
        "timestamp).",
        parameters=[UPDATED_SINCE],
        responses={200: s.SipSerializer(many=True), **ERRORS_LIST},
    )
    def get(self, request: Request) -> Response:
        return self.list_response()


class SipDetail(_SipBase):
    @extend_schema(
        operation_id="sips_retrieve",
        parameters=[PK, ETAG_HEADER],
        responses=_detail_responses(s.SipSerializer),
    )
    def get(self, request: Request, pk: int) -> Response:
        return self.detail_response()


class _CostMeetingBase(PolicyAPIView):
    policy_model = CostMeeting
    serializer_class = s.CostMeetingSerializer
    child_field = None
    updated_field = "created_at"


class CostMeetingList(_CostMeetingBase):
    @extend_schema(
        operation_id="cost_meetings_list",
        description="`updated_since` filters on the creation time.",
        parameters=[UPDATED_SINCE],
        responses={200: s.CostMeetingSerializer(many=True), **ERRORS_LIST},
    )
    def get(self, request: Request) -> Response:
        return self.list_response()


class CostMeetingDetail(_CostMeetingBase):
    @extend_schema(
        operation_id="cost_meetings_retrieve",
        parameters=[PK, ETAG_HEADER],
        responses=_detail_responses(s.CostMeetingSerializer),
    )
    def get(self, request: Request, pk: int) -> Response:
        return self.detail_response()


class _AgreementBase(PolicyAPIView):
    policy_model = Agreement
    serializer_class = s.AgreementSerializer
    child_field = None

    def prepare(self, qs: QuerySet[Any]) -> QuerySet[Any]:
        return qs.select_related(
            "placement", "municipality", "region", "placement__placing_principal"
        ).prefetch_related(
            Prefetch(
                "versions",
                queryset=AgreementVersion.objects.order_by("number").prefetch_related(
                    "lines",
                    Prefetch("signatures", queryset=Signature.objects.select_related("user")),
                ),
            )
        )

    def filter_list(self, qs: QuerySet[Any]) -> QuerySet[Any]:
        since = _updated_since(self.request)
        if since is not None:
            changed = AgreementVersion.objects.filter(
                Q(created_at__gte=since) | Q(sent_at__gte=since) | Q(signed_at__gte=since)
            ).values("agreement_id")
            signed = Signature.objects.filter(signed_at__gte=since).values("version__agreement_id")
            qs = qs.filter(Q(created_at__gte=since) | Q(pk__in=changed) | Q(pk__in=signed))
        return qs


class AgreementList(_AgreementBase):
    @extend_schema(
        operation_id="agreements_list",
        summary="Agreements with their versions, lines and signature status",
        description="`updated_since`: agreements created, or with a version created, sent, "
        "signed or countersigned, at or after the time.",
        parameters=[UPDATED_SINCE],
        responses={200: s.AgreementSerializer(many=True), **ERRORS_LIST},
    )
    def get(self, request: Request) -> Response:
        return self.list_response()


class AgreementDetail(_AgreementBase):
    @extend_schema(
        operation_id="agreements_retrieve",
        parameters=[PK, ETAG_HEADER],
        responses=_detail_responses(s.AgreementSerializer),
    )
    def get(self, request: Request, pk: int) -> Response:
        return self.detail_response()


class PDFRenderer(BaseRenderer):  # type: ignore[misc]
    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(
        self, data: Any, accepted_media_type: Any = None, renderer_context: Any = None
    ) -> Any:
        if isinstance(data, bytes):
            return data
        return json.dumps(data, cls=DjangoJSONEncoder).encode()


class VersionDocument(PolicyAPIView):
    policy_model = AgreementVersion
    child_field = None
    # A client may ask for the PDF by its type (Accept: application/pdf); errors stay JSON.
    renderer_classes = [JSONRenderer, PDFRenderer]

    @extend_schema(
        operation_id="agreement_versions_document",
        summary="The signed PDF of a version (PAdES)",
        description="The fully signed document, or the latest signed revision while the "
        "signatures are being collected. 404 before the first signature.",
        parameters=[PK, ETAG_HEADER],
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
            304: OpenApiResponse(description="Not modified (If-None-Match)."),
            **ERRORS_READ,
        },
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        version = self.get_object()
        document = (
            SignedDocument.objects.filter(version=version)
            .order_by("-is_final", "-revision")
            .first()
        )
        if document is None:
            raise NotFound(_("The agreement has no document yet."))
        audit_record(
            action=AuditAction.DOWNLOAD,
            request=request,
            obj=version,
            details={"api": True, "revision": document.revision, "sha256": document.sha256},
        )
        etag = f'"{document.sha256}"'
        if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
            response = HttpResponse(status=304)
        else:
            response = HttpResponse(bytes(document.pdf), content_type="application/pdf")
            name = f"overenskommelse-{version.agreement_id}-v{version.number}"
            if document.is_final:
                name += "-signerad"
            response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        response["ETag"] = etag
        return response


class _DeadlineBase(PolicyAPIView):
    policy_model = Deadline
    serializer_class = s.DeadlineSerializer

    def prepare(self, qs: QuerySet[Any]) -> QuerySet[Any]:
        from django.conf import settings

        return qs.with_status(  # type: ignore[attr-defined, no-any-return]
            today=timezone.localdate(), due_soon_days=settings.DEADLINE_DUE_SOON_DAYS
        )

    def filter_list(self, qs: QuerySet[Any]) -> QuerySet[Any]:
        open_only = self.request.query_params.get("open")
        if open_only not in (None, "true", "false"):
            raise _bad("open", _("Enter true or false."))
        if open_only == "true":
            qs = qs.filter(met_on__isnull=True)
        return qs


class DeadlineList(_DeadlineBase):
    @extend_schema(
        operation_id="deadlines_list",
        summary="Deadlines the account's units act on",
        description="No `updated_since`: the deadline table is recomputed from the records "
        "and keeps no timestamp; synchronise it whole, or with `open=true`.",
        parameters=[OpenApiParameter("open", OpenApiTypes.BOOL)],
        responses={200: s.DeadlineSerializer(many=True), **ERRORS_LIST},
    )
    def get(self, request: Request) -> Response:
        return self.list_response()


class DeadlineDetail(_DeadlineBase):
    @extend_schema(
        operation_id="deadlines_retrieve",
        parameters=[PK, ETAG_HEADER],
        responses=_detail_responses(s.DeadlineSerializer),
    )
    def get(self, request: Request, pk: int) -> Response:
        return self.detail_response()


class _DeviationBase(PolicyAPIView):
    """R-DEV-1: the deviations of the deviation pages' scope (``deviations.policy``)."""

    policy_model = Deviation
    serializer_class = s.DeviationSerializer
    updated_field = "updated_at"

    def prepare(self, qs: QuerySet[Any]) -> QuerySet[Any]:
        return qs.select_related("reported_by").prefetch_related(
            Prefetch(
                "events",
                queryset=DeviationEvent.objects.select_related("by").order_by("at", "pk"),
            )
        )

    @classmethod
    def scope_for(cls, user: Any) -> QuerySet[Any]:
        """The scope of the deviation pages (``deviations.policy``), for the account's actor."""
        return visible(user, Deviation)

    def get_object(self) -> Any:
        """As ``core.policy.get_or_404``, over ``scope_for``: outside it a 404 with a denied
        row (naming the child of the deviation, if it exists, for its principal's review)."""
        pk = self.kwargs["pk"]
        obj = self.prepare(self.scope_for(self.request.user)).filter(pk=pk).first()
        if obj is None:
            deny(
                self.request,
                obj=Deviation.objects.filter(pk=pk).first(),
                object_type=Deviation._meta.label_lower,
                object_id=str(pk),
                details={"action": VIEW},
            )
        return obj


class DeviationList(_DeviationBase):
    @extend_schema(
        operation_id="deviations_list",
        summary="Deviations the account may see (R-DEV-1)",
        description="The scope of the deviation pages: those reported by or concerning the "
        "account's units. `updated_since` filters on the change time (a report or any step). "
        "The linked child, placement and agreement only where the child's name may be shown.",
        parameters=[UPDATED_SINCE],
        responses={200: s.DeviationSerializer(many=True), **ERRORS_LIST},
    )
    def get(self, request: Request) -> Response:
        return self.list_response()

    @extend_schema(
        operation_id="deviations_create",
        summary="Report a deviation (as the form does, R-DEV-1)",
        description="Reported for one of the account's units (`unit`, required when the "
        "account has several) to the other principal, which gets the area's deadline to "
        "answer (`answer_due_on`). A linked child, placement or agreement must be one the "
        "account may see (404 otherwise); one of another pair of principals is a 422.",
        request=s.DeviationCreateSerializer,
        responses={201: s.DeviationSerializer, **ERRORS_WRITE},
    )
    def post(self, request: Request) -> Response:
        data = _valid(s.DeviationCreateSerializer, request)
        units = list(deviation_services.reporting_units(request.user))
        if not units:
            raise NotFound
        if data.get("unit") is None and len(units) == 1:
            data["unit"] = units[0].pk
        # A case of another organisation: a 404 with a denied row, as for any other id.
        links = {
            field: get_or_404(request, model, pk=data[field]).pk
            for field, model in (
                ("child", Child),
                ("placement", Placement),
                ("agreement", Agreement),
            )
            if data.get(field) is not None
        }
        form = ApiDeviationForm(
            data=_form_data(data, drop={"child", "placement", "agreement"}),
            user=request.user,
            units=units,
        )
        _check_form(form)
        cleaned = form.cleaned_data
        deviation = deviation_services.report_deviation(
            user=request.user,
            unit=next(u for u in units if u.pk == cleaned["unit"]),
            data=deviation_services.DeviationData(
                category=cleaned["category"],
                occurred_on=cleaned["occurred_on"],
                agreed=cleaned["agreed"],
                happened=cleaned["happened"],
                receiving_principal_id=cleaned.get("receiving_principal"),
                receiving_unit_id=cleaned.get("receiving_unit"),
                child_id=links.get("child"),
                placement_id=links.get("placement"),
                agreement_id=links.get("agreement"),
            ),
        )
        deviation = self.prepare(Deviation.objects.filter(pk=deviation.pk)).get()
        serializer = s.DeviationSerializer(
            deviation, context={"names": self.names_for([deviation])}
        )
        return Response(serializer.data, status=status.HTTP_201_CREATED)


class DeviationDetail(_DeviationBase):
    @extend_schema(
        operation_id="deviations_retrieve",
        parameters=[PK, ETAG_HEADER],
        responses=_detail_responses(s.DeviationSerializer),
    )
    def get(self, request: Request, pk: int) -> Response:
        return self.detail_response()


class PairStatement(GenericAPIView):  # type: ignore[misc]
    serializer_class = s.PairStatementSerializer
    page_size = 100

    @extend_schema(
        operation_id="statements_pair",
        summary="What each principal owes the other for a month (the pair statement)",
        description="A pair outside the account's agreements is 404, as on the page. The "
        "sums cover every placement; `rows` holds one page of 100.",
        parameters=[
            OpenApiParameter("municipality", OpenApiTypes.INT, required=True),
            OpenApiParameter("region", OpenApiTypes.INT, required=True),
            MONTH,
            OpenApiParameter("page", OpenApiTypes.INT),
        ],
        responses={200: s.PairStatementSerializer, **ERRORS_LIST},
    )
    def get(self, request: Request) -> Response:
        month = _month(request)
        municipality_id = _int_param(request, "municipality")
        region_id = _int_param(request, "region")
        if municipality_id is None or region_id is None:
            raise ValidationError(
                {
                    name: [_("This field is required.")]
                    for name, value in (("municipality", municipality_id), ("region", region_id))
                    if value is None
                }
            )
        page = _int_param(request, "page") or 1
        pair = visible_pair(request.user, municipality_id=municipality_id, region_id=region_id)
        if not pair.exists():
            deny(
                request,
                object_type="agreements.statement",
                object_id=f"{municipality_id},{region_id}",
                details={"action": "view"},
            )
        start = (page - 1) * self.page_size
        result = agreement_selectors.pair_statement(
            agreements=pair,
            year=month.year,
            month=month.month,
            start=start,
            stop=start + self.page_size,
        )
        audit_record(
            action=AuditAction.VIEW,
            request=request,
            object_type="agreements.statement",
            details={"api": True, "month": f"{month:%Y-%m}", "pair": [municipality_id, region_id]},
        )
        names = visible_child_names(request.user, (row.placement.child_id for row in result.rows))

        def link(number: int) -> str:
            query = request.query_params.copy()
            query["page"] = str(number)
            return str(request.build_absolute_uri(f"{request.path}?{query.urlencode()}"))

        data = {
            "municipality": municipality_id,
            "region": region_id,
            "month": f"{month:%Y-%m}",
            "count": result.count,
            "total": result.total,
            "region_part": result.region_part,
            "municipality_part": result.municipality_part,
            "region_owes_municipality": result.region_owes_municipality,
            "municipality_owes_region": result.municipality_owes_region,
            "net": result.net,
            "corrections_net": result.corrections_net,
            "next": link(page + 1) if start + self.page_size < result.count else None,
            "previous": link(page - 1) if page > 1 else None,
            "rows": result.rows,
        }
        return Response(s.PairStatementSerializer(data, context={"names": names}).data)


class NotFoundView(GenericAPIView):  # type: ignore[misc]
    """Any other address under /api/v1/: the API's JSON 404, not the pages' HTML one."""

    permission_classes: list[Any] = []

    @extend_schema(exclude=True)
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        raise NotFound

    post = put = patch = delete = get


# --- writes: the pages' forms and services ---------------------------------------------------


def _editing_units(user: Any) -> list[Unit]:
    """The units the account writes for: its municipal social-services units (caseworker)."""
    return list(
        units_acted_for(user, *EDIT_ROLES).filter(principal__kind=Principal.Kind.MUNICIPALITY)
    )


def _valid(serializer_class: type[Any], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _form_data(
    data: dict[str, Any], *, rename: dict[str, str] | None = None, drop: set[str] | None = None
) -> dict[str, Any]:
    """The API's validated values as form data: dates as ISO text, None as empty."""
    rename, drop = rename or {}, drop or set()
    result: dict[str, Any] = {}
    for key, value in data.items():
        if key in drop:
            continue
        if value is None:
            value = ""
        elif isinstance(value, date):
            value = value.isoformat()
        elif not isinstance(value, bool):
            value = str(value)
        result[rename.get(key, key)] = value
    return result


def _check_form(form: Any, *, rename: dict[str, str] | None = None) -> None:
    """The form's own validation, as on the page: its Swedish messages per field (400)."""
    if form.is_valid():
        return
    rename = rename or {}
    errors = {
        ("non_field_errors" if field == "__all__" else rename.get(field, field)): list(messages)
        for field, messages in form.errors.items()
    }
    raise ValidationError(errors)
