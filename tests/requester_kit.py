"""Steps the requester stories share: filing each kind of request through the real bot, reading the result."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from bot.i18n import Translator
from desk.people import set_language
from desk.uow import UnitOfWork
from models import Request
from tests.botkit import World

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def speak_french(uow: UnitOfWork, telegram_id: int) -> None:
    from desk.actors import resolve_actor

    set_language(uow, resolve_actor(uow, telegram_id), "fr")


def requests(uow: UnitOfWork) -> list[Request]:
    with Session(uow.engine) as session:
        return list(session.exec(select(Request).order_by(Request.id)).all())  # type: ignore[arg-type]


def with_buttons(messages: list[dict[str, Any]]) -> dict[str, Any]:
    """The last of the bot's messages that has inline buttons."""
    found = [m for m in messages if World.buttons(m)]
    assert found, f"no message with buttons among {[m.get('text') for m in messages]}"
    return found[-1]


async def press(world: World, tg: int, messages: list[dict[str, Any]], data: str) -> list[dict[str, Any]]:
    """Press the button `data` on the latest message carrying it."""
    target = next((m for m in reversed(messages) if data in World.buttons(m).values()), None)
    assert target is not None, f"no button {data!r} in {[World.buttons(m) for m in messages]}"
    return await world.press(tg, target, data)


async def start(world: World, tg: int, request_type: str) -> list[dict[str, Any]]:
    return await press(world, tg, await world.send(tg, "/new"), f"nw:type:{request_type}")


async def finish(world: World, tg: int, messages: list[dict[str, Any]]) -> dict[str, Any]:
    """No (more) files: Done, then Send on the summary; returns the receipt."""
    done = next(d for d in World.buttons(with_buttons(messages)).values() if d.startswith("nw:done:"))
    summary = await press(world, tg, messages, done)
    assert "nw:ok" in World.buttons(summary[-1]).values(), summary[-1]["text"]
    receipt = await press(world, tg, summary, "nw:ok")
    return receipt[-1]


async def file_leave(world: World, tg: int = 101) -> dict[str, Any]:
    m = await start(world, tg, "leave_followup")
    m = await press(world, tg, m, "nw:pick:0:sick_short")
    m = await world.send(tg, "20/11/2026")
    m = await world.send(tg, "٢١/١١/٢٠٢٦")  # Arabic digits
    return await finish(world, tg, m)


async def file_certificate(world: World, tg: int = 101) -> dict[str, Any]:
    m = await start(world, tg, "certificate")
    m = await press(world, tg, m, "nw:pick:0:work_certificate")
    m = await world.send(tg, "Dossier bancaire")
    m = await press(world, tg, m, "nw:pick:2:fr")
    m = await press(world, tg, m, "nw:pick:3:2")
    return await finish(world, tg, m)


async def file_accident(world: World, tg: int = 101) -> dict[str, Any]:
    m = await start(world, tg, "accident_followup")
    m = await press(world, tg, m, "nw:pick:0:pupil")
    m = await world.send(tg, "مدرسة الأمل")
    m = await world.send(tg, "2026-11-23")
    m = await world.send(tg, "ساحة المدرسة")
    m = await press(world, tg, m, "nw:skip:4")
    return await finish(world, tg, m)


async def file_complaint(world: World, tg: int = 101) -> dict[str, Any]:
    m = await start(world, tg, "complaint")
    m = await world.send(tg, "تأخر صرف التعويضات")
    m = await world.send(tg, "لم أتوصل بالتعويضات منذ ثلاثة أشهر رغم إيداع الملف كاملا.")
    m = await press(world, tg, m, "nw:pick:2:yes")
    return await finish(world, tg, m)


async def file_question(world: World, tg: int = 101) -> dict[str, Any]:
    m = await start(world, tg, "question")
    m = await press(world, tg, m, "nw:svc:hr")
    m = await press(world, tg, m, "nw:off:hr-leave")
    m = await world.send(tg, "متى تصدر قرارات الرخص المرضية؟")
    return await finish(world, tg, m)


def due_text(uow: UnitOfWork, language: str = "ar") -> str:
    """The due date of the last request, as the person reads it."""
    return Translator(language).date(requests(uow)[-1].due_on)  # type: ignore[arg-type]
