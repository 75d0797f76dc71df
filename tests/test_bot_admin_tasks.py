"""Admins at work through the real bot: registrations decided, agents added and removed, the roster imported
from a file sent to the bot, counts per office; and who may not."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from desk import lifecycle
from desk.filing import file_request
from models import Account, Agent, StaffMember
from tests.botkit import World
from tests.conftest import ADMIN_ID, LEAVE, Cast
from tests.office_kit import office_world


@pytest.fixture
async def world(uow, settings, cast):
    async for w in office_world(uow, settings):
        yield w


async def register_with_a_wrong_cin(world: World, telegram_id: int = 556) -> None:
    """Someone of the roster (PPR 1000009) types their CIN wrong: the registration waits for a decision."""
    await world.send(telegram_id, "/start")
    await world.send(telegram_id, "1000009")
    await world.send(telegram_id, "VB100008")
    await world.deliver()


async def pending_cards(world: World, telegram_id: int) -> list[dict]:
    menu = (await world.send(telegram_id, "/admin"))[-1]
    return await world.press(telegram_id, menu, "ad:reg")


async def test_the_admin_approves_a_pending_registration_and_the_person_is_told(world: World, uow):
    await register_with_a_wrong_cin(world)
    assert any("1000009" in m["text"] for m in world.inbox(ADMIN_ID))  # the notice: "use /admin"
    cards = await pending_cards(world, ADMIN_ID)
    assert len(cards) == 1 and "1000009" in cards[0]["text"]
    await world.press(ADMIN_ID, cards[0], text="✅ المصادقة")
    assert "تمت المصادقة" in world.last(ADMIN_ID)["text"]
    await world.deliver()
    assert "تمت المصادقة على تسجيلكم" in world.last(556)["text"]
    with uow.reading() as session:
        account = session.exec(select(Account).where(Account.telegram_user_id == 556)).one()
        assert account.registration_status == "linked"
    assert "لا يوجد أي طلب تسجيل" in (await pending_cards(world, ADMIN_ID))[-1]["text"]


async def test_a_refusal_needs_a_reason_and_the_person_reads_it(world: World, uow):
    await register_with_a_wrong_cin(world)
    cards = await pending_cards(world, ADMIN_ID)
    await world.press(ADMIN_ID, cards[0], text="⛔ الرفض")
    assert "سبب الرفض" in world.last(ADMIN_ID)["text"]
    await world.send(ADMIN_ID, "رقم البطاقة الوطنية لا يطابق لائحة الموظفين.")
    await world.deliver()
    refusal = world.last(556)["text"]
    assert "تعذرت المصادقة" in refusal and "لا يطابق لائحة الموظفين" in refusal
    with uow.reading() as session:
        assert (
            session.exec(select(Account).where(Account.telegram_user_id == 556)).one().registration_status
            == "refused"
        )


async def test_the_admin_status_office_decides_registrations_but_nothing_else(world: World):
    await register_with_a_wrong_cin(world)
    menu = (await world.send(401, "/admin"))[-1]
    assert list(world.buttons(menu).values()) == ["ad:reg"]
    cards = await world.press(401, menu, "ad:reg")
    await world.press(401, cards[0], text="✅ المصادقة")
    await world.deliver()
    assert "تمت المصادقة على تسجيلكم" in world.last(556)["text"]
    await world.press(401, menu, "ad:imp", check=False)
    assert "غير مسموح" in (world.press_answer() or {}).get("text", "")
    await world.press(401, menu, "ad:rm:301:hr-leave", check=False)
    assert "غير مسموح" in (world.press_answer() or {}).get("text", "")


async def test_other_people_are_kept_out_of_admin(world: World, uow):
    assert "خاص بمسؤولي المديرية" in (await world.send(501, "/admin"))[-1]["text"]
    await register_with_a_wrong_cin(world)
    with uow.reading() as session:
        account_id = session.exec(select(Account).where(Account.telegram_user_id == 556)).one().id
    screen = (await world.send(501, "/queue"))[-1]
    await world.press(501, screen, f"ad:ok:{account_id}", check=False)
    assert "غير مسموح" in (world.press_answer() or {}).get("text", "")
    await world.press(501, screen, f"ad:no:{account_id}", check=False)
    assert "غير مسموح" in (world.press_answer() or {}).get("text", "")
    with uow.reading() as session:
        assert session.get(Account, account_id).registration_status == "pending"


async def test_the_admin_adds_an_agent_who_then_receives_new_requests(world: World, cast: Cast, uow):
    menu = (await world.send(ADMIN_ID, "/admin"))[-1]
    agents = (await world.press(ADMIN_ID, menu, "ad:agents"))[-1]
    await world.press(ADMIN_ID, agents, text="➕ إضافة موظف")
    assert "أرقام فقط" in (await world.send(ADMIN_ID, "Karim"))[-1]["text"]  # asked again
    services = (await world.send(ADMIN_ID, "777001"))[-1]
    await world.press(ADMIN_ID, services, "ad:as:hr")
    await world.press(ADMIN_ID, world.last(ADMIN_ID), "ad:ao:hr-leave")
    assert "رئيس" in world.last(ADMIN_ID)["text"]
    await world.press(ADMIN_ID, world.last(ADMIN_ID), "ad:ah:0")
    assert "777001" in world.last(ADMIN_ID)["text"]
    with uow.reading() as session:
        assert (
            session.exec(select(Agent).where(Agent.telegram_user_id == 777001)).one().office_id == "hr-leave"
        )
    world.api.add_chat(world.user(777001))
    request = file_request(cast.uow, cast.teacher, "leave_followup", LEAVE)
    await world.deliver()
    assert any(request.reference in m["text"] for m in world.inbox(777001))


async def test_the_admin_removes_an_agent_and_their_requests_return_to_the_office(
    world: World, cast: Cast, uow
):
    request = file_request(cast.uow, cast.teacher, "leave_followup", LEAVE)
    lifecycle.claim(cast.uow, cast.leave_agent, request.id)
    menu = (await world.send(ADMIN_ID, "/admin"))[-1]
    agents = (await world.press(ADMIN_ID, menu, "ad:agents"))[-1]
    assert "ad:rm:301:hr-leave" in world.buttons(agents).values()
    await world.press(ADMIN_ID, agents, "ad:rm:301:hr-leave")
    edited = world.last(ADMIN_ID)
    assert edited["message_id"] == agents["message_id"]
    assert "ad:rm:301:hr-leave" not in world.buttons(edited).values()
    with uow.reading() as session:
        assert session.exec(select(Agent).where(Agent.telegram_user_id == 301)).first() is None
    screen = (await world.send(301, f"/r {request.reference}"))[-1]
    assert "تعذر العثور" in screen["text"]  # no longer an agent: sees nothing of the office


async def test_the_admin_imports_a_roster_file_and_receives_the_report(world: World, data_dir: Path, uow):
    menu = (await world.send(ADMIN_ID, "/admin"))[-1]
    await world.press(ADMIN_ID, menu, "ad:imp")
    assert "CSV" in world.last(ADMIN_ID)["text"]
    refused = await world.send_document(ADMIN_ID, b"%PDF-1.4", "roster.pdf", "application/pdf")
    assert "CSV أو XLSX" in refused[-1]["text"]
    content = (data_dir / "roster_fr.csv").read_bytes()
    report = (await world.send_document(ADMIN_ID, content, "roster_fr.csv", "text/csv"))[-1]["text"]
    assert "أضيف: 3" in report and "مرفوض: 2" in report
    assert "السطر 5" in report and "رقم التأجير" in report  # the rejected row says which column and why
    with uow.reading() as session:
        assert (
            session.exec(select(StaffMember).where(StaffMember.ppr == "1234567")).one().full_name_fr
            == "ALAMI Said"
        )
    again = await world.send(
        ADMIN_ID, "/admin"
    )  # the import step is over: a second file needs the menu again
    assert again


async def test_a_roster_without_the_required_columns_imports_nothing(world: World):
    menu = (await world.send(ADMIN_ID, "/admin"))[-1]
    await world.press(ADMIN_ID, menu, "ad:imp")
    reply = (await world.send_document(ADMIN_ID, b"nom;ville\nAlami;Dakhla\n", "list.csv", "text/csv"))[-1]
    assert "لم يتم استيراد أي شيء" in reply["text"]


async def test_a_long_roster_report_fits_one_message(world: World):
    lines = ["PPR;CIN;Nom_AR;Nom_FR;Fonction;Code Établissement;Établissement"]
    lines += [f"9{n:06d};X{n:06d};اسم {n};NOM {n};Enseignant;07123A;Ecole Al Amal" for n in range(400)]
    menu = (await world.send(ADMIN_ID, "/admin"))[-1]
    await world.press(ADMIN_ID, menu, "ad:imp")
    report = (await world.send_document(ADMIN_ID, "\n".join(lines).encode(), "big.csv", "text/csv"))[-1][
        "text"
    ]
    assert len(report) <= 4096 and "أضيف: 400" in report and "غير معروضة" in report


async def test_counts_per_office(world: World, cast: Cast, clock):
    first = file_request(cast.uow, cast.teacher, "leave_followup", LEAVE)
    file_request(cast.uow, cast.colleague, "leave_followup", LEAVE)
    clock.advance(days=8)  # 3 December: the colleague's request is overdue
    lifecycle.resolve(cast.uow, cast.leave_agent, first.id)
    file_request(cast.uow, cast.teacher, "leave_followup", LEAVE)
    menu = (await world.send(ADMIN_ID, "/admin"))[-1]
    counts = (await world.press(ADMIN_ID, menu, "ad:counts"))[-1]["text"]
    assert "مكتب الرخص" in counts
    assert "المجموع: 2 مفتوحة، 1 متجاوزة للأجل، 1 معالجة هذا الشهر." in counts


async def test_the_admin_menu_in_french(world: World):
    choice = (await world.send(ADMIN_ID, "/language"))[-1]
    await world.press(ADMIN_ID, choice, "lang:fr")
    menu = (await world.send(ADMIN_ID, "/admin"))[-1]
    assert "Administration" in menu["text"]
    assert "📊 Chiffres par bureau" in world.buttons(menu)
