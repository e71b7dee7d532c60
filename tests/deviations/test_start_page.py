"""R-DEV-1: the receiving units answer a deviation within the area's days; everyone's start
page lists what waits for their units (receive, answer), the earliest answer date first, and
nothing of other units or of deviations already answered or passed on."""

from __future__ import annotations

import pytest
from django.urls import reverse

from deviations import services
from domain import deviations as rules
from domain.levels import Level
from tests.deviations.conftest import report
from tests.html import section_of

pytestmark = pytest.mark.django_db

START = reverse("start")


def _section(html: str) -> str:
    return section_of(html, "deviations-heading")


def test_the_receiving_unit_sees_what_to_do_and_by_when(w, client_for, time_machine):
    deviation = report(w)  # Göteborg to BUP, reported 2 March, due 12 March (10 days)
    section = _section(
        client_for(w.clinician).get(START, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    )
    assert reverse("deviations:deviation_detail", args=[deviation.pk]) in section
    assert "bekräfta mottagandet och besvara senast 2026-03-12" in section
    assert "rapporterad av Göteborg" in section
    assert "försenad" not in section

    services.deviation_step(user=w.clinician, deviation=deviation, action="receive")
    time_machine.shift(86400 * 11)  # 13 March: a day after the due day
    section = _section(
        client_for(w.clinician).get(START, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    )
    assert "besvara senast 2026-03-12" in section and "bekräfta" not in section
    assert "(försenad)" in section


def test_nothing_once_answered_or_passed_on_and_nothing_for_others(w, client_for):
    answered = report(w)
    services.deviation_step(user=w.clinician, deviation=answered, action="receive")
    services.deviation_step(user=w.clinician, deviation=answered, action="answer", text="Svar.")
    escalated = report(w)
    services.deviation_step(user=w.caseworker, deviation=escalated, action="escalate", text="x")
    assert _section(client_for(w.clinician).get(START).content.decode()) == ""

    waiting = report(w)
    # The reporter, another municipality, another region unit and a body member see no item.
    for user in (w.caseworker, w.mdl_caseworker, w.gp, w.gr_member):
        html = client_for(user).get(START).content.decode()
        assert reverse("deviations:deviation_detail", args=[waiting.pk]) not in _section(html)


def test_a_deviation_to_the_municipality_without_a_unit_goes_to_its_social_services(w, client_for):
    deviation = report(
        w,
        user=w.clinician,
        unit=w.bup,
        receiving_unit_id=None,
        receiving_principal_id=w.goteborg.pk,
    )
    section = _section(client_for(w.caseworker).get(START).content.decode())
    assert reverse("deviations:deviation_detail", args=[deviation.pk]) in section
    assert _section(client_for(w.teacher).get(START).content.decode()) == ""


def test_at_most_five_the_earliest_first_and_a_link_to_all(w, client_for, time_machine):
    first = report(w)
    time_machine.shift(86400)
    for _ in range(5):
        report(w)
    section = _section(
        client_for(w.clinician).get(START, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    )
    assert section.count("<li>") == 5
    assert section.index(f'/{first.pk}/"') < section.index("</li>")
    assert "Alla 6 avvikelser att besvara" in section


def test_the_statuses_the_receiver_acts_on_are_the_next_steps_ones():
    """The selector's statuses (rules.AWAITING_RECEIVER) are those whose next step at the
    local level is the receiver's (rules.next_step)."""
    from datetime import date

    for status in rules.Status:
        step = rules.next_step(
            status=status, level=Level.LOCAL, due_on=date(2026, 3, 12), today=date(2026, 3, 2)
        )
        assert (step.party == rules.Party.RECEIVER) == (status in rules.AWAITING_RECEIVER)


def test_the_start_page_asks_one_query_for_it(w, client_for, django_assert_max_num_queries):
    for _ in range(3):
        report(w)
    client = client_for(w.clinician)
    client.get(START)
    with django_assert_max_num_queries(14) as captured:
        client.get(START)
    assert sum("deviations_deviation" in q["sql"] for q in captured.captured_queries) == 1


def test_every_deviation_listed_is_within_the_persons_scope(w, client_for):
    """The panel asks the receiver part of the policy only (issue 13): whatever it lists is
    inside ``visible`` for that person, for every kind of person."""
    from core.policy import visible
    from deviations.models import Deviation
    from deviations.selectors import awaiting_my_units

    report(w)
    report(
        w,
        user=w.clinician,
        unit=w.bup,
        receiving_unit_id=None,
        receiving_principal_id=w.goteborg.pk,
    )
    report(w, user=w.mdl_caseworker, unit=w.mdl_social, receiving_unit_id=w.primary_care.pk)
    from datetime import date

    for user in (
        w.caseworker,
        w.manager,
        w.teacher,
        w.clinician,
        w.gp,
        w.region_manager,
        w.mdl_caseworker,
        w.gr_member,
        w.admin,
    ):
        items, _count = awaiting_my_units(user, today=date(2026, 3, 2))
        scope = set(visible(user, Deviation).values_list("pk", flat=True))
        assert {i.deviation.pk for i in items} <= scope
