"""Log review (loggkontroll, issue 10): the audit log of a principal for its managers and
administrators. Scope per principal, every filter, the three quick views, names of children
with protected identity, the CSV export, the log of reading the log, bad filter input and a
bounded number of queries. The clock is frozen on 15 May 2026 (tests/dashboard/conftest.py)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.models import AuditAction, AuditEvent
from organisations.models import Role
from tests.factories import UnitFactory, member
from tests.placements.factories import ChildFactory, PlacementFactory, personnummer

pytestmark = pytest.mark.django_db

LOG = reverse("dashboard:logreview")
EXPORT = reverse("dashboard:logreview_export")
STOCKHOLM = ZoneInfo("Europe/Stockholm")
UTC = ZoneInfo("UTC")
# One bound for every size of the log.
PAGE_QUERIES = 13
EXPORT_QUERIES = 9


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=STOCKHOLM)


def event(action, user=None, unit=None, child=None, on=date(2026, 5, 10), hour=10, **fields):
    fields.setdefault("object_type", "placements.child" if child else "")
    fields.setdefault("object_id", str(child.pk) if child else "")
    return AuditEvent.objects.create(
        at=at(on, hour),
        action=action,
        user=user,
        unit=unit,
        child_id=child.pk if child else None,
        **fields,
    )


@pytest.fixture
def gbg_child(goteborg, gbg_social):
    return ChildFactory(
        first_name="Alva",
        last_name="Göransson",
        birth_date=date(2014, 2, 1),
        identity_number=personnummer(date(2014, 2, 1), 987),
        home_municipality=goteborg,
        responsible_unit=gbg_social,
    )


@pytest.fixture
def gbg_protected(goteborg, gbg_social):
    return ChildFactory(
        first_name="Siri",
        last_name="Skyddad",
        birth_date=date(2013, 6, 2),
        identity_number=personnummer(date(2013, 6, 2), 321),
        home_municipality=goteborg,
        responsible_unit=gbg_social,
        protected_identity=True,
    )


@pytest.fixture
def mdl_child(molndal, mdl_social):
    return ChildFactory(
        first_name="Omar",
        last_name="Hassan",
        home_municipality=molndal,
        responsible_unit=mdl_social,
    )


@pytest.fixture
def log(
    gbg_child,
    gbg_protected,
    mdl_child,
    gbg_caseworker,
    mdl_caseworker,
    bup_clinician,
    gbg_social,
    mdl_social,
    bup,
):
    """One row of each kind, by name."""
    return {
        "gbg_view": event(
            AuditAction.VIEW, gbg_caseworker, gbg_social, gbg_child, on=date(2026, 5, 1)
        ),
        "bup_view": event(AuditAction.VIEW, bup_clinician, bup, gbg_child, on=date(2026, 5, 2)),
        "mdl_denied": event(
            AuditAction.DENIED,
            mdl_caseworker,
            mdl_social,
            gbg_child,
            on=date(2026, 5, 3),
            details={"action": "view"},
        ),
        "protected_view": event(
            AuditAction.VIEW, gbg_caseworker, gbg_social, gbg_protected, on=date(2026, 5, 4)
        ),
        "mdl_view": event(
            AuditAction.VIEW, mdl_caseworker, mdl_social, mdl_child, on=date(2026, 5, 5)
        ),
        "failed_login": event(
            AuditAction.LOGIN_FAILED, on=date(2026, 5, 6), details={"username": "x@y.example"}
        ),
        "gbg_update": event(
            AuditAction.UPDATE,
            gbg_caseworker,
            gbg_social,
            gbg_child,
            on=date(2026, 5, 7),
            details={"address": ["Storgatan 1", "Hemliga vägen 9"]},
        ),
    }


def shown(response) -> set[int]:
    """The rows listed, but the sign-in rows the test client's logins write."""
    return {e.pk for e in response.context["events"] if e.action != AuditAction.LOGIN}


def names(log, *keys) -> set[int]:
    return {log[k].pk for k in keys}


def log_rows() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type="core.auditevent").order_by("pk"))


# --- who may read, and what ------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.CLINICIAN])
def test_other_roles_get_404_with_a_denied_row(client_for, gbg_social, log, role):
    user = member(gbg_social, role)
    for url in (LOG, EXPORT):
        response = client_for(user).get(url)
        assert response.status_code == 404
    denied = AuditEvent.objects.filter(user=user, action=AuditAction.DENIED)
    assert denied.count() == 2
    assert {e.object_type for e in denied} == {"core.auditevent"}


def test_goteborg_manager_reads_goteborg_staff_units_and_children(client_for, gbg_manager, log):
    response = client_for(gbg_manager).get(LOG)
    assert response.status_code == 200
    assert shown(response) == names(
        log, "gbg_view", "bup_view", "mdl_denied", "protected_view", "gbg_update"
    )


def test_goteborg_administrator_reads_the_same(client_for, gbg_admin, log):
    response = client_for(gbg_admin).get(LOG)
    assert shown(response) == names(
        log, "gbg_view", "bup_view", "mdl_denied", "protected_view", "gbg_update"
    )


def test_another_principals_manager_sees_none_of_them(client_for, mdl_manager, log):
    """Mölndal sees its own caseworker's rows (the denied attempt on a Göteborg child is its
    staff's doing), and nothing that is only Göteborg's."""
    response = client_for(mdl_manager).get(LOG)
    assert shown(response) == names(log, "mdl_denied", "mdl_view")


def test_region_administrator_reads_its_clinicians_rows(client_for, bup, log):
    admin = member(bup, Role.ADMINISTRATOR)
    response = client_for(admin).get(LOG)
    assert shown(response) == names(log, "bup_view")


def test_a_child_placed_by_another_principal_is_in_both_scopes(
    client_for, gbg_child, mdl_social, mdl_manager, gbg_manager, gbg_caseworker, gbg_social, log
):
    PlacementFactory(child=gbg_child, placing_unit=mdl_social)
    response = client_for(mdl_manager).get(LOG)
    assert names(log, "gbg_view", "bup_view", "gbg_update") <= shown(response)
    assert log["protected_view"].pk not in shown(response)


def test_newest_first_and_times_in_swedish_time(client_for, gbg_manager, gbg_caseworker, log):
    late = AuditEvent.objects.create(
        at=datetime(2026, 5, 8, 21, 30, tzinfo=UTC),  # 23:30 in Stockholm (summer time)
        action=AuditAction.VIEW,
        user=gbg_caseworker,
    )
    response = client_for(gbg_manager).get(LOG)
    events = [e for e in response.context["events"] if e.action != AuditAction.LOGIN]
    assert events[0].pk == late.pk
    assert [e.at for e in events] == sorted((e.at for e in events), reverse=True)
    assert "2026-05-08 23:30:00" in response.content.decode()


def test_pagination(client_for, gbg_manager, gbg_caseworker, gbg_social):
    for i in range(55):
        event(AuditAction.VIEW, gbg_caseworker, gbg_social, on=date(2026, 4, 1) + timedelta(i))
    query = {"person": gbg_caseworker.pk}
    first = client_for(gbg_manager).get(LOG, query)
    second = client_for(gbg_manager).get(LOG, {**query, "page": 2})
    assert len(first.context["events"]) == 50
    assert len(second.context["events"]) == 5
    assert not shown(first) & shown(second)


# --- filters ---------------------------------------------------------------------------------


def test_filter_by_person(client_for, gbg_manager, gbg_caseworker, log):
    response = client_for(gbg_manager).get(LOG, {"person": gbg_caseworker.pk})
    assert shown(response) == names(log, "gbg_view", "protected_view", "gbg_update")


def test_person_choices_are_the_principals_members(client_for, gbg_manager, mdl_caseworker, log):
    response = client_for(gbg_manager).get(LOG, {"person": mdl_caseworker.pk})
    form = response.context["form"]
    assert "person" in form.errors
    assert shown(response) == set()


def test_filter_by_unit(client_for, gbg_admin, gbg_social, log):
    response = client_for(gbg_admin).get(LOG, {"unit": gbg_social.pk})
    assert shown(response) == names(log, "gbg_view", "protected_view", "gbg_update")


def test_unit_of_another_principal_is_refused(client_for, gbg_manager, mdl_social, log):
    response = client_for(gbg_manager).get(LOG, {"unit": mdl_social.pk})
    assert "unit" in response.context["form"].errors


@pytest.mark.parametrize("form", ["id", "12", "10", "12-dash", "10-dash"])
def test_filter_by_child(client_for, gbg_manager, gbg_child, log, form):
    number = gbg_child.identity_number
    value = {
        "id": str(gbg_child.pk),
        "12": number,
        "10": number[2:],
        "12-dash": f"{number[:8]}-{number[8:]}",
        "10-dash": f"{number[2:8]}-{number[8:]}",
    }[form]
    response = client_for(gbg_manager).get(LOG, {"child": value})
    assert shown(response) == names(log, "gbg_view", "bup_view", "mdl_denied", "gbg_update")


def test_filter_by_reserve_number(client_for, gbg_manager, goteborg, gbg_social, gbg_caseworker):
    child = ChildFactory(
        identity_number=None,
        reserve_number="RES-2026-00007",
        home_municipality=goteborg,
        responsible_unit=gbg_social,
    )
    row = event(AuditAction.VIEW, gbg_caseworker, gbg_social, child)
    response = client_for(gbg_manager).get(LOG, {"child": "res-2026-00007"})
    assert shown(response) == {row.pk}


def test_a_child_outside_the_scope_gives_nothing_not_an_error(client_for, mdl_manager, log):
    gbg_protected = AuditEvent.objects.get(pk=log["protected_view"].pk).child_id
    response = client_for(mdl_manager).get(LOG, {"child": str(gbg_protected)})
    assert response.context["form"].is_valid()
    assert shown(response) == set()


def test_filter_by_action(client_for, gbg_manager, log):
    response = client_for(gbg_manager).get(LOG, {"action": "update"})
    assert shown(response) == names(log, "gbg_update")


def test_filter_by_period_in_swedish_days(client_for, gbg_manager, gbg_caseworker, log):
    # 22:30 UTC on 2 May is 00:30 on 3 May in Stockholm.
    edge = AuditEvent.objects.create(
        at=datetime(2026, 5, 2, 22, 30, tzinfo=UTC), action=AuditAction.VIEW, user=gbg_caseworker
    )
    client = client_for(gbg_manager)
    response = client.get(LOG, {"date_from": "2026-05-03", "date_to": "2026-05-04"})
    assert shown(response) == names(log, "mdl_denied", "protected_view") | {edge.pk}
    response = client.get(LOG, {"date_to": "2026-05-02"})
    assert shown(response) == names(log, "gbg_view", "bup_view")


# --- quick views -----------------------------------------------------------------------------


def test_denied_attempts(client_for, gbg_manager, log):
    response = client_for(gbg_manager).get(LOG, {"view": "denied"})
    assert shown(response) == names(log, "mdl_denied")


def test_views_of_children_with_protected_identity(client_for, gbg_manager, log):
    response = client_for(gbg_manager).get(LOG, {"view": "protected"})
    assert shown(response) == names(log, "protected_view")


def test_views_outside_the_persons_own_cases(client_for, gbg_manager, log):
    """BUP's clinician is not in the child's responsible or placing unit: listed; the Göteborg
    caseworker viewing her own unit's children is not."""
    response = client_for(gbg_manager).get(LOG, {"view": "outside"})
    assert shown(response) == names(log, "bup_view")


def test_a_placing_unit_is_an_own_case(
    client_for, gbg_manager, gbg_child, mdl_social, mdl_caseworker, log
):
    PlacementFactory(child=gbg_child, placing_unit=mdl_social)
    row = event(AuditAction.VIEW, mdl_caseworker, mdl_social, gbg_child)
    response = client_for(gbg_manager).get(LOG, {"view": "outside"})
    assert row.pk not in shown(response)
    assert log["bup_view"].pk in shown(response)


def test_quick_view_combines_with_the_filter(client_for, gbg_manager, bup_clinician, log):
    response = client_for(gbg_manager).get(
        LOG, {"view": "outside", "person": bup_clinician.pk, "date_from": "2026-05-03"}
    )
    assert shown(response) == set()


def test_denied_row_of_a_hidden_object_carries_its_child(client_for, mdl_caseworker, gbg_child):
    """core.policy.get_or_404 records the child of the object it refused, so the child's
    principal finds the attempt."""
    response = client_for(mdl_caseworker).get(
        reverse("placements:child_detail", args=[gbg_child.pk])
    )
    assert response.status_code == 404
    row = AuditEvent.objects.filter(action=AuditAction.DENIED).latest("pk")
    assert row.child_id == gbg_child.pk


# --- protected identity and personal data on the page ----------------------------------------


def test_names_only_for_those_who_may_see_them(
    client_for, gbg_manager, gbg_admin, goteborg, gbg_child, gbg_protected, log
):
    page = client_for(gbg_manager).get(LOG).content.decode()
    assert "Alva Göransson" in page
    assert "Siri Skyddad" in page  # a manager of the responsible unit

    page = client_for(gbg_admin).get(LOG).content.decode()  # sees no children at all
    assert "Alva Göransson" not in page
    assert "Siri Skyddad" not in page
    assert "20130602-XXXX" in page
    assert "Skyddade personuppgifter" in page

    other_unit = UnitFactory(principal=goteborg, name="Socialtjänsten Nordost")
    other_manager = member(other_unit, Role.MANAGER)
    page = client_for(other_manager).get(LOG).content.decode()
    assert "Siri Skyddad" not in page
    assert "20130602-XXXX" in page


def test_changed_values_and_full_numbers_are_not_shown(client_for, gbg_manager, gbg_child, log):
    page = client_for(gbg_manager).get(LOG).content.decode()
    assert "Hemliga vägen" not in page
    assert "address" in page  # the changed field's name only
    assert gbg_child.identity_number not in page


# --- CSV -------------------------------------------------------------------------------------


def read_csv(response) -> list[list[str]]:
    assert response.streaming
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


def test_csv_export_of_the_filtered_log(client_for, gbg_manager, gbg_caseworker, gbg_child, log):
    response = client_for(gbg_manager).get(EXPORT, {"person": gbg_caseworker.pk})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="loggkontroll-')
    rows = read_csv(response)
    assert rows[0] == [
        "Tid (svensk tid)",
        "Person",
        "E-postadress",
        "Verksamhet",
        "Huvudman",
        "Händelse",
        "Objekttyp",
        "Objekt-id",
        "Barnets id",
        "Barn (maskerat nummer)",
        "Skyddade personuppgifter",
        "Sida",
        "Detaljer",
    ]
    body = rows[1:]
    assert len(body) == 3
    assert [r[0] for r in body] == [
        "2026-05-07 10:00:00",
        "2026-05-04 10:00:00",
        "2026-05-01 10:00:00",
    ]
    update = body[0]
    assert update[2] == gbg_caseworker.email
    assert update[3] == "Socialtjänsten Göteborg"
    assert update[5] == "Ändring"
    assert update[8] == str(gbg_child.pk)
    assert update[9] == "20140201-XXXX"
    assert body[1][10] == "ja"
    text = "\n".join(";".join(r) for r in rows)
    assert "Alva" not in text and "Siri" not in text and "Hemliga" not in text


def test_csv_cells_cannot_start_a_formula(client_for, gbg_manager, gbg_social):
    evil = member(gbg_social, Role.CASEWORKER, first_name="=HYPERLINK(1)", last_name="X")
    event(AuditAction.VIEW, evil, gbg_social)
    rows = read_csv(client_for(gbg_manager).get(EXPORT, {"person": evil.pk}))
    assert rows[1][1] == "'=HYPERLINK(1) X"


def test_export_with_a_bad_filter_shows_the_page_with_the_error(client_for, gbg_manager, log):
    response = client_for(gbg_manager).get(EXPORT, {"date_from": "2026-02-30"})
    assert response.status_code == 200
    assert not getattr(response, "streaming", False)
    assert "date_from" in response.context["form"].errors


# --- reading the log is logged ---------------------------------------------------------------


def test_page_view_is_logged_with_its_filter(
    client_for, gbg_manager, gbg_caseworker, gbg_child, gbg_social, log
):
    client_for(gbg_manager).get(
        LOG,
        {
            "person": gbg_caseworker.pk,
            "child": gbg_child.identity_number,
            "view": "denied",
            "date_from": "2026-05-01",
        },
    )
    [row] = log_rows()
    assert row.action == AuditAction.VIEW
    assert row.user == gbg_manager
    assert row.unit == gbg_social
    filters = row.details["filters"]
    assert filters == {
        "person": gbg_caseworker.pk,
        "child": "20140201-XXXX",
        "view": "denied",
        "date_from": "2026-05-01",
    }
    assert row.details["count"] == 0


def test_export_is_logged(client_for, gbg_manager, log):
    response = client_for(gbg_manager).get(EXPORT, {"action": "denied"})
    read_csv(response)
    [row] = log_rows()
    assert row.action == AuditAction.EXPORT
    assert row.details["filters"] == {"action": "denied"}


def test_the_log_of_the_log_shows_in_the_log(client_for, gbg_manager, log):
    client = client_for(gbg_manager)
    client.get(LOG)
    response = client.get(LOG, {"person": gbg_manager.pk, "action": "view"})
    [row] = response.context["events"]
    assert row.object_type == "core.auditevent"


# --- bad input -------------------------------------------------------------------------------


def field_error(html: str, field: str) -> str:
    """The error block the form shows next to (under) the field."""
    start = html.index(f'id="id_{field}_error"')
    return html[start : html.index("</div>", start)]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("date_from", "2026-13-01", "Fyll i ett giltigt datum."),
        ("date_from", "1899-12-31", "Ange ett datum mellan 1900-01-01 och 2100-12-31."),
        ("date_to", "2101-01-01", "Ange ett datum mellan 1900-01-01 och 2100-12-31."),
        ("date_to", "10000-01-01", "Fyll i ett giltigt datum."),
        ("child", "abc", "Ange ett personnummer"),
        ("child", "20140201-0000", "Ange ett personnummer"),
        ("action", "drop", "Välj ett giltigt alternativ."),
        ("person", "999999", "Välj ett giltigt alternativ."),
    ],
)
def test_bad_filter_gives_a_swedish_error_next_to_the_field(
    client_for, gbg_manager, log, field, value, message
):
    response = client_for(gbg_manager).get(LOG, {field: value})
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert message in field_error(response.content.decode(), field)
    assert shown(response) == set()


def test_to_before_from_is_an_error_on_the_to_date(client_for, gbg_manager, log):
    response = client_for(gbg_manager).get(
        LOG, {"date_from": "2026-05-10", "date_to": "2026-05-01"}
    )
    assert response.context["form"].errors["date_to"] == [
        "Till-datumet får inte vara före från-datumet."
    ]


VALUES = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "9999-12-31",
            "0001-01-01",
            "1900-01-01",
            "2100-12-31",
            "2026-02-29",
            "31/12/2026",
            "-1",
            "0",
            str(2**63),
            str(10**25),
            "1" * 12,
            "RES-0000-00000",
            "a\x00b",
            "x" * 5000,
        ]
    ),
)
FIELDS = ["person", "child", "unit", "action", "date_from", "date_to", "view", "page"]


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=4))
def test_any_filter_input_is_a_page_never_a_500(client_for, gbg_manager, log, data):
    client = client_for(gbg_manager)
    for url in (LOG, EXPORT):
        response = client.get(url, data)
        assert response.status_code == 200
        form = response.context["form"] if not getattr(response, "streaming", False) else None
        if form is not None and not form.is_valid():
            html = response.content.decode()
            for field in form.errors:
                assert field_error(html, field)
            assert "Rätta filtret för att se loggen." in html


# --- navigation and queries ------------------------------------------------------------------


def test_navigation_link_for_managers_and_administrators_only(
    client_for, gbg_manager, gbg_admin, gbg_caseworker
):
    start = reverse("start")
    link = f'href="{LOG}"'
    assert link in client_for(gbg_manager).get(start).content.decode()
    assert link in client_for(gbg_admin).get(start).content.decode()
    assert link not in client_for(gbg_caseworker).get(start).content.decode()
    assert "Loggkontroll" in client_for(gbg_manager).get(start).content.decode()


def many_events(n, units, users, children):
    for i in range(n):
        event(
            [AuditAction.VIEW, AuditAction.DENIED, AuditAction.UPDATE][i % 3],
            users[i % len(users)],
            units[i % len(units)],
            children[i % len(children)],
            on=date(2026, 1, 1) + timedelta(days=i % 120),
        )


@pytest.mark.parametrize("size", [3, 60])
@pytest.mark.parametrize("view", ["", "denied", "protected", "outside"])
def test_page_queries_are_bounded(
    client_for,
    django_assert_max_num_queries,
    gbg_manager,
    gbg_caseworker,
    bup_clinician,
    gbg_social,
    bup,
    goteborg,
    size,
    view,
):
    children = [
        ChildFactory(
            home_municipality=goteborg, responsible_unit=gbg_social, protected_identity=i % 2
        )
        for i in range(min(size, 20))
    ]
    many_events(size, [gbg_social, bup], [gbg_caseworker, bup_clinician], children)
    client = client_for(gbg_manager)
    with django_assert_max_num_queries(PAGE_QUERIES):
        response = client.get(LOG, {"view": view})
    assert response.status_code == 200
    with django_assert_max_num_queries(EXPORT_QUERIES):
        response = client.get(EXPORT, {"view": view})
        read_csv(response)


def test_statements_and_details_are_named_for_the_reviewer_in_swedish(
    client_for, gbg_manager, gbg_caseworker, gbg_social
):
    """A statement, a report or an import is no model: named for the reviewer, not by the
    internal type; the details' keys in Swedish (the values as recorded)."""
    event(
        AuditAction.EXPORT,
        gbg_caseworker,
        gbg_social,
        object_type="agreements.statement",
        details={"month": "2026-04", "format": "csv"},
    )
    event(AuditAction.VIEW, gbg_caseworker, gbg_social, object_type="followup.report")
    event(AuditAction.DENIED, gbg_caseworker, gbg_social, details={"action": "view"})
    html = client_for(gbg_manager).get(LOG, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "Kostnadsredovisning" in html and "Rapport för årlig uppföljning" in html
    assert "månad: 2026-04; format: csv" in html
    assert "händelse: visning" in html  # the recorded "view", by its name in the log
    assert "agreements.statement" not in html and "followup.report" not in html
