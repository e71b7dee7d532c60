"""R-DEV-1: reporting and handling deviations through the services."""

from __future__ import annotations

from datetime import date

import pytest

from core.models import AuditEvent
from deviations import services
from deviations.models import AreaReport, Deviation, DeviationEvent, DeviationStatus
from domain import deviations as rules
from domain.errors import RuleViolation, violations_of
from tests.deviations.conftest import TODAY, data, report


def fields_of(error: RuleViolation) -> set[str | None]:
    return {v.field for v in violations_of(error)}


def test_r_dev_1_models_status_mirrors_the_domain():
    assert set(DeviationStatus.values) == {s.value for s in rules.Status}


def test_r_dev_1_a_municipal_unit_reports_to_its_region(w):
    deviation = report(w)
    assert deviation.reporting_principal == w.goteborg
    assert deviation.receiving_principal == w.region
    assert deviation.receiving_unit == w.bup
    assert deviation.sub_region == w.gr
    assert (deviation.status, deviation.level) == ("reported", "local")
    # Göteborgsregionen's routine: 10 days. Reported Monday 2 March 2026 -> Thursday 12 March.
    assert deviation.answer_due_on == date(2026, 3, 12)
    assert deviation.reported_on == TODAY
    assert list(deviation.events.values_list("kind", flat=True)) == ["reported"]
    row = AuditEvent.objects.get(object_type="deviations.deviation", object_id=str(deviation.pk))
    assert (row.action, row.user, row.unit) == ("create", w.caseworker, w.gbg_social)


def test_r_dev_1_the_area_decides_the_answer_time(w):
    # Fyrbodal's routine: 21 days. 2 March + 21 = 23 March 2026.
    deviation = report(w, user=w.udd_caseworker, unit=w.udd_social)
    assert (deviation.sub_region, deviation.answer_due_on) == (w.fyrbodal, date(2026, 3, 23))


def test_r_dev_1_a_municipality_outside_any_area_gets_the_default_14_days(w):
    deviation = report(w, user=w.lonely_caseworker, unit=w.lonely_social)
    assert deviation.sub_region is None
    assert deviation.answer_due_on == date(2026, 3, 16)


def test_r_dev_1_a_school_reports_too(w):
    deviation = report(w, user=w.teacher, unit=w.gbg_school, receiving_unit_id=w.primary_care.pk)
    assert deviation.reporting_unit == w.gbg_school


def test_r_dev_1_a_region_unit_reports_to_a_chosen_municipality(w):
    deviation = services.report_deviation(
        user=w.clinician,
        unit=w.bup,
        data=data(receiving_principal_id=w.goteborg.pk, category="information_not_shared"),
    )
    assert (deviation.reporting_principal, deviation.receiving_principal) == (w.region, w.goteborg)
    assert deviation.receiving_unit is None
    assert deviation.sub_region == w.gr


def test_r_dev_1_a_region_unit_must_choose_the_municipality(w):
    with pytest.raises(RuleViolation) as exc:
        services.report_deviation(user=w.clinician, unit=w.bup, data=data())
    assert "receiving_principal" in fields_of(exc.value)


def test_r_dev_1_a_deviation_to_the_region_names_the_unit(w):
    with pytest.raises(RuleViolation) as exc:
        report(w, receiving_unit_id=None)
    assert fields_of(exc.value) == {"receiving_unit"}


def test_r_dev_1_the_receiving_unit_belongs_to_the_other_principal(w):
    with pytest.raises(RuleViolation) as exc:
        report(w, receiving_unit_id=w.mdl_social.pk)
    assert fields_of(exc.value) == {"receiving_unit"}


def test_r_dev_1_only_for_a_unit_one_works_in(w):
    with pytest.raises(RuleViolation) as exc:
        report(w, unit=w.mdl_social)
    assert exc.value.field == "unit"
    with pytest.raises(RuleViolation):
        report(w, user=w.gr_member, unit=w.gbg_social)


def test_r_dev_1_every_error_of_a_report_at_once(w):
    with pytest.raises(RuleViolation) as exc:
        report(
            w,
            category="nonsense",
            occurred_on=date(2026, 3, 3),
            agreed=" ",
            happened="x" * 4001,
        )
    assert fields_of(exc.value) == {"category", "occurred_on", "agreed", "happened"}


def test_r_dev_1_a_linked_child_placement_and_agreement_must_be_visible_and_concerned(w):
    # Mölndal's child is not the Göteborg caseworker's to see.
    with pytest.raises(RuleViolation) as exc:
        report(w, child_id=w.mdl_child.pk, placement_id=w.mdl_placement.pk, agreement_id=10**6)
    assert fields_of(exc.value) == {"child", "placement", "agreement"}
    assert not Deviation.objects.exists()


def test_r_dev_1_a_placement_of_another_child_is_refused(w):
    other = w.protected
    with pytest.raises(RuleViolation) as exc:
        report(w, child_id=other.pk, placement_id=w.placement.pk)
    assert fields_of(exc.value) == {"placement"}


def test_r_dev_1_the_placement_links_its_child(w):
    deviation = report(w, placement_id=w.placement.pk)
    assert (deviation.child, deviation.placement) == (w.child, w.placement)
    row = AuditEvent.objects.get(object_type="deviations.deviation", action="create")
    assert row.child_id == w.child.pk


def test_r_dev_1_received_answered_and_closed_locally(w):
    deviation = report(w)
    deviation = services.deviation_step(user=w.clinician, deviation=deviation, action="receive")
    deviation = services.deviation_step(
        user=w.clinician, deviation=deviation, action="answer", text="Vi har bokat ny tid."
    )
    deviation = services.deviation_step(
        user=w.caseworker, deviation=deviation, action="close", text="Löst lokalt."
    )
    assert (deviation.status, deviation.level, deviation.closed_on) == ("closed", "local", TODAY)
    assert deviation.outcome == "Löst lokalt."
    kinds = list(deviation.events.values_list("kind", "by__email"))
    assert kinds == [
        ("reported", "hanna@gbg.example"),
        ("received", "bjorn@bup.example"),
        ("answered", "bjorn@bup.example"),
        ("closed", "hanna@gbg.example"),
    ]
    transitions = AuditEvent.objects.filter(object_type="deviations.deviation", action="transition")
    assert [r.details["step"] for r in transitions.order_by("pk")] == [
        "receive",
        "answer",
        "close",
    ]


@pytest.mark.parametrize(
    ("who", "action"),
    [
        ("caseworker", "receive"),  # the reporter does not receive its own report
        ("clinician", "answer"),  # not received yet
        ("clinician", "close"),  # not answered yet
        ("gp", "receive"),  # another unit of the region
        ("gr_member", "answer"),  # the body acts only above the local level
        ("manager", "receive"),  # a manager follows, the receiving unit acts
    ],
)
def test_r_dev_1_a_forbidden_step_is_refused(w, who, action):
    deviation = report(w)
    with pytest.raises(RuleViolation) as exc:
        services.deviation_step(
            user=getattr(w, who), deviation=deviation, action=action, text="text"
        )
    assert exc.value.rule == "R-DEV-1"
    deviation.refresh_from_db()
    assert deviation.status == "reported"
    assert deviation.events.count() == 1


def test_r_dev_1_passed_to_the_sub_regional_and_then_the_regional_level(w, time_machine):
    deviation = report(w)
    time_machine.shift(86400 * 5)  # Saturday 7 March 2026
    deviation = services.deviation_step(
        user=w.caseworker, deviation=deviation, action="escalate", text="Inget svar."
    )
    assert (deviation.status, deviation.level) == ("escalated", "sub_regional")
    # A new answer deadline for the body: 7 March + 10 days = 17 March 2026.
    assert deviation.answer_due_on == date(2026, 3, 17)
    with pytest.raises(RuleViolation):  # the parties no longer move it
        services.deviation_step(user=w.caseworker, deviation=deviation, action="close", text="x")
    with pytest.raises(RuleViolation):  # nor another area's body
        services.deviation_step(
            user=w.fyrbodal_member, deviation=deviation, action="answer", text="x"
        )
    deviation = services.deviation_step(
        user=w.gr_member, deviation=deviation, action="escalate", text="Systemfråga."
    )
    assert (deviation.status, deviation.level) == ("escalated", "regional")
    deviation = services.deviation_step(
        user=w.lisa_member, deviation=deviation, action="answer", text="Ny rutin."
    )
    deviation = services.deviation_step(
        user=w.lisa_member, deviation=deviation, action="close", text="Rutinen ändrad."
    )
    assert (deviation.status, deviation.level, deviation.outcome) == (
        "closed",
        "regional",
        "Rutinen ändrad.",
    )
    assert list(deviation.events.values_list("level", flat=True)) == [
        "local",
        "sub_regional",
        "regional",
        "regional",
        "regional",
    ]


def test_r_dev_1_without_an_area_the_matter_goes_straight_to_the_regional_level(w):
    deviation = report(w, user=w.lonely_caseworker, unit=w.lonely_social)
    deviation = services.deviation_step(
        user=w.lonely_caseworker, deviation=deviation, action="escalate", text="x"
    )
    assert deviation.level == "regional"


def test_r_dev_1_a_closed_deviation_takes_no_more_steps(w):
    deviation = report(w)
    for user, action in (
        (w.clinician, "receive"),
        (w.clinician, "answer"),
        (w.clinician, "close"),
    ):
        deviation = services.deviation_step(user=user, deviation=deviation, action=action, text="t")
    with pytest.raises(RuleViolation) as exc:
        services.deviation_step(user=w.caseworker, deviation=deviation, action="comment", text="t")
    assert "closed" in exc.value.message


def test_r_dev_1_a_comment_keeps_the_status(w):
    deviation = report(w)
    deviation = services.deviation_step(
        user=w.caseworker, deviation=deviation, action="comment", text="Tillägg."
    )
    assert deviation.status == "reported"
    assert deviation.events.filter(kind=DeviationEvent.Kind.COMMENT).count() == 1


# --- the area report -------------------------------------------------------------------------

PERIOD = rules.Period(date(2026, 1, 1), date(2026, 12, 31))


def test_r_dev_1_the_area_body_writes_and_submits_its_report(w):
    texts = services.AreaReportTexts(system_deficiencies="Kallelser når inte BUP.")
    saved = services.area_report_save(user=w.gr_member, sub_region=w.gr, period=PERIOD, texts=texts)
    assert saved.submitted_at is None
    submitted = services.area_report_save(
        user=w.gr_member, sub_region=w.gr, period=PERIOD, texts=texts, submit=True
    )
    assert submitted.pk == saved.pk and submitted.submitted_by == w.gr_member
    with pytest.raises(RuleViolation):
        services.area_report_save(user=w.gr_member, sub_region=w.gr, period=PERIOD, texts=texts)
    assert AuditEvent.objects.filter(object_type="deviations.areareport").count() == 2


@pytest.mark.parametrize("who", ["fyrbodal_member", "lisa_member", "caseworker"])
def test_r_dev_1_only_the_areas_body_writes_its_report(w, who):
    with pytest.raises(RuleViolation):
        services.area_report_save(
            user=getattr(w, who),
            sub_region=w.gr,
            period=PERIOD,
            texts=services.AreaReportTexts(),
        )
    assert not AreaReport.objects.exists()


def test_r_dev_1_a_null_character_from_the_api_is_a_field_error(w):
    with pytest.raises(RuleViolation) as exc:
        report(w, happened="a\x00b")
    assert fields_of(exc.value) == {"happened"}
    deviation = report(w)
    with pytest.raises(RuleViolation) as exc:
        services.deviation_step(
            user=w.caseworker, deviation=deviation, action="comment", text="\x00"
        )
    assert exc.value.field == "text"
