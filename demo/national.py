"""The national-scale data set (issue 13): `manage.py seed_national`.

At scale 1.0: 311 principals (290 municipalities and 21 regions) with their units and staff,
30,000 children (2,000 in Göteborg), about 40,000 placements, 97,000 meetings (SIP meetings and
cost-responsibility meetings), 27,000 agreements with versions (most signed) and 250,000
deadlines. The demo's principals keep their names and logins (``seed_organisations`` runs
first); every other municipality gets a generated name ("Skåne kommun 07"). The organisations
are always built in full; ``scale`` scales the cases (``--scale 0.01``: 300 children).

Everything goes in with ``bulk_create`` (COPY on PostgreSQL) in one transaction, so no
per-object signal runs; the deadline table is then built by ``dashboard.sync.rebuild_all``,
the chunked rebuild, so that one engine computes every deadline. The data
obeys the rules a service would enforce: valid personnummer (about 1 % with protected
identity), a placement's child and unit in the same municipality, a non-acute placement started
only with a signed agreement (R-PLAC-2), an LVU minor's power of attorney before the start
(R-PLAC-6), cost meetings based on held SIP meetings (R-MEET-1) with the two principals'
signatories (R-MEET-2/3), one open version per agreement.

Not built: audit rows, signature rows and signed PDF documents (a signed version carries its
``signed_at`` and the dates that follow from it; ``make benchmark`` renders and signs a PDF on
its own), joint reviews of agreements. Deterministic for a given ``seed`` and ``today``.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction

from agreements.models import (
    Agreement,
    AgreementLine,
    AgreementVersion,
    CostMeeting,
    CostMeetingParticipant,
)
from domain import agreements as agreement_rules
from domain import deadlines as engine
from domain import placements as placement_rules
from domain.rulesets import RuleSet, rule_set_for
from organisations.demo import REGION, demo_orgnr, seed_organisations
from organisations.models import FinancialMandate, Membership, Principal, Role, Unit, User
from placements.demo import demo_personnummer
from placements.models import (
    Child,
    HealthExamination,
    Placement,
    PlacementFollowUp,
    RelatedPerson,
)
from sip.models import (
    Consent,
    Intervention,
    Invitation,
    MeetingParticipant,
    PlanVersion,
    Sip,
    SipMeeting,
)

TZ = ZoneInfo("Europe/Stockholm")
BATCH = 2000
M = TypeVar("M", bound=models.Model)

CHILDREN = 30_000
GOTEBORG_CHILDREN = 2_000
# The two other large cities (generated names), children at scale 1.0.
LARGE = {"Stockholm kommun 01": 3_000, "Skåne kommun 01": 1_100}

# (name, short name for generated municipalities, number of municipalities, rule set)
REGIONS: list[tuple[str, str, int, str]] = [
    ("Region Stockholm", "Stockholm", 26, "VG"),
    ("Region Uppsala", "Uppsala", 8, "VG"),
    ("Region Sörmland", "Sörmland", 9, "VG"),
    ("Region Östergötland", "Östergötland", 13, "OG"),
    ("Region Jönköpings län", "Jönköping", 13, "VG"),
    ("Region Kronoberg", "Kronoberg", 8, "VG"),
    ("Region Kalmar län", "Kalmar", 12, "VG"),
    ("Region Gotland", "Gotland", 1, "VG"),
    ("Region Blekinge", "Blekinge", 5, "VG"),
    ("Region Skåne", "Skåne", 33, "VG"),
    ("Region Halland", "Halland", 6, "VG"),
    (REGION, "Västra Götaland", 49, "VG"),
    ("Region Värmland", "Värmland", 16, "VG"),
    ("Region Örebro län", "Örebro", 12, "VG"),
    ("Region Västmanland", "Västmanland", 10, "VG"),
    ("Region Dalarna", "Dalarna", 15, "VG"),
    ("Region Gävleborg", "Gävleborg", 10, "VG"),
    ("Region Västernorrland", "Västernorrland", 7, "VG"),
    ("Region Jämtland Härjedalen", "Jämtland", 8, "VG"),
    ("Region Västerbotten", "Västerbotten", 15, "VG"),
    ("Region Norrbotten", "Norrbotten", 14, "VG"),
]


def _words(text: str) -> list[str]:
    return text.split()


FIRST_NAMES = _words(
    "Alice Alva Astrid Ebba Elsa Ella Freja Hedda Ines Julia Klara Leah Lilly Lova Maja Nora "
    "Olivia Saga Selma Signe Stella Vera Wilma Agnes Alma Edith Ellen Iris Juni Tyra "
    "Adam Alexander Axel Charlie Elias Erik Frans Gustav Hugo Isak Leo Liam Loke Lucas Ludvig "
    "Melvin Nils Noah Oliver Oscar Sam Theo Viktor Vincent William Ali Omar Yusuf Arvid Otto"
)
LAST_NAMES = _words(
    "Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsson Persson Svensson Gustafsson "
    "Pettersson Jonsson Jansson Hansson Bengtsson Jönsson Lindberg Jakobsson Magnusson "
    "Lindström Olofsson Lindqvist Lindgren Berg Axelsson Bergström Lundberg Lind Lundgren "
    "Lundqvist Mattsson Berglund Fredriksson Sandberg Henriksson Forsberg Sjöberg Wallin "
    "Engström Eklund Danielsson Lundin Håkansson Björk Bergman Gunnarsson Holm Wikström "
    "Samuelsson Isaksson Fransson Bergqvist Nyström Holmberg Arvidsson Löfgren Söderberg "
    "Nyberg Blomqvist Claesson Ali Mohammed Hassan Ahmed Nordin Ström Åberg Hedlund Sundberg"
)
PROVIDERS = {
    "hvb": ["HVB Solgläntan", "HVB Kompassen", "HVB Tallbacken", "HVB Ekhagen", "HVB Fyren"],
    "foster_home": ["Familjehemmet Lind", "Familjehemmet Berg", "Familjehemmet Ek"],
    "emergency_foster_home": ["Jourhemmet Holm", "Jourhemmet Ström"],
    "sis": ["SiS Nereby", "SiS Björkbacka", "SiS Långanäs"],
    "supported_housing": ["Stödboendet Stegen", "Stödboendet Bron"],
    "short_term_home": ["Korttidshemmet Solrosen", "Korttidshemmet Ängen"],
}
FORMS = (
    ("foster_home", 45),
    ("hvb", 25),
    ("emergency_foster_home", 10),
    ("supported_housing", 8),
    ("short_term_home", 7),
    ("sis", 5),
)
COST_PER_DAY = {
    "hvb": (3500, 5500),
    "sis": (4500, 6500),
    "foster_home": (900, 1500),
    "emergency_foster_home": (1500, 2500),
    "supported_housing": (1500, 2500),
    "short_term_home": (3000, 4500),
}


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, clock(hour, 0), tzinfo=TZ)


def _local(dt: datetime | None) -> date | None:
    return dt.astimezone(TZ).date() if dt is not None else None


def _day(dt: datetime | None) -> date:
    """The local day of a moment that is known to be set (a held meeting's start)."""
    assert dt is not None
    return dt.astimezone(TZ).date()


def _bulk(model: type[M], objs: Sequence[M]) -> int:
    """Insert ``objs`` and set their primary keys: PostgreSQL's COPY (with keys drawn from the
    table's sequence beforehand), ``bulk_create`` elsewhere (SQLite in the tests)."""
    if not objs:
        return 0
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(objs, batch_size=BATCH)
        return len(objs)
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, pk.column, len(objs)],
        )
        for obj, (value,) in zip(objs, cursor.fetchall(), strict=True):
            obj.pk = value
        fields = list(meta.concrete_fields)
        columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
        table = connection.ops.quote_name(str(meta.db_table))
        with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for obj in objs:
                copy.write_row([_db_value(obj, f) for f in fields])
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
    return len(objs)


def _db_value(obj: models.Model, f: Any) -> Any:
    """The column value of field ``f``: a related object's key when only the object is set
    (it was inserted after being assigned), ``auto_now_add`` filled in like a save."""
    if f.is_relation:
        value = getattr(obj, f.attname)
        if value is None and f.is_cached(obj):
            related = f.get_cached_value(obj)
            value = related.pk if related is not None else None
            setattr(obj, f.name, related)  # sets the key and keeps the object cached
        return value
    return f.get_db_prep_save(f.pre_save(obj, add=True), connection)


def allocate(total: int, weights: Sequence[float]) -> list[int]:
    """``total`` split over ``weights`` in whole numbers (largest remainder): sums exactly."""
    if total <= 0 or not weights:
        return [0] * len(weights)
    whole = sum(weights)
    exact = [total * w / whole for w in weights]
    counts = [math.floor(x) for x in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: counts[i] - exact[i])
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


# --- the plan of one case: unsaved model objects, linked in memory ------------------------------


@dataclass
class Municipality:
    principal: Principal
    region: Principal
    rule_set_code: str
    children: int
    social: Unit
    school: Unit
    bup: Unit
    primary_care: Unit
    dental: Unit
    caseworkers: list[User] = field(default_factory=list)
    signatory: User | None = None
    region_signatory: User | None = None
    bup_clinician: User | None = None

    def rules(self, day: date) -> RuleSet:
        """The rule set in force on ``day`` (``Principal.rule_set_on`` without a query)."""
        return rule_set_for(self.rule_set_code, on=day)


@dataclass
class PlacementCase:
    placement: Placement
    exams: list[HealthExamination] = field(default_factory=list)
    follow_ups: list[PlacementFollowUp] = field(default_factory=list)
    versions: list[AgreementVersion] = field(default_factory=list)
    agreement: Agreement | None = None
    cost_participants: list[CostMeetingParticipant] = field(default_factory=list)
    lines: list[AgreementLine] = field(default_factory=list)


@dataclass
class SipCase:
    sip: Sip
    meetings: list[SipMeeting] = field(default_factory=list)  # in date order
    plans: list[PlanVersion] = field(default_factory=list)
    closed_on: date | None = None

    @property
    def held(self) -> list[SipMeeting]:
        return [m for m in self.meetings if m.ended_at is not None]

    def held_on_or_before(self, day: date) -> SipMeeting | None:
        earlier = [m for m in self.held if _day(m.started_at) <= day]
        return earlier[-1] if earlier else None


@dataclass
class Case:
    child: Child
    municipality: Municipality
    caseworker: User
    placements: list[PlacementCase] = field(default_factory=list)
    sip: SipCase | None = None


@dataclass
class Staff:
    users: list[User] = field(default_factory=list)
    memberships: list[Membership] = field(default_factory=list)
    mandates: list[FinancialMandate] = field(default_factory=list)


class NationalBuilder:
    def __init__(
        self, *, scale: float, seed: int, today: date, log: Callable[[str], None] | None = None
    ) -> None:
        self.scale = scale
        self.seed = seed
        self.rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
        self.today = today
        self.log = log or (lambda message: None)
        self.counts: dict[str, int] = {}
        self.municipalities: list[Municipality] = []
        self.cases: list[Case] = []
        self.password = make_password(None)  # generated staff sign in only after a reset
        self.user_serial = 0
        self.identities: set[str] = set()
        self.started = time.perf_counter()

    # -- helpers ----------------------------------------------------------------------------

    def days(self, low: int, high: int) -> timedelta:
        return timedelta(days=self.rng.randint(low, high))

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def pick(self, weighted: Sequence[tuple[str, int]]) -> str:
        return self.rng.choices([v for v, _w in weighted], [w for _v, w in weighted])[0]

    def add(self, name: str, n: int) -> None:
        self.counts[name] = self.counts.get(name, 0) + n

    def step(self, label: str) -> None:
        self.log(f"{time.perf_counter() - self.started:6.1f} s  {label}")

    def new_user(self, staff: Staff, prefix: str, principal: Principal) -> User:
        self.user_serial += 1
        user = User(
            email=f"{prefix}{self.user_serial:05d}@nationell.example",
            first_name=self.rng.choice(FIRST_NAMES),
            last_name=self.rng.choice(LAST_NAMES),
            password=self.password,
            home_principal=principal,
        )
        staff.users.append(user)
        return user

    def member(self, staff: Staff, user: User, unit: Unit, role: str) -> None:
        staff.memberships.append(Membership(user=user, unit=unit, role=role))

    def mandate(self, staff: Staff, user: User, principal: Principal) -> None:
        staff.mandates.append(
            FinancialMandate(
                user=user,
                principal=principal,
                valid_from=date(self.today.year - 5, 1, 1),
                valid_until=date(self.today.year + 1, 12, 31),
                annual_limit=Decimal("5000000.00"),
            )
        )

    # -- the build --------------------------------------------------------------------------

    def build(self) -> dict[str, int]:
        with transaction.atomic():
            self.organisations()
            self.plan_cases()
            self.insert_cases()
            self.child_access()
            self.deadlines()
        return self.counts

    def organisations(self) -> None:
        """The demo's principals, units and logins first; then the rest of the country."""
        seed_organisations()
        existing = {p.name: p for p in Principal.objects.all()}
        regions: list[tuple[Principal, str, int, str]] = []
        new_regions: list[Principal] = []
        for serial, (name, short, n, code) in enumerate(REGIONS, start=200):
            region = existing.get(name) or Principal(
                kind=Principal.Kind.REGION,
                name=name,
                organisation_number=demo_orgnr(serial, prefix="232100"),
                rule_set_code=code,
            )
            if region.pk is None:
                new_regions.append(region)
            regions.append((region, short, n, code))
        _bulk(Principal, new_regions)

        # Region units: the demo's for Västra Götaland, then BUP and primary care by size.
        units = list(Unit.objects.select_related("principal"))
        new_units: list[Unit] = []
        region_units: dict[int, dict[str, list[Unit]]] = {}
        for region, short, n, _code in regions:
            kinds: dict[str, list[Unit]] = {k: [] for k in ("bup", "primary_care", "dental")}
            for unit in units:
                if unit.principal_id == region.pk and unit.kind in kinds:
                    kinds[unit.kind].append(unit)
            wanted = {"bup": max(1, round(n / 6)), "primary_care": max(2, round(n / 2))}
            labels = {"bup": "BUP", "primary_care": "Vårdcentralen"}
            for kind, count in wanted.items():
                for k in range(len(kinds[kind]) + 1, count + 1):
                    unit = Unit(principal=region, name=f"{labels[kind]} {short} {k}", kind=kind)
                    kinds[kind].append(unit)
                    new_units.append(unit)
            if not kinds["dental"]:
                unit = Unit(principal=region, name=f"Folktandvården {short}", kind="dental_care")
                kinds["dental"].append(unit)
                new_units.append(unit)
                new_units.append(
                    Unit(principal=region, name=f"Habiliteringen {short}", kind="habilitation")
                )
            region_units[id(region)] = kinds

        # Municipalities: the demo's names where they exist, generated ones elsewhere.
        new_municipalities = []
        plan: list[tuple[Principal, Principal, str]] = []
        serial = 100
        for region, short, n, code in regions:
            demo_names = sorted(
                p.name
                for p in existing.values()
                if p.kind == Principal.Kind.MUNICIPALITY and p.region_id == region.pk
            )
            names = demo_names + [
                f"{short} kommun {k:02d}" for k in range(1, n - len(demo_names) + 1)
            ]
            for name in names:
                municipality = existing.get(name)
                if municipality is None:
                    municipality = Principal(
                        kind=Principal.Kind.MUNICIPALITY,
                        name=name,
                        organisation_number=demo_orgnr(serial),
                        region=region,
                    )
                    serial += 1
                    new_municipalities.append(municipality)
                plan.append((municipality, region, code))
        _bulk(Principal, new_municipalities)
        self.add("principals", Principal.objects.count())

        by_name = {(u.principal_id, u.name): u for u in units}
        weights = [
            0.0 if m.name == "Göteborg" or m.name in LARGE else self.rng.lognormvariate(0, 1.0)
            for m, _r, _c in plan
        ]
        big = {name: round(n * self.scale) for name, n in LARGE.items()}
        goteborg = round(GOTEBORG_CHILDREN * self.scale)
        rest = round(CHILDREN * self.scale) - goteborg - sum(big.values())
        sizes = allocate(rest, weights)
        demo_region_units = {
            "Göteborg": ("BUP Göteborg", "Vårdcentralen Majorna"),
            "Mölndal": ("BUP Mölndal/Härryda/Partille", "Vårdcentralen Mölndal"),
            "Härryda": ("BUP Mölndal/Härryda/Partille", "Vårdcentralen Mölndal"),
            "Partille": ("BUP Mölndal/Härryda/Partille", "Vårdcentralen Mölndal"),
            "Kungsbacka": ("BUP Kungsbacka", "Vårdcentralen Majorna"),
            "Kungälv": ("BUP Göteborg", "Vårdcentralen Kungälv"),
        }
        position: dict[int, int] = {}
        for (municipality, region, code), size in zip(plan, sizes, strict=True):
            if municipality.name == "Göteborg":
                size = goteborg
            size = big.get(municipality.name, size)
            kinds = region_units[id(region)]
            i = position[id(region)] = position.get(id(region), -1) + 1
            bup = kinds["bup"][i % len(kinds["bup"])]
            care = kinds["primary_care"][i % len(kinds["primary_care"])]
            if municipality.name in demo_region_units:
                bup_name, care_name = demo_region_units[municipality.name]
                bup = by_name.get((region.pk, bup_name), bup)
                care = by_name.get((region.pk, care_name), care)
            social = by_name.get((municipality.pk, f"Socialtjänsten {municipality.name}"))
            school = by_name.get((municipality.pk, f"Grundskolan {municipality.name}"))
            if social is None:
                social = Unit(
                    principal=municipality,
                    name=f"Socialtjänsten {municipality.name}",
                    kind="social_services",
                )
                new_units.append(social)
            if school is None:
                school = Unit(
                    principal=municipality, name=f"Grundskolan {municipality.name}", kind="school"
                )
                new_units.append(school)
            self.municipalities.append(
                Municipality(
                    principal=municipality,
                    region=region,
                    rule_set_code=code,
                    children=size,
                    social=social,
                    school=school,
                    bup=bup,
                    primary_care=care,
                    dental=kinds["dental"][0],
                )
            )
        _bulk(Unit, new_units)
        self.add("units", Unit.objects.count())
        self.staff(regions, region_units)
        self.step("organisations")

    def staff(
        self,
        regions: list[tuple[Principal, str, int, str]],
        region_units: dict[int, dict[str, list[Unit]]],
    ) -> None:
        """Caseworkers by caseload (about 30 children each), managers, a signatory with a
        financial mandate and an administrator per principal; clinicians in the region units.
        The demo users count among them."""
        demo = {
            (m.unit.principal_id, m.role, bool(m.user.mandates.exists())): m.user
            for m in Membership.objects.select_related("user", "unit")
        }
        staff = Staff()
        region_signatory: dict[int, User] = {}
        bup_clinicians: dict[int, list[User]] = {}
        for region, _short, _n, _code in regions:
            signatory = demo.get((region.pk, Role.CLINICIAN, True))
            kinds = region_units[id(region)]
            if signatory is None:
                signatory = self.new_user(staff, "signatur.region", region)
                self.member(staff, signatory, kinds["bup"][0], Role.CLINICIAN)
                self.mandate(staff, signatory, region)
            region_signatory[id(region)] = signatory
            if demo.get((region.pk, Role.ADMINISTRATOR, False)) is None:
                admin = self.new_user(staff, "admin.region", region)
                self.member(staff, admin, kinds["bup"][0], Role.ADMINISTRATOR)
            for unit in kinds["bup"] + kinds["primary_care"]:
                for _ in range(2 if unit.kind == "bup" else 1):
                    clinician = self.new_user(staff, "klinik", region)
                    self.member(staff, clinician, unit, Role.CLINICIAN)
                    bup_clinicians.setdefault(id(unit), []).append(clinician)
        for m in self.municipalities:
            principal = m.principal
            own = [
                u
                for (pk, role, mandate), u in demo.items()
                if pk == principal.pk and role == Role.CASEWORKER and not mandate
            ]
            m.caseworkers = own + [
                self.new_user(staff, "handlaggare", principal)
                for _ in range(max(1, math.ceil(m.children / 30)) - len(own))
            ]
            for user in m.caseworkers[len(own) :]:
                self.member(staff, user, m.social, Role.CASEWORKER)
            managers = max(1, math.ceil(m.children / 500))
            if demo.get((principal.pk, Role.MANAGER, False)) is not None:
                managers -= 1
            for _ in range(managers):
                self.member(staff, self.new_user(staff, "chef", principal), m.social, Role.MANAGER)
            m.signatory = demo.get((principal.pk, Role.MANAGER, True))
            if m.signatory is None:
                m.signatory = self.new_user(staff, "signatur", principal)
                self.member(staff, m.signatory, m.social, Role.MANAGER)
                self.mandate(staff, m.signatory, principal)
            if demo.get((principal.pk, Role.ADMINISTRATOR, False)) is None:
                admin = self.new_user(staff, "admin", principal)
                self.member(staff, admin, m.social, Role.ADMINISTRATOR)
            m.region_signatory = region_signatory[id(m.region)]
            m.bup_clinician = self.rng.choice(bup_clinicians[id(m.bup)])
        _bulk(User, staff.users)
        _bulk(Membership, staff.memberships)
        _bulk(FinancialMandate, staff.mandates)
        self.add("users", User.objects.count())
        self.add("memberships", Membership.objects.count())
        self.add("mandates", FinancialMandate.objects.count())

    # -- cases ------------------------------------------------------------------------------

    def personnummer(self, birth: date) -> str:
        while True:
            number = demo_personnummer(birth, self.rng.randint(1, 999))
            if number not in self.identities:
                self.identities.add(number)
                return number

    def plan_cases(self) -> None:
        for m in self.municipalities:
            for i in range(m.children):
                if m.principal.name == "Göteborg" and i < 2:
                    # The demo caseworker's first two children are the same at every scale
                    # (a random stream of their own): both with a long history (the oldest
                    # deadlines of her lists), the second with protected identity.
                    shared, self.rng = self.rng, random.Random(self.seed + i)  # noqa: S311
                    self.cases.append(self.plan_case(m, long_history=True, protected=i == 1))
                    self.rng = shared
                else:
                    self.cases.append(self.plan_case(m))
        self.step(f"planned {len(self.cases)} cases")

    def plan_case(
        self, m: Municipality, *, long_history: bool = False, protected: bool | None = None
    ) -> Case:
        rng, today = self.rng, self.today
        if long_history:
            # The child page with a long history: eight placements over six years.
            count, history_days, age_days = 8, 6 * 365, 16 * 365 + 100
        else:
            count = self.rng.choices((1, 2, 3), (72, 23, 5))[0]
            history_days = rng.randint(20, 3 * 365)
            age_days = history_days + rng.randint(60, 17 * 365)
        caseworker = m.caseworkers[0] if protected is not None else rng.choice(m.caseworkers)
        if protected is None:
            protected = self.chance(0.01)
        birth = today - timedelta(days=age_days)
        last_name = "Lindqvist" if long_history and not protected else rng.choice(LAST_NAMES)
        child = Child(
            identity_number=self.personnummer(birth),
            first_name=rng.choice(FIRST_NAMES),
            last_name=last_name,
            birth_date=birth,
            home_municipality=m.principal,
            responsible_unit=m.social,
            protected_identity=protected,
            address="" if protected else f"{last_name}gatan {rng.randint(1, 60)}, {m.principal}",
            own_views="Vill gå kvar i samma skola." if self.chance(0.5) else "",
            created_by=caseworker,
        )
        case = Case(child=child, municipality=m, caseworker=caseworker)
        self.plan_placements(case, count=count, history_start=today - timedelta(history_days))
        self.plan_sip(case, long_history=long_history)
        for pc in case.placements:
            self.plan_end(case, pc)
            self.plan_agreement(case, pc, long_history=long_history)
        return case

    def plan_placements(self, case: Case, *, count: int, history_start: date) -> None:
        rng, today = self.rng, self.today
        span = max((today - history_start).days - 10, count * 12)
        cuts = sorted(rng.sample(range(1, span), count - 1)) if count > 1 else []
        bounds = [0, *cuts, span]
        last_status = self.pick((("active", 55), ("ended", 25), ("planned", 12), ("cancelled", 8)))
        previous: Placement | None = None
        for i in range(count):
            is_last = i == count - 1
            status = last_status if is_last else "ended"
            start = history_start + timedelta(bounds[i])
            end: date | None = None
            if status == "ended":
                seg_end = history_start + timedelta(bounds[i + 1])
                end = max(start + timedelta(days=5), seg_end - self.days(0, 10))
                end = min(end, today - timedelta(days=1))
                start = min(start, end)
            if status == "planned":
                start = today + self.days(5, 60)
            form = self.pick(FORMS)
            basis = self.pick((("sol", 55), ("lvu", 40), ("lss", 5)))
            acute = self.chance(0.4) and status != "planned"
            low, high = COST_PER_DAY[form]
            started = status in ("active", "ended")
            placement = Placement(
                child=case.child,
                previous=previous,
                placing_principal=case.municipality.principal,
                placing_unit=case.municipality.social,
                caseworker=case.caseworker,
                form=form,
                legal_basis=basis,
                is_acute=acute,
                status=status,
                provider_name=rng.choice(PROVIDERS[form]),
                provider_municipality=case.municipality.principal,
                planned_start=start,
                actual_start=start if started else None,
                actual_end=end,
                cost_per_day=Decimal(rng.randint(low, high) // 10 * 10),
                goal="Trygg vardag och fungerande skolgång.",
                wishes="Vill ha kontakt med sina syskon.",
                schooling="Går i skolan nära hemmet.",
                responsibilities="Socialtjänsten: boende och stöd. Regionen: BUP-behandling.",
                municipality_provision=Placement.Provision.OTHER_PARTY,
                region_provision=Placement.Provision.ITSELF,
                end_reason="Flytt hem"
                if status == "ended"
                else ("Behovet upphörde" if status == "cancelled" else ""),
                next_step_sip_needed=status == "ended",
            )
            if placement_rules.requires_power_of_attorney(
                legal_basis=placement_rules.LegalBasis(basis),
                form=placement_rules.PlacementForm(form),
                birth_date=case.child.birth_date,
                on=start,
            ):
                # R-PLAC-6: issued before a started placement could start (some on the day).
                placement.power_of_attorney_scope = "Får besluta om vårdbesök och skolfrågor."
                if started or self.chance(0.5):
                    issued = start - self.days(0, 10)
                    # Recorded once issued (domain.placements.check_recorded_dates).
                    placement.power_of_attorney_issued_on = issued if issued <= today else None
            if started:
                if self.chance(0.7):
                    appointed = start + self.days(0, 35)
                    if appointed <= today:
                        placement.care_contact_name = "Dr " + rng.choice(LAST_NAMES)
                        placement.care_contact_unit = case.municipality.bup
                        placement.care_contact_appointed_on = appointed
                if self.chance(0.07):
                    report = start - self.days(30, 150)
                    placement.investigation_report_on = report
                    placement.investigation_decided_on = report + self.days(3, 20)
                    completed = placement.investigation_decided_on + self.days(60, 140)
                    placement.investigation_completed_on = completed if completed <= today else None
            pc = PlacementCase(placement=placement)
            if started:
                self.plan_exams(case, pc)
                self.plan_follow_ups(case, pc)
            case.placements.append(pc)
            # A move (the next placement starts where this one ended) or a new placement later.
            previous = placement if status == "ended" and self.chance(0.7) else None

    def plan_exams(self, case: Case, pc: PlacementCase) -> None:
        p, today, m = pc.placement, self.today, case.municipality
        assert p.actual_start is not None
        for kind, unit in (("physical_mental", m.primary_care), ("oral", m.dental)):
            if kind == "oral" and not self.chance(0.2):
                continue  # the oral examination is recorded for some placements
            initiated = min(p.actual_start + self.days(0, 7), today)
            exam = HealthExamination(placement=p, kind=kind, initiated_on=initiated, unit=unit)
            offered = initiated + self.days(3, 40)
            if kind == "oral" and self.chance(0.03):
                exam.unnecessary_reason = "Undersökt av Folktandvården nyligen."
            elif offered <= today and self.chance(0.9):
                exam.offered_on = offered
                done = offered + self.days(3, 30)
                exam.done_on = done if done <= today else None
            pc.exams.append(exam)

    def plan_follow_ups(self, case: Case, pc: PlacementCase) -> None:
        """R-PLAC-7 (L24): joint follow-ups about every three months, for some of the placements
        that ran long enough to have one."""
        p, today = pc.placement, self.today
        assert p.actual_start is not None
        last = min(p.actual_end or today, today)
        if (last - p.actual_start).days < 60 or not self.chance(0.12):
            return
        held = p.actual_start + self.days(20, 40)
        while held <= last and len(pc.follow_ups) < 3:
            follow_up = PlacementFollowUp(
                placement=p,
                held_on=held,
                participants="Handläggare (socialtjänsten), sjuksköterska (vårdcentralen)",
                notes="Placeringen fungerar.",
                next_follow_up_on=held + timedelta(days=90),
                created_by=case.caseworker,
            )
            pc.follow_ups.append(follow_up)
            held = follow_up.next_follow_up_on + self.days(-5, 15)

    def plan_sip(self, case: Case, *, long_history: bool) -> None:
        """A SIP for every child with a non-acute placement (its agreement rests on a held SIP
        meeting, R-MEET-1) and for most others; meetings about every three months."""
        rng, today, m = self.rng, self.today, case.municipality
        first = case.placements[0].placement
        needs_one = any(not pc.placement.is_acute for pc in case.placements)
        if not (needs_one or long_history or self.chance(0.55)):
            return
        noticed = min(first.planned_start, today) - self.days(30, 75)
        noticed = max(noticed, case.child.birth_date + timedelta(days=1))
        sip = Sip(
            child=case.child,
            initiating_unit=m.social,
            need_noticed_on=noticed,
            need_description="Behov av samordnade insatser från skola, socialtjänst och BUP.",
            created_by=case.caseworker,
        )
        sc = SipCase(sip=sip)
        case.sip = sc
        most = 12 if long_history else rng.choices((1, 2, 3, 4, 5, 6), (25, 27, 21, 14, 8, 5))[0]
        day = noticed + self.days(5, 30)  # R-SIP-1: some later than three weeks
        last_end = case.placements[-1].placement.actual_end
        while len(sc.meetings) < most:
            kind = "initial" if not sc.meetings else "follow_up"
            meeting = SipMeeting(
                sip=sip,
                kind=kind,
                scheduled_on=day,
                place="Socialkontoret",
                individual_offered_on=day - timedelta(days=7),
                created_by=case.caseworker,
            )
            sc.meetings.append(meeting)
            if day > today:
                break  # scheduled, not yet held
            meeting.started_at = _at(day, 9)
            meeting.ended_at = _at(day, 10)
            meeting.child_views = "Vill gå kvar i samma skola."
            closing = last_end is not None and day > last_end and self.chance(0.5)
            if closing:
                meeting.kind = "closing"
                sc.closed_on = sip.closed_on = day
            plan = PlanVersion(
                sip=sip,
                meeting=meeting,
                number=len(sc.plans) + 1,
                needs="Stöd i skolan, behandling för ångest, trygg boendesituation.",
                overall_responsible_unit=m.social,
                next_follow_up_on=day + self.days(60, 150),
                care_contact_name="Dr " + rng.choice(LAST_NAMES),
                care_contact_unit=m.bup,
                created_by=case.caseworker,
            )
            sc.plans.append(plan)
            if closing:
                break
            day = plan.next_follow_up_on + self.days(-10, 25)

    def plan_end(self, case: Case, pc: PlacementCase) -> None:
        """R-PLAC-7 (L25): an ended placement's further interventions planned at a held SIP
        meeting on or before the end, or the reason there was none; some followed up after."""
        p = pc.placement
        if p.status != "ended" or p.actual_end is None:
            return
        meeting = case.sip.held_on_or_before(p.actual_end) if case.sip else None
        if meeting is not None and self.chance(0.6):
            p.end_plan_meeting = meeting
            p.next_step_sip_needed = False
        else:
            p.end_plan_no_meeting_reason = "Ingen fortsatt insats från regionen."
        if self.chance(0.3):
            p.follow_up_until = p.actual_end + timedelta(days=55)
            ended = p.actual_end + self.days(20, 70)
            p.follow_up_ended_on = ended if ended <= self.today else None

    def plan_agreement(self, case: Case, pc: PlacementCase, *, long_history: bool) -> None:
        """The cost meeting and the agreement versions of one placement (R-MEET-1..3,
        R-PLAC-2/3, R-COST-4/5)."""
        p, today, rng, m = pc.placement, self.today, self.rng, case.municipality
        if p.status == "cancelled" or case.sip is None:
            return
        started = p.status in ("active", "ended")
        if p.is_acute:
            if not (long_history or self.chance(0.65)):
                return
            cost_day = p.planned_start + self.days(2, 45)
        else:
            if not started and not self.chance(0.7):
                return
            cost_day = p.planned_start - self.days(3, 25)
        base = case.sip.held_on_or_before(cost_day)
        if base is None:
            first = case.sip.held[0] if case.sip.held else None
            day = _local(first.started_at) if first else None
            if (
                first is None
                or day is None
                or day > today
                or (not p.is_acute and day > p.planned_start)
            ):
                assert p.is_acute or not started, "a started non-acute placement has its SIP"
                return
            base, cost_day = first, day
        if cost_day > today or (p.actual_end and cost_day > p.actual_end):
            return
        agreement = Agreement(placement=p, municipality=m.principal, region=m.region)
        pc.agreement = agreement
        version = self.new_version(case, pc, base=base, cost_day=cost_day, number=1)
        # v1: a non-acute placement that started was signed on the start day at the latest.
        if started and not p.is_acute:
            latest = (p.planned_start - cost_day).days
            self.sign(case, pc, version, on=cost_day + timedelta(rng.randint(0, max(latest, 0))))
        else:
            signed_on = cost_day + self.days(1, 20)
            if signed_on <= today and self.chance(0.85):
                self.sign(case, pc, version, on=signed_on)
            else:
                self.send_or_keep(version, cost_day)
        # Later versions: a new cost meeting some months on changes the split (R-COST-4).
        while version.status == "signed" and (long_history or self.chance(0.3)):
            assert version.signed_at is not None
            day = _day(version.signed_at) + self.days(90, 400)
            if day > today or (p.actual_end and day >= p.actual_end):
                break
            base = case.sip.held_on_or_before(day) or base
            version = self.new_version(case, pc, base=base, cost_day=day, number=version.number + 1)
            version.effective_from = day  # the date the later version states
            signed_on = day + self.days(1, 15)
            if (
                signed_on <= today
                and (p.actual_end is None or signed_on < p.actual_end)
                and (self.chance(0.8))
            ):
                self.sign(case, pc, version, on=signed_on)
            else:
                self.send_or_keep(version, day)
                break
        if p.status == "ended" and p.actual_end is not None:
            # The version in force ends with the placement; drafts and sent ones stay.
            for v in pc.versions:
                if v.status == "signed":
                    v.status = "ended"
                    in_force = v.effective_from is not None and v.effective_from <= p.actual_end
                    if in_force and (v.effective_until is None or v.effective_until > p.actual_end):
                        v.effective_until = p.actual_end

    def new_version(
        self, case: Case, pc: PlacementCase, *, base: SipMeeting, cost_day: date, number: int
    ) -> AgreementVersion:
        p, m, rng = pc.placement, case.municipality, self.rng
        meeting = CostMeeting(
            placement=p,
            sip_meeting=base,
            started_at=_at(cost_day, 13),
            ended_at=_at(cost_day, 14),
            place="Rum 3, socialkontoret",
            created_by=case.caseworker,
        )
        unclear = p.form == "hvb"
        method = (
            "standard"
            if unclear and self.chance(0.6)
            else self.pick((("percent", 3), ("amount", 1)))
        )
        version = AgreementVersion(
            agreement=pc.agreement,
            number=number,
            sip_meeting=base,
            cost_meeting=meeting,
            health_care_provision="BUP ger behandling på boendet varannan vecka.",
            split_unclear=unclear,
            split_method=method,
            region_percent=Decimal(rng.choice((10, 20, 25, 30, 40, 50)))
            if method == "percent"
            else None,
            region_amount_per_month=Decimal(rng.randint(5, 30) * 1000)
            if method == "amount"
            else None,
            applies_from_start=p.is_acute and self.chance(0.5),
            created_by=case.caseworker,
        )
        if p.is_acute and number == 1:
            # R-PLAC-3: the first acute split applies from the agreed day (set on saving).
            version.effective_from = agreement_rules.acute_effective_from(
                placement_start=p.planned_start,
                agreed_on=cost_day,
                stated_from=None,
                applies_from_start=version.applies_from_start,
            )
        pc.cost_participants += [
            CostMeetingParticipant(meeting=meeting, user=m.signatory, principal=m.principal),
            CostMeetingParticipant(meeting=meeting, user=m.region_signatory, principal=m.region),
        ]
        pc.lines += [
            AgreementLine(
                version=version,
                description="Behandlingskontakt på BUP",
                responsible_principal=m.region,
                amount_per_month=Decimal(rng.randint(2, 12) * 1000),
                kind="health_care",
            ),
            AgreementLine(
                version=version,
                description="Särskilt stöd i skolan",
                responsible_principal=m.principal,
                kind="school",
            ),
        ]
        pc.versions.append(version)
        return version

    def send_or_keep(self, version: AgreementVersion, day: date) -> None:
        """Sent for signature (mostly) or still a draft; sent planned versions state the start."""
        if self.chance(0.6):
            version.status = "awaiting_signatures"
            version.sent_at = _at(day, 15)
            version.signing_round = 1
            if version.effective_from is None:
                version.effective_from = version.agreement.placement.planned_start

    def sign(self, case: Case, pc: PlacementCase, version: AgreementVersion, *, on: date) -> None:
        """Signed by both on ``on``: in force from its date, the previous version superseded
        (as agreements.signatures._complete does)."""
        p = pc.placement
        sent = min(_local(version.cost_meeting.started_at) or on, on)
        version.sent_at = _at(sent, 15)
        version.signing_round = 1
        version.status = "signed"
        version.signed_at = _at(on, 16)
        effective = agreement_rules.effective_from(
            is_acute=p.is_acute,
            placement_start=p.actual_start or p.planned_start,
            settled_on=on,
            applies_from_start=version.applies_from_start,
            stated_from=version.effective_from,
        )
        assert effective is not None
        version.effective_from = effective
        plan = (
            next((pl for pl in case.sip.plans if pl.meeting is version.sip_meeting), None)
            if case.sip
            else None
        )
        version.review_on = engine.agreement_review_due(
            effective_from=effective,
            rule_set=case.municipality.rules(effective),
            sip_follow_up_on=plan.next_follow_up_on if plan else None,
        )
        for previous in pc.versions:
            if previous is not version and previous.status == "signed":
                previous.status = "superseded"
                previous.effective_until = effective - timedelta(days=1)

    # -- insert -----------------------------------------------------------------------------

    def insert_cases(self) -> None:
        cases = self.cases
        self.add("children", _bulk(Child, [c.child for c in cases]))
        guardians: list[RelatedPerson] = []
        first_guardian: dict[int, RelatedPerson] = {}
        for c in cases:
            for n, relation in enumerate(("mamma", "pappa")[: self.rng.choice((1, 2, 2))]):
                person = RelatedPerson(
                    child=c.child,
                    kind="guardian",
                    name=f"Förälder {n + 1} {c.child.last_name}",
                    relation=relation,
                    phone=f"070-{self.rng.randint(100, 999)} {self.rng.randint(10, 99)} 00",
                )
                guardians.append(person)
                first_guardian.setdefault(id(c), person)
        self.add("guardians", _bulk(RelatedPerson, guardians))
        self.step("children and guardians")

        sips = [c.sip for c in cases if c.sip is not None]
        self.add("sips", _bulk(Sip, [s.sip for s in sips]))
        self.add("sip_meetings", _bulk(SipMeeting, [m for s in sips for m in s.meetings]))
        self.add("plan_versions", _bulk(PlanVersion, [p for s in sips for p in s.plans]))
        interventions, participants, consents, invitations = [], [], [], []
        for c in cases:
            if c.sip is None:
                continue
            m, sip = c.municipality, c.sip.sip
            for plan in c.sip.plans:
                interventions += [
                    Intervention(
                        plan=plan,
                        description="Behandlingskontakt på BUP",
                        responsible_kind="unit",
                        responsible_unit=m.bup,
                        is_health_care=True,
                    ),
                    Intervention(
                        plan=plan,
                        description="Särskilt stöd i skolan",
                        responsible_kind="unit",
                        responsible_unit=m.school,
                    ),
                ]
                participants += [
                    MeetingParticipant(meeting=plan.meeting, kind="child", name=c.child.full_name),
                    MeetingParticipant(
                        meeting=plan.meeting, kind="staff", name=m.bup.name, unit=m.bup
                    ),
                ]
            consents.append(
                Consent(
                    sip=sip,
                    given_by_kind="guardian",
                    guardian=first_guardian[id(c)],
                    form="written",
                    given_on=sip.need_noticed_on,
                    scope="Skola, socialtjänst och BUP får dela information inom SIP:en.",
                    recorded_by=c.caseworker,
                )
            )
            invitations += [
                Invitation(
                    sip=sip,
                    unit=m.bup,
                    invited_on=sip.need_noticed_on,
                    invited_by=c.caseworker,
                    response="accepted",
                    responded_at=_at(sip.need_noticed_on + timedelta(days=1), 10),
                    responded_by=m.bup_clinician,
                ),
                Invitation(
                    sip=sip, unit=m.school, invited_on=sip.need_noticed_on, invited_by=c.caseworker
                ),
            ]
        self.add("interventions", _bulk(Intervention, interventions))
        self.add("meeting_participants", _bulk(MeetingParticipant, participants))
        self.add("consents", _bulk(Consent, consents))
        self.add("invitations", _bulk(Invitation, invitations))
        del interventions, participants, consents, invitations
        self.step("SIPs")

        # Placements in waves: a move's previous placement goes in first.
        placements = [pc for c in cases for pc in c.placements]
        wave = [pc.placement for pc in placements if pc.placement.previous is None]
        done: set[int] = set()
        while wave:
            _bulk(Placement, wave)
            done.update(id(p) for p in wave)
            wave = [
                pc.placement
                for pc in placements
                if id(pc.placement) not in done and id(pc.placement.previous) in done
            ]
        self.add("placements", len(done))
        links = [
            Sip.placements.through(sip=c.sip.sip, placement=pc.placement)
            for c in cases
            if c.sip is not None
            for pc in c.placements
        ]
        _bulk(Sip.placements.through, links)
        self.add(
            "health_examinations",
            _bulk(HealthExamination, [e for pc in placements for e in pc.exams]),
        )
        follow_ups = [f for pc in placements for f in pc.follow_ups]
        self.add("placement_follow_ups", _bulk(PlacementFollowUp, follow_ups))
        unit_links = []
        for c in cases:
            for pc in c.placements:
                for f in pc.follow_ups:
                    unit_links.append(("municipality", f, c.municipality.social))
                    unit_links.append(("region", f, c.municipality.primary_care))
        throughs: dict[str, Any] = {
            "municipality": PlacementFollowUp.municipality_units.through,
            "region": PlacementFollowUp.region_units.through,
        }
        for side, through in throughs.items():
            _bulk(
                through,
                [through(placementfollowup=f, unit=u) for kind, f, u in unit_links if kind == side],
            )
        self.step("placements")

        versions = [v for pc in placements for v in pc.versions]
        self.add("cost_meetings", _bulk(CostMeeting, [v.cost_meeting for v in versions]))
        _bulk(CostMeetingParticipant, [p for pc in placements for p in pc.cost_participants])
        self.add(
            "agreements", _bulk(Agreement, [pc.agreement for pc in placements if pc.agreement])
        )
        self.add("agreement_versions", _bulk(AgreementVersion, versions))
        lines = [line for pc in placements for line in pc.lines]
        self.add("agreement_lines", _bulk(AgreementLine, lines))
        self.add("signed_versions", sum(1 for v in versions if v.signed_at is not None))
        self.counts["meetings"] = self.counts["sip_meetings"] + self.counts["cost_meetings"]
        self.step("agreements")

    # -- who sees which child: the access table, in bulk ------------------------------------

    def child_access(self) -> None:
        """The access table (``placements.access``, issue 13): bulk inserts bypass the signals
        that keep it, so it is rebuilt from the records, as ``rebuild_child_access`` does."""
        from placements import access

        self.add("child_access_rows", access.rebuild())
        self.step("child access")

    # -- deadlines: the one engine, in bulk ------------------------------------------------

    def deadlines(self) -> None:
        """The deadline table by ``dashboard.sync.rebuild_all``, the chunked rebuild (issue 13):
        the same rows the services keep, from the one place that computes them."""
        from dashboard.sync import rebuild_all

        self.add("deadlines", rebuild_all())
        self.step("deadlines")


def build_national(
    *, scale: float = 1.0, seed: int = 42, today: date, log: Callable[[str], None] | None = None
) -> dict[str, int]:
    """Build the national data set on an empty migrated database; returns the counts."""
    return NationalBuilder(scale=scale, seed=seed, today=today, log=log).build()


def generated_data_present() -> bool:
    """The data set goes into a database without children (the demo's organisations may be
    there: they are reused)."""
    return Child.objects.exists() or Principal.objects.filter(name__endswith=" kommun 01").exists()


def iter_counts(counts: dict[str, int]) -> Iterable[tuple[str, int]]:
    return sorted(counts.items())
