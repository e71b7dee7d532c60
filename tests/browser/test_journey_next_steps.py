"""Issue 12, browser journey: a caseworker registers a planned placement and takes it to
started by following only the links of the next-step panel on the placement page: SIP,
both guardians' consent, the SIP meeting booked and held with its plan, the cost meeting,
the agreement drafted and sent; the municipal and the BUP signatory each sign from their own
panel link with a one-time code; then the start. At every step the panel shows the step done
and the next one. axe: no serious or critical violation on the placement page at 1280 px and
at 390 px."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp

from agreements.models import AgreementVersion, CostMeeting
from agreements.signing.pki import PkiPaths
from organisations.demo import DEMO_PASSWORD, DEMO_TOTP_KEYS, seed_organisations
from organisations.models import Principal, Unit, User
from placements.demo import seed_children
from placements.models import Child, Placement, RelatedPerson
from sip.models import Sip
from tests.browser.conftest import assert_no_serious_axe_violations, login
from tests.browser.journey_setup import BUP_SIGNATORY, CASEWORKER, MUNICIPAL_SIGNATORY
from tests.browser.test_journey_signing import issue_certificates
from tests.placements.factories import personnummer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FORM = "main form[method=post]"
PANEL = "main section.next-steps"


def submit(page) -> None:
    with page.expect_navigation():
        page.click(f"{FORM} button[type=submit]")


def errors(page) -> list[str]:
    return page.locator(".invalid-feedback, .alert-danger, .errorlist").all_inner_texts()


@pytest.fixture
def dev_pki(settings, tmp_path):
    settings.SIGNING_KEY_DIR = tmp_path / "signing"
    return PkiPaths(settings.SIGNING_KEY_DIR)


class Panel:
    """The next-step panel of one placement page, read as the user sees it."""

    def __init__(self, page, live_server, placement_url: str) -> None:
        self.page, self.live_server, self.url = page, live_server, placement_url

    def open(self) -> None:
        self.page.goto(self.live_server.url + self.url)
        assert self.page.locator(PANEL).count() == 1

    def step(self, title: str):
        return self.page.locator(f"{PANEL} ol > li", has_text=title).first

    def assert_done(self, title: str) -> None:
        # Steps done before the first open one are folded ("N steg klara"): read as text.
        text = self.step(title).text_content() or ""
        assert "Genomförd" in text and "klart" in text, text

    def assert_next(self, title: str) -> None:
        current = self.page.locator(f"{PANEL} li[aria-current=step]")
        assert current.count() == 1
        assert title in current.inner_text(), current.inner_text()

    def follow(self, href: str) -> None:
        """Click the panel's own link to ``href`` (and nothing else on the page)."""
        link = self.page.locator(f"{PANEL} a[href='{href}']")
        assert link.count() == 1, self.page.locator(PANEL).inner_text()
        with self.page.expect_navigation():
            link.click()


def new_child(today: date) -> Child:
    """A Göteborg child with two guardians and no placement yet."""
    goteborg = Principal.objects.get(name="Göteborg")
    unit = Unit.objects.get(principal=goteborg, kind=Unit.Kind.SOCIAL_SERVICES)
    birth = date(today.year - 12, 4, 3)
    child = Child.objects.create(
        identity_number=personnummer(birth, 411),
        first_name="Tove",
        last_name="Lindqvist",
        birth_date=birth,
        home_municipality=goteborg,
        responsible_unit=unit,
        address="Lindgatan 4, Göteborg",
    )
    for name, relation in (("Anna Lindqvist", "mamma"), ("Jon Lindqvist", "pappa")):
        RelatedPerson.objects.create(child=child, kind="guardian", name=name, relation=relation)
    return child


def sign_from_panel(browser, live_server, *, email: str, placement_url: str, version) -> None:
    """A signatory signs in (own browser), opens the placement, follows the panel's sign link
    and signs with a fresh one-time code."""
    context = browser.new_context(locale="sv-SE", timezone_id="Europe/Stockholm")
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        login(page, live_server, email, DEMO_PASSWORD)
        panel = Panel(page, live_server, placement_url)
        panel.open()
        sign_url = reverse("agreements:version_sign", args=[version.pk])
        panel.follow(sign_url)
        assert_no_serious_axe_violations(page)
        code = totp(bytes.fromhex(DEMO_TOTP_KEYS[email]))
        page.fill("#id_token", f"{code:06d}")
        submit(page)
        detail = reverse("agreements:agreement_detail", args=[version.agreement_id])
        assert page.url == live_server.url + detail, errors(page)
        panel.open()
        assert page.locator(f"{PANEL} a[href='{sign_url}']").count() == 0
    finally:
        context.close()


def test_caseworker_takes_a_planned_placement_to_started_through_the_panel(
    browser, page, live_server, dev_pki
):
    today = timezone.localdate()
    seed_organisations()
    seed_children(today=today)
    child = new_child(today)
    guardians = list(child.related_persons.order_by("pk"))
    bup = Unit.objects.get(name="BUP Göteborg")
    social = child.responsible_unit
    # The SIP meeting three hours ago and the cost meeting after it, whenever the test runs.
    sip_start = timezone.localtime().replace(second=0, microsecond=0) - timedelta(hours=3)
    sip_end = sip_start + timedelta(hours=1)
    cost_start = sip_end + timedelta(minutes=30)
    meeting_day = sip_start.date()

    # Registration: the caseworker registers the planned placement from the child's page.
    login(page, live_server, CASEWORKER, DEMO_PASSWORD)
    page.goto(live_server.url + reverse("placements:child_detail", args=[child.pk]))
    create = reverse("placements:placement_create", args=[child.pk])
    with page.expect_navigation():
        page.click(f"main a[href='{create}']")
    page.select_option("#id_form", "hvb")
    page.select_option("#id_legal_basis", "sol")
    page.fill("#id_provider_name", "HVB Björkhagen")
    page.fill("#id_planned_start", (today + timedelta(days=14)).isoformat())
    page.fill("#id_cost_per_day", "3 400,00")
    page.fill("#id_goal", "Trygg vardag och skolgång.")
    page.fill("#id_wishes", "Vill ha kontakt med sin bror.")
    page.fill("#id_schooling", "Går kvar i sin skola med skolskjuts.")
    page.fill("#id_responsibilities", "Socialtjänsten: boende. Regionen: BUP-behandling.")
    page.select_option("#id_municipality_provision", "other_party")
    page.select_option("#id_region_provision", "itself")
    submit(page)
    placement = Placement.objects.get(child=child)
    placement_url = reverse("placements:placement_detail", args=[placement.pk])
    assert page.url == live_server.url + placement_url, errors(page)
    panel = Panel(page, live_server, placement_url)
    assert_no_serious_axe_violations(page)
    panel.assert_next("SIP initierad")
    # R-PLAC-2: no start before both signatures: no status button, the panel says why.
    start = reverse("placements:placement_transition", args=[placement.pk, "active"])
    assert page.locator(f"main a[href='{start}'], main form[action='{start}']").count() == 0
    assert "En planerad placering kan inte börja innan" in page.locator(PANEL).inner_text()

    # 1. The SIP.
    panel.follow(f"{reverse('sip:sip_create', args=[child.pk])}?placement={placement.pk}")
    page.fill("#id_need_noticed_on", (meeting_day - timedelta(days=3)).isoformat())
    page.fill("#id_need_description", "Samordning av boende och behandling.")
    # Opened from the placement's step, the form has linked the placement already.
    assert page.is_checked(f"input[name=placements][value='{placement.pk}']")
    submit(page)
    sip = Sip.objects.get(child=child)
    panel.open()
    panel.assert_done("SIP initierad")
    panel.assert_next("SIP-möte hållet, med planen")

    # 2. Both guardians' consent (R-SIP-2): the panel's action until both have consented.
    for guardian in guardians:
        panel.follow(reverse("sip:consent_create", args=[sip.pk]))
        page.select_option("#id_given_by_kind", "guardian")
        page.select_option("#id_guardian", str(guardian.pk))
        page.select_option("#id_form", "written")
        page.fill("#id_given_on", (meeting_day - timedelta(days=2)).isoformat())
        page.fill("#id_scope", "Socialtjänsten och BUP får utbyta uppgifter.")
        submit(page)
        assert page.url == live_server.url + reverse("sip:sip_detail", args=[sip.pk]), errors(page)
        panel.open()

    # 3. The SIP meeting booked …
    panel.follow(reverse("sip:meeting_create", args=[sip.pk]))
    page.select_option("#id_kind", "initial")
    page.fill("#id_scheduled_on", meeting_day.isoformat())
    page.fill("#id_scheduled_time", f"{sip_start:%H:%M}")
    page.fill("#id_place", "Socialtjänsten Göteborg, rum 2")
    page.fill("#id_individual_offered_on", (meeting_day - timedelta(days=1)).isoformat())
    submit(page)
    meeting = sip.meetings.get()
    panel.open()
    panel.assert_next("SIP-möte hållet, med planen")

    # … and held, with the plan (R-SIP-5).
    panel.follow(reverse("sip:meeting_held", args=[meeting.pk]))
    page.fill("#id_started_at", f"{sip_start:%Y-%m-%dT%H:%M}")
    page.fill("#id_ended_at", f"{sip_end:%Y-%m-%dT%H:%M}")
    page.fill("#id_needs", "Trygg boendemiljö och behandling för oro.")
    page.select_option("#id_overall_responsible_unit", str(social.pk))
    page.fill("#id_next_follow_up_on", (meeting_day + timedelta(days=90)).isoformat())
    page.fill("#id_i-0-description", "Behandlingssamtal på BUP")
    page.select_option("#id_i-0-responsible_kind", "unit")
    page.select_option("#id_i-0-responsible_unit", str(bup.pk))
    page.check("#id_i-0-is_health_care")
    page.fill("#id_i-1-description", "Boende och stöd på HVB")
    page.select_option("#id_i-1-responsible_kind", "unit")
    page.select_option("#id_i-1-responsible_unit", str(social.pk))
    submit(page)
    assert page.url == live_server.url + reverse("sip:sip_detail", args=[sip.pk]), errors(page)
    panel.open()
    panel.assert_done("SIP-möte hållet, med planen")
    panel.assert_next("Möte om kostnadsansvar hållet")

    # 4. The cost meeting, after the SIP meeting (R-MEET-1), with both signatories (R-MEET-3).
    panel.follow(reverse("agreements:cost_meeting_create", args=[placement.pk]))
    page.select_option("#id_sip_meeting", str(meeting.pk))
    page.fill("#id_started_at", f"{cost_start:%Y-%m-%dT%H:%M}")
    page.fill("#id_ended_at", f"{cost_start + timedelta(hours=1):%Y-%m-%dT%H:%M}")
    page.fill("#id_place", "Stadshuset")
    for email in (MUNICIPAL_SIGNATORY, BUP_SIGNATORY):
        page.check(f"input[name=participants][value='user:{User.objects.get(email=email).pk}']")
    submit(page)
    assert CostMeeting.objects.filter(placement=placement).count() == 1, errors(page)
    panel.open()
    panel.assert_done("Möte om kostnadsansvar hållet")
    panel.assert_next("Utkast till överenskommelse")

    # 5. The agreement drafted: the lines come from the plan; the standard split of an HVB.
    panel.follow(reverse("agreements:agreement_create", args=[placement.pk]))
    page.check("#id_split_unclear")
    page.check("input[name=split_method][value=standard]")
    page.fill("#id_health_care_provision", "BUP Göteborg ger behandlingen på mottagningen.")
    submit(page)
    version = AgreementVersion.objects.get(agreement__placement=placement)
    panel.open()
    panel.assert_done("Utkast till överenskommelse")
    panel.assert_next("Överenskommelsen skickad för signering")

    # 6. Sent for signature from the agreement page the panel leads to.
    panel.follow(reverse("agreements:agreement_detail", args=[version.agreement_id]))
    send_url = reverse("agreements:version_send", args=[version.pk])
    with page.expect_navigation():
        page.click(f"form[action='{send_url}'] button[type=submit]")
    version.refresh_from_db()
    assert version.status == "awaiting_signatures", errors(page)
    panel.open()
    panel.assert_done("Överenskommelsen skickad för signering")
    panel.assert_next("Signerad av kommunen")
    # The caseworker holds no mandate: no sign link, the panel says who signs.
    sign_url = reverse("agreements:version_sign", args=[version.pk])
    assert page.locator(f"{PANEL} a[href='{sign_url}']").count() == 0
    assert (
        "mandat att fatta ekonomiska beslut för kommunen"
        in panel.step("Signerad av kommunen").inner_text()
    )

    # 7. The signatories sign in between, each from their own panel link (placing first).
    issue_certificates(dev_pki, [version.agreement.municipality, version.agreement.region])
    sign_from_panel(
        browser,
        live_server,
        email=MUNICIPAL_SIGNATORY,
        placement_url=placement_url,
        version=version,
    )
    panel.open()
    panel.assert_done("Signerad av kommunen")
    panel.assert_next("Signerad av regionen")
    sign_from_panel(
        browser, live_server, email=BUP_SIGNATORY, placement_url=placement_url, version=version
    )
    version.refresh_from_db()
    assert version.status == "signed"

    # 8. The start, now offered by the panel (R-PLAC-2 met).
    panel.open()
    panel.assert_done("Signerad av regionen")
    panel.assert_next("Placeringen har börjat")
    panel.follow(start)
    submit(page)
    assert page.url == live_server.url + placement_url, errors(page)
    placement.refresh_from_db()
    assert placement.status == Placement.Status.ACTIVE
    assert "Alla steg fram till placeringens start är gjorda." in page.locator(PANEL).inner_text()

    # axe on the placement page at 1280 px and at 390 px.
    page.set_viewport_size({"width": 1280, "height": 900})
    assert_no_serious_axe_violations(page)
    page.set_viewport_size({"width": 390, "height": 844})
    panel.open()
    assert_no_serious_axe_violations(page)

    # The placement list: the placement named by child and form, its agreement signed; the
    # filter bar's button overlaps no field at 1280 px, and the bar wraps at 390 px.
    list_url = reverse("placements:placement_list")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(live_server.url + list_url)
        row = page.locator("main tbody tr", has=page.locator(f"a[href='{placement_url}']"))
        assert "Tove Lindqvist – HVB" in row.inner_text()
        assert "Signerad" in row.inner_text()
        boxes = [
            page.locator(f"main form[method=get] {selector}").bounding_box()
            for selector in ("#id_q", "#id_status", "#id_form", "button[type=submit]")
        ]
        for first, second in zip(boxes, boxes[1:], strict=False):
            overlap_x = first["x"] < second["x"] + second["width"] and second["x"] < (
                first["x"] + first["width"]
            )
            overlap_y = first["y"] < second["y"] + second["height"] and second["y"] < (
                first["y"] + first["height"]
            )
            assert not (overlap_x and overlap_y), (width, first, second)
        if width == 390:
            assert [round(b["x"]) for b in boxes] == [round(boxes[0]["x"])] * 4
            assert all(b["x"] + b["width"] <= 390 for b in boxes)
        assert_no_serious_axe_violations(page)
