"""Issue 12: one submission shows every error at once, in an error summary that takes focus
and links to each field; domain rule violations included."""

from __future__ import annotations

import re

import pytest

from domain import sip as rules
from domain.errors import RuleViolation, RuleViolations, Violations, violations_of
from sip.models import PlanVersion
from tests.sip.factories import TODAY
from tests.sip.test_views import _post_held, held_form  # noqa: F401 - the fixture


def test_violations_collects_independent_checks_and_raises_them_together():
    found = Violations()
    found.check(
        rules.check_meeting_can_be_held,
        consent_valid=False,
        individual_offered_on=None,
        held_on=TODAY,
    )
    found.add("SIP", "The meeting must end after it started.", field="ended_at")
    with pytest.raises(RuleViolations) as caught:
        found.raise_if_any()
    assert [(v.rule, v.field) for v in violations_of(caught.value)] == [
        ("R-SIP-2", None),
        ("R-SIP-3", "individual_offered_on"),
        ("SIP", "ended_at"),
    ]
    # Where one violation is expected, the group behaves as its first.
    assert isinstance(caught.value, RuleViolation) and caught.value.rule == "R-SIP-2"


def test_a_single_violation_is_raised_as_itself_and_none_raises_nothing():
    found = Violations()
    found.raise_if_any()
    found.add("R-SIP-6", "x", field="next_follow_up_on")
    with pytest.raises(RuleViolation) as caught:
        found.raise_if_any()
    assert type(caught.value) is RuleViolation


def test_check_plan_reports_every_missing_part_of_the_plan():
    """R-SIP-5 and R-SIP-6 together: needs, interventions, overall responsibility, follow-up."""
    with pytest.raises(RuleViolations) as caught:
        rules.check_plan(
            needs=" ",
            interventions=[],
            has_overall_responsible=False,
            next_follow_up_on=None,
            held_on=TODAY,
        )
    assert [(v.rule, v.field) for v in caught.value.violations] == [
        ("R-SIP-5", "needs"),
        ("R-SIP-5", None),
        ("R-SIP-5", "overall_responsible_unit"),
        ("R-SIP-6", "next_follow_up_on"),
    ]


def test_meeting_form_shows_the_time_the_offer_and_the_plan_errors_in_one_submission(
    sip,
    consents,
    meeting,
    held_form,  # noqa: F811
):
    """Before issue 12 the time error came first and the others on the next submissions."""
    response = _post_held(
        held_form,
        started_at="2026-05-15T10:00",
        ended_at="2026-05-15T09:00",
        individual_offered_on="",
        needs="",
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"ended_at", "individual_offered_on", "needs"} <= set(errors)
    assert not PlanVersion.objects.exists()
    html = response.content.decode()
    summary = re.search(r'<div class="error-summary[^>]*>(.*?)</div>', html, re.S)
    assert summary, "the error summary is at the top of the form"
    assert "autofocus" in summary.group(0) and 'tabindex="-1"' in summary.group(0)
    links = re.findall(r'href="#(id_[a-z_]+)"', summary.group(1))
    assert {"id_ended_at", "id_individual_offered_on", "id_needs"} <= set(links)
    # What the user typed is still there.
    assert 'value="2026-05-15T10:00"' in html


def test_the_summary_lists_the_rows_errors_beside_the_forms(
    sip,
    consents,
    meeting,
    held_form,  # noqa: F811
):
    """WCAG 3.3.1: an error in an intervention row is in the one summary at the top, with its
    row and linked to its field, beside the form's own errors (before, the summary showed the
    form's errors only and the row's error was found by scrolling)."""
    response = _post_held(
        held_form, ended_at="", i__1__description="", i__0__responsible_unit="999999"
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="error-summary') == 1
    summary = re.search(r'<div class="error-summary[^>]*>(.*?)</div>', html, re.S)
    assert summary
    links = re.findall(r'href="#(id_[a-z0-9_-]+)"', summary.group(1))
    assert links == ["id_ended_at", "id_i-0-responsible_unit", "id_i-1-description"]
    assert "Rad 1 – Ansvarig verksamhet: Välj ett giltigt alternativ." in summary.group(1)
    assert "Rad 2 – Insats: Detta fält måste fyllas i." in summary.group(1)
    assert not PlanVersion.objects.exists()


def test_the_summary_shows_a_rows_error_when_the_form_itself_is_valid(
    sip,
    consents,
    meeting,
    held_form,  # noqa: F811
):
    response = _post_held(held_form, i__0__responsible_unit="999999")

    assert response.status_code == 200
    assert not response.context["form"].errors
    summary = re.search(
        r'<div class="error-summary[^>]*>(.*?)</div>', response.content.decode(), re.S
    )
    assert summary and 'href="#id_i-0-responsible_unit"' in summary.group(1)
