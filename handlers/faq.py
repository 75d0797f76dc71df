"""Questions: "which office handles this, and what does it do?" answered from the knowledge base."""

from __future__ import annotations

from telegram import Update

from bot.context import BotContext
from bot.i18n import N_, Translator
from handlers.common import callback, esc, inline, parse_callback, person, say
from knowledge.finder import Answer
from knowledge.schema import Office, Service, Task

AREA = "faq"
MAX_QUESTION = 1000


def office_name(office: Office, t: Translator) -> str:
    return office.name_fr if t.language == "fr" else office.name_ar


def service_name(service: Service, t: Translator) -> str:
    return service.name_fr if t.language == "fr" else service.name_ar


def task_text(task: Task, t: Translator) -> str:
    return task.fr if t.language == "fr" else task.ar


def office_card(service: Service, office: Office, tasks: tuple[Task, ...] | list[Task], t: Translator) -> str:
    """The office, its service, what it does (the task lines that justify the answer), and how to reach it."""
    lines = [f"🏢 <b>{esc(office_name(office, t))}</b>", f"<i>{esc(service_name(service, t))}</i>"]
    summary = office.summary_fr if t.language == "fr" else office.summary_ar
    if summary:
        lines += ["", esc(summary)]
    if tasks:
        lines += ["", t(N_("Among its tasks:"))]
        lines += [f"• {esc(task_text(task, t))}" for task in tasks]
    contact = office.contact
    details = [
        (N_("Room"), contact.room), (N_("Phone"), contact.phone),
        (N_("E-mail"), contact.email), (N_("Hours"), contact.hours),
    ]
    shown = [f"{t(label)}: {t.wrap(esc(value))}" for label, value in details if value]
    if shown:
        lines += ["", "📍 " + " · ".join(shown)]
    return "\n".join(lines)


def office_buttons(office_id: str, t: Translator, alternatives: bool = True) -> list[list[tuple[str, str]]]:
    rows = [[(t(N_("📨 Send a request to this office")), callback("req", "office", office_id))]]
    if alternatives:
        rows.append([(t(N_("🔀 Not this one: other offices")), callback(AREA, "alt"))])
    return rows


async def answer_question(update: Update, context: BotContext, question: str) -> None:
    """Find the office for a free-text question and show it, with its alternatives one press away."""
    _actor, t = await person(update, context)
    if len(question) > MAX_QUESTION:
        await say(update, t(N_("Your question is too long. Please ask it in fewer than {limit} characters."),
                            limit=MAX_QUESTION))
        return
    answer: Answer = context.services.finder.find(question)
    message = update.effective_message
    if answer.best is None:
        directory = context.services.directory
        reception = directory.reception_office
        text = t(N_("I could not tell which office handles this question. The reception office can direct you:"))
        text += "\n\n" + office_card(directory.service_of(reception.id), reception, (), t)
        rows = [[(t(N_("📨 Send a request to this office")), callback("req", "office", reception.id))]]
        if answer.alternatives:
            rows.append([(t(N_("🔀 Offices that might handle it")), callback(AREA, "alt"))])
        rows.append([(t(N_("🗂 Browse all offices")), callback(AREA, "browse"))])
        await _reply(update, text, inline(rows), message)
        return
    best = answer.best
    text = office_card(best.service, best.office, best.evidence, t)
    await _reply(update, text, inline(office_buttons(best.office.id, t, bool(answer.alternatives))), message)


async def _reply(update: Update, text: str, markup: object, message: object) -> None:
    from telegram.constants import ParseMode

    from handlers.common import clip

    chat = update.effective_chat
    assert chat is not None
    reply_to = getattr(message, "message_id", None)
    await chat.send_message(
        clip(text), parse_mode=ParseMode.HTML, reply_markup=markup,  # type: ignore[arg-type]
        reply_to_message_id=reply_to, allow_sending_without_reply=True,
    )


async def on_button(update: Update, context: BotContext) -> None:
    """faq:alt (other offices for the question this answer replied to), faq:show:OFFICE, faq:browse[:SERVICE]."""
    query = update.callback_query
    assert query is not None
    _actor, t = await person(update, context)
    data = query.data or ""
    directory = context.services.directory
    if parts := parse_callback(data, AREA, 2):
        if parts[1] == "alt":
            await query.answer()
            await _alternatives(update, context, t)
            return
        if parts[1] == "browse":
            await query.answer()
            rows = [[(service_name(s, t), callback(AREA, "svc", s.id))] for s in directory.services]
            await say(update, t(N_("Choose a service:")), inline(rows))
            return
    if (parts := parse_callback(data, AREA, 3)) and parts[1] == "svc":
        service = next((s for s in directory.services if s.id == parts[2]), None)
        if service is not None:
            await query.answer()
            rows = [[(office_name(o, t), callback(AREA, "show", o.id))] for o in service.offices]
            await say(update, f"<b>{esc(service_name(service, t))}</b>", inline(rows))
            return
    if (parts := parse_callback(data, AREA, 3)) and parts[1] == "show" and directory.has_office(parts[2]):
        await query.answer()
        office = directory.office(parts[2])
        text = office_card(directory.service_of(office.id), office, office.tasks[:8], t)
        await say(update, text, inline(office_buttons(office.id, t, alternatives=False)))
        return
    await query.answer(t(N_("This button is no longer valid.")), show_alert=True)


async def _alternatives(update: Update, context: BotContext, t: Translator) -> None:
    query = update.callback_query
    assert query is not None
    original = query.message.reply_to_message if query.message else None  # type: ignore[union-attr]
    question = original.text if original is not None and original.text else None
    if not question:
        rows = [[(service_name(s, t), callback(AREA, "svc", s.id))] for s in context.services.directory.services]
        await say(update, t(N_("Choose a service:")), inline(rows))
        return
    answer = context.services.finder.find(question)
    candidates = list(answer.alternatives)  # without a best office, the nearest ones
    if not candidates:
        await say(update, t(N_("I have no other office to suggest for this question.")))
        return
    rows = [[(office_name(c.office, t), callback(AREA, "show", c.office.id))] for c in candidates]
    rows.append([(t(N_("🗂 Browse all offices")), callback(AREA, "browse"))])
    await say(update, t(N_("Other offices that may handle it:")), inline(rows))
