"""R-COST-5: the joint review of the split. A review that changes nothing is recorded on the
version in force and sets the next review date; the review deadline is met by it, and the
next one opens. (A review that changes the split is a new version: R-COST-4.)"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from agreements import services
from agreements.models import JointReview
from core.models import AuditAction
from dashboard.models import Deadline
from domain.agreements import AgreementStatus, check_joint_review
from domain.errors import RuleViolation
from tests.agreements.conftest import TODAY, sign

pytestmark = pytest.mark.django_db

REVIEW_ON = TODAY - timedelta(days=3)


@pytest.fixture
def in_force(draft):
    version = sign(draft, effective_from=TODAY - timedelta(days=200))
    version.review_on = REVIEW_ON
    version.save()
    return version


# --- the rule ---------------------------------------------------------------------------------


def test_r_cost_5_a_review_of_the_version_in_force_with_a_later_next_date_is_allowed():
    check_joint_review(
        status=AgreementStatus.SIGNED,
        held_on=TODAY,
        next_review_on=TODAY + timedelta(days=1),
        today=TODAY,
    )


@pytest.mark.parametrize(
    ("status", "held_on", "next_review_on", "field"),
    [
        (AgreementStatus.DRAFT, TODAY, TODAY + timedelta(days=90), None),
        (AgreementStatus.SUPERSEDED, TODAY, TODAY + timedelta(days=90), None),
        (AgreementStatus.SIGNED, TODAY + timedelta(days=1), TODAY + timedelta(days=90), "held_on"),
        (AgreementStatus.SIGNED, TODAY, None, "next_review_on"),
        (AgreementStatus.SIGNED, TODAY, TODAY, "next_review_on"),
    ],
)
def test_r_cost_5_a_review_is_refused(status, held_on, next_review_on, field):
    with pytest.raises(RuleViolation) as excinfo:
        check_joint_review(
            status=status, held_on=held_on, next_review_on=next_review_on, today=TODAY
        )
    assert (excinfo.value.rule, excinfo.value.field) == ("R-COST-5", field)


# --- the service and the deadlines ------------------------------------------------------------


def test_a_review_without_change_meets_the_review_deadline_and_opens_the_next(
    in_force, gbg_caseworker, audit
):
    key = f"placement:{in_force.agreement.placement_id}:review:{in_force.pk}"
    assert Deadline.objects.get(key=key).met_on is None
    next_review = TODAY + timedelta(days=365)

    review = services.agreement_review_record(
        user=gbg_caseworker, version=in_force, held_on=TODAY, next_review_on=next_review
    )

    first = Deadline.objects.get(key=key)
    following = Deadline.objects.get(key=f"{key}:1")
    assert (first.due_on, first.met_on) == (REVIEW_ON, TODAY)  # met late: 3 days after
    assert (following.due_on, following.met_on) == (next_review, None)
    in_force.refresh_from_db()
    assert in_force.status == "signed"  # nothing signed is edited
    [event] = [e for e in audit.new() if e.object_type == "agreements.jointreview"]
    assert (event.action, event.object_id) == (AuditAction.CREATE, str(review.pk))


def test_a_draft_cannot_be_reviewed_and_nothing_is_stored(draft, gbg_caseworker):
    with pytest.raises(RuleViolation):
        services.agreement_review_record(
            user=gbg_caseworker,
            version=draft,
            held_on=TODAY,
            next_review_on=TODAY + timedelta(days=90),
        )

    assert not JointReview.objects.exists()


# --- the page ---------------------------------------------------------------------------------


def _url(version) -> str:
    return reverse("agreements:version_review", args=[version.pk])


def test_the_caseworker_records_a_review_on_the_page(client_for, in_force, gbg_caseworker):
    client = client_for(gbg_caseworker)
    detail = client.get(reverse("agreements:agreement_detail", args=[in_force.agreement_id]))
    assert _url(in_force) in detail.content.decode()

    response = client.post(
        _url(in_force),
        {"held_on": TODAY.isoformat(), "next_review_on": "2027-05-01", "note": "Oförändrat."},
    )

    assert response.status_code == 302
    assert JointReview.objects.get().next_review_on == date(2027, 5, 1)


def test_a_next_date_before_the_review_is_shown_next_to_the_field(
    client_for, in_force, gbg_caseworker
):
    response = client_for(gbg_caseworker).post(
        _url(in_force),
        {"held_on": TODAY.isoformat(), "next_review_on": REVIEW_ON.isoformat(), "note": "X"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["next_review_on"]
    assert response.context["form"]["note"].value() == "X"
    assert not JointReview.objects.exists()


def test_another_organisation_gets_404_and_a_denied_row(
    client_for, in_force, mdl_caseworker, audit
):
    client = client_for(mdl_caseworker)

    get = client.get(_url(in_force))
    post = client.post(
        _url(in_force), {"held_on": TODAY.isoformat(), "next_review_on": "2027-05-01"}
    )

    assert (get.status_code, post.status_code) == (404, 404)
    assert [e.action for e in audit.new()] == [AuditAction.DENIED, AuditAction.DENIED]
    assert not JointReview.objects.exists()
