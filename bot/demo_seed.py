"""The demo's world: a small roster, linked accounts, an agent for every office, an admin, and a few requests
in various states, all written through the desk (the same rules as real use). Telegram ids are fake.

    people = personas(directory)       # who can be played in the web chat
    report = seed(uow)                 # fill an empty, migrated database
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlmodel import select

from desk.actors import Actor, resolve_actor
from desk.filing import file_request
from desk.lifecycle import claim, reject, resolve
from desk.people import add_agent, register
from desk.thread import ask_documents, reply
from desk.uow import UnitOfWork
from knowledge.loader import Directory
from models import Request, StaffMember
from models.types import utcnow

SCHOOL_A = ("07101A", "مدرسة الأمل الابتدائية", "École primaire Al Amal")
SCHOOL_B = ("07202B", "الثانوية التأهيلية الداخلة", "Lycée qualifiant Dakhla")
DIRECTORATE = ("DP-OED", "المديرية الإقليمية بوادي الذهب", "Direction provinciale d'Oued Eddahab")

ADMIN_ID = 9_001
NEWCOMER_ID = 1_009  # has no account: /start asks for the PPR and CIN of the roster entry below
NEWCOMER_PPR, NEWCOMER_CIN = "1000004", "VB100004"
FIRST_AGENT_ID = 3_001  # agents get 3001, 3002 … in the order of the org chart


@dataclass(frozen=True)
class Persona:
    """Someone the demo page lets you play: a fake Telegram user and what they are in the directorate."""

    telegram_id: int
    role: str  # "teacher" | "principal" | "agent" | "admin" | "newcomer"
    first_name: str  # what Telegram would show as their first name
    label_ar: str
    label_fr: str
    language: str = "ar"
    office_id: str | None = None


@dataclass(frozen=True)
class _Staff:
    ppr: str
    cin: str
    name_ar: str
    name_fr: str
    role: str
    school: tuple[str, str, str]
    telegram_id: int | None
    language: str = "ar"


ROSTER: list[_Staff] = [
    _Staff("1000001", "VB100001", "أمينة العلوي", "Amina ALAOUI", "teacher", SCHOOL_A, 1_001),
    _Staff("1000002", "VB100002", "يوسف بناني", "Youssef BENNANI", "teacher", SCHOOL_A, 1_002, "fr"),
    _Staff("1000003", "VB100003", "خديجة الصحراوي", "Khadija SAHRAOUI", "teacher", SCHOOL_B, 1_003),
    _Staff(NEWCOMER_PPR, NEWCOMER_CIN, "حسن الأنصاري", "Hassan ANSARI", "teacher", SCHOOL_A, None),
    _Staff("2000001", "VA200001", "محمد الإدريسي", "Mohammed IDRISSI", "principal", SCHOOL_A, 2_001),
    _Staff("2000002", "VA200002", "فاطمة الزهراء بوعزة", "Fatima Zahra BOUAZZA", "principal", SCHOOL_B, 2_002,
           "fr"),
    _Staff("9000001", "VC900001", "رشيد المنصوري", "Rachid MANSOURI", "administrative", DIRECTORATE,
           ADMIN_ID),
]

# Agents' names: varied, short, and the same at every start.
_GIVEN = [("سعاد", "Souad"), ("عمر", "Omar"), ("نادية", "Nadia"), ("كريم", "Karim"), ("ليلى", "Leila"),
          ("إدريس", "Driss"), ("هند", "Hind"), ("مصطفى", "Mustapha"), ("سناء", "Sanae"),
          ("عبد الله", "Abdellah")]
_FAMILY = [("الفاسي", "FASSI"), ("التازي", "TAZI"), ("بنجلون", "BENJELLOUN"), ("الشرقاوي", "CHERKAOUI"),
           ("الوزاني", "OUAZZANI"), ("العمراني", "AMRANI"), ("السوسي", "SOUSSI")]


def _agent_staff(index: int, office_id: str) -> _Staff:
    given, family = _GIVEN[index % len(_GIVEN)], _FAMILY[index % len(_FAMILY)]
    return _Staff(
        f"3{index + 1:06d}", f"VD{index + 1:06d}", f"{given[0]} {family[0]}", f"{given[1]} {family[1]}",
        "administrative", DIRECTORATE, FIRST_AGENT_ID + index,
    )


def agent_ids(directory: Directory) -> dict[str, int]:
    """Office id → the fake Telegram id of its demo agent."""
    return {office.id: FIRST_AGENT_ID + i for i, (_, office) in enumerate(directory.offices())}


def personas(directory: Directory) -> list[Persona]:
    """Everyone the web chat offers, teachers first, then principals, the newcomer, the agents, the admin."""
    people: list[Persona] = []
    for staff in ROSTER:
        if staff.telegram_id is None or staff.role == "administrative":
            continue
        given_fr = staff.name_fr.split()[0]
        people.append(Persona(staff.telegram_id, staff.role, given_fr, f"{staff.name_ar} — {staff.school[1]}",
                              f"{staff.name_fr} — {staff.school[2]}", staff.language))
    people.append(Persona(
        NEWCOMER_ID, "newcomer", "Hassan", f"زائر غير مسجل (PPR {NEWCOMER_PPR}، CIN {NEWCOMER_CIN})",
        f"Nouveau venu non inscrit (PPR {NEWCOMER_PPR}, CIN {NEWCOMER_CIN})"))
    for i, (_, office) in enumerate(directory.offices()):
        staff = _agent_staff(i, office.id)
        people.append(Persona(FIRST_AGENT_ID + i, "agent", staff.name_fr.split()[0],
                              f"{office.name_ar} — {staff.name_ar}", f"{office.name_fr} — {staff.name_fr}",
                              "ar", office.id))
    admin = next(s for s in ROSTER if s.telegram_id == ADMIN_ID)
    people.append(Persona(ADMIN_ID, "admin", "Rachid", f"{admin.name_ar} — المشرف (منظومة الإعلام)",
                          f"{admin.name_fr} — administrateur (système d'information)"))
    return people


@dataclass
class SeedReport:
    """What :func:`seed` wrote: counts, and the seeded requests' references by status."""

    staff: int = 0
    accounts: int = 0
    agents: int = 0
    requests: dict[str, str] = field(default_factory=dict)  # reference → status


class _Clock:
    """The seed's clock: requests are filed and handled days before the demo starts."""

    def __init__(self, now: dt.datetime) -> None:
        self.start, self.now = now, now

    def __call__(self) -> dt.datetime:
        return self.now

    def days_ago(self, days: float) -> dt.datetime:
        self.now = self.start - dt.timedelta(days=days)
        return self.now


def seed(uow: UnitOfWork, now: Callable[[], dt.datetime] = utcnow) -> SeedReport:
    """Fill an empty, migrated database with the demo's people and requests; returns what was written.

    Uses the desk's own functions, so notices for the seeded events wait in the outbox and reach the
    people's chats when the bot starts, as they would have over the past days.
    """
    clock = _Clock(now())
    work = UnitOfWork(uow.engine, uow.settings, uow.directory, clock)
    report = SeedReport()
    clock.days_ago(30)
    roster = ROSTER + [_agent_staff(i, o.id) for i, (_, o) in enumerate(uow.directory.offices())]
    with work.transaction() as session:
        for s in roster:
            session.add(StaffMember(ppr=s.ppr, cin=s.cin, full_name_ar=s.name_ar, full_name_fr=s.name_fr,
                                    role=s.role, school_code=s.school[0], school_name=s.school[1]))
    report.staff = len(roster)
    for s in roster:
        if s.telegram_id is not None:
            register(work, s.telegram_id, s.ppr, s.cin, language=s.language)
            report.accounts += 1
    operator = Actor.operator()
    agents = agent_ids(uow.directory)
    for office_id, telegram_id in agents.items():
        add_agent(work, operator, telegram_id, office_id, is_head=True)  # alone in the office: its head too
        report.agents += 1
    _requests(work, clock, agents, report)
    return report


def _requests(uow: UnitOfWork, clock: _Clock, agents: dict[str, int], report: SeedReport) -> None:
    """A few requests, one per status, filed and handled on earlier days."""

    def who(telegram_id: int) -> Actor:
        return resolve_actor(uow, telegram_id)

    def local_day(days: float) -> str:
        return uow.calendar.local_date(clock.start - dt.timedelta(days=days)).isoformat()

    amina, youssef, khadija, principal = 1_001, 1_002, 1_003, 2_001
    status_agent, leave_agent = who(agents["hr-admin-status"]), who(agents["hr-leave"])

    clock.days_ago(9)  # resolved: a service record for Youssef (in French)
    done = file_request(uow, who(youssef), "certificate", {
        "certificate": "service_record", "purpose": "Dossier de retraite complémentaire", "language": "fr",
        "copies": 1})
    clock.days_ago(8)
    claim(uow, status_agent, done.id)
    clock.days_ago(7)
    resolve(uow, status_agent, done.id,
            "Votre état des services est prêt : vous pouvez le retirer au bureau, muni de votre CIN.")

    clock.days_ago(6)  # rejected: a complaint outside the directorate's hands
    refused = file_request(uow, who(youssef), "complaint", {
        "subject": "Retard de la prime de rendement",
        "account": "La prime de rendement de l'année dernière n'a pas encore été versée.",
        "confidential": False})
    clock.days_ago(5)
    reject(uow, who(agents["legal-affairs"]), refused.id,
           "Ce dossier relève de l'Académie régionale : merci de lui adresser votre réclamation.")

    clock.days_ago(4)  # in progress, with a reply: Khadija's sick leave
    held = file_request(uow, who(khadija), "leave_followup", {
        "leave_kind": "sick_short", "first_day": local_day(7), "certificate_handed_in_on": local_day(5)})
    clock.days_ago(3.9)
    claim(uow, leave_agent, held.id)
    reply(uow, leave_agent, held.id, "توصلنا بشهادتكم الطبية، والملف في طور الدراسة.")

    clock.days_ago(3)  # awaiting the requester: Amina is asked for a document
    waiting = file_request(uow, who(amina), "leave_followup", {
        "leave_kind": "sick_medium", "first_day": local_day(10)})
    clock.days_ago(2.9)
    ask_documents(uow, leave_agent, waiting.id,
                  "المرجو إرسال نسخة من الشهادة الطبية وتاريخ إيداعها لدى إدارة المؤسسة.")

    clock.days_ago(2)  # new: the principal hands in a medical certificate for Hassan (no account yet)
    with uow.reading() as session:
        hassan = session.exec(select(StaffMember).where(StaffMember.ppr == NEWCOMER_PPR)).one()
    handed = file_request(uow, who(principal), "document_handin", {
        "document": "medical_certificate", "staff_member_id": hassan.id,
        "note": "الأصل مرسل عبر البريد الإداري."})

    clock.days_ago(1)  # new: a school accident followed by Khadija
    accident = file_request(uow, who(khadija), "accident_followup", {
        "victim": "pupil", "school": SCHOOL_B[1], "occurred_on": local_day(2), "place": "ساحة المؤسسة"})

    # A registration waiting for approval: the admin and the admin-status agent hear of it.
    register(uow, 1_010, "1000777", "VB100777", claimed_name="سعيد المراكشي")

    for request in (done, refused, held, waiting, handed, accident):
        with uow.reading() as session:
            current = session.get(Request, request.id)
            assert current is not None
            report.requests[current.reference] = current.status
    clock.now = clock.start
