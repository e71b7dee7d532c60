"""The next-step panel's "You can now" line (``Panel.mine``): when the case's next step is
someone else's (the region's signature), the first open step this user can take is named too
(found by an exploratory review: the caseworker's own examination steps lay further down)."""

from __future__ import annotations

from dashboard.next_steps import Panel, StepView
from domain import next_steps as rules


def _view(
    kind: rules.StepKind, state: rules.StepState, *, link: str = "", who: str = ""
) -> StepView:
    step = rules.Step(kind=kind, rule="R-X", state=state)
    return StepView(
        step=step,
        title=kind.value,
        state_label="",
        badge="",
        icon="",
        when="",
        reasons=[],
        link_url=link,
        link_label="Gör" if link else "",
        who=who,
    )


def _panel(steps: list[StepView], exams: list[StepView]) -> Panel:
    return Panel(
        placement=None,  # type: ignore[arg-type]
        name="Alva – HVB",
        is_acute=False,
        steps=steps,
        exam_steps=exams,
        deadlines=[],
    )


DONE, DUE = rules.StepState.DONE, rules.StepState.DUE


def test_another_partys_step_next_names_the_users_own_step_further_down():
    sign = _view(rules.StepKind.SIGNED_BY_REGION, DUE, who="Regionen signerar.")
    exam = _view(rules.StepKind.HEALTH_EXAM, DUE, link="/us/1/")
    panel = _panel([_view(rules.StepKind.SIP_INITIATED, DONE), sign], [exam])

    assert panel.current is sign
    assert panel.mine is exam


def test_no_second_line_when_the_next_step_is_the_users_own_or_none_is():
    own = _view(rules.StepKind.SENT_FOR_SIGNATURE, DUE, link="/send/")
    exam = _view(rules.StepKind.HEALTH_EXAM, DUE, link="/us/1/")
    assert _panel([own], [exam]).mine is None

    sign = _view(rules.StepKind.SIGNED_BY_REGION, DUE, who="Regionen signerar.")
    waiting_exam = _view(rules.StepKind.HEALTH_EXAM, DUE, who="Handläggaren gör detta.")
    assert _panel([sign], [waiting_exam]).mine is None
    assert _panel([_view(rules.StepKind.SIP_INITIATED, DONE)], []).mine is None
