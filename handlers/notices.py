"""Outbox notices (a kind and its params) rendered as Telegram messages in the recipient's language."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import N_, Translator
from desk.delivery import NoticeSubject
from handlers.common import callback, clip, code, esc, inline
from handlers.render import office_label, request_card, status_label
from knowledge.loader import Directory
from models import Notification

AGENT_AREA = "ag"
FILE_ONLY = "📎"  # the thread text of a message that is only a file (handlers/agent_tasks.py)
REQUESTER_AREA = "rq"


Files = tuple[tuple[str, str | None], ...]  # (file_id, mime type) of files to forward after a notice


@dataclass(frozen=True)
class RenderedNotice:
    text: str
    markup: InlineKeyboardMarkup | None = None
    # Files to forward after the text (agents receive a new request's attachments).
    files: tuple[tuple[str, str | None], ...] = ()  # (file_id, mime type)


def agent_buttons(request_id: int, t: Translator, status: str = "new") -> InlineKeyboardMarkup:
    """What an agent can do with a request, one press each (every press is checked again by the desk)."""
    rows: list[list[tuple[str, str]]] = []
    if status == "new":
        rows.append([(t(N_("✋ Claim")), callback(AGENT_AREA, "claim", request_id))])
    rows.append([(t(N_("💬 Reply")), callback(AGENT_AREA, "reply", request_id)),
                 (t(N_("📄 Ask for documents")), callback(AGENT_AREA, "docs", request_id))])
    rows.append([(t(N_("✅ Resolve")), callback(AGENT_AREA, "done", request_id)),
                 (t(N_("⛔ Reject")), callback(AGENT_AREA, "rej", request_id))])
    rows.append([(t(N_("🔀 Transfer")), callback(AGENT_AREA, "xfer", request_id)),
                 (t(N_("🗂 History")), callback(AGENT_AREA, "open", request_id))])
    return inline(rows)


def requester_buttons(request_id: int, t: Translator) -> InlineKeyboardMarkup:
    return inline([[(t(N_("🗂 See the request")), callback(REQUESTER_AREA, "open", request_id))]])


def _name(subject: NoticeSubject | None, t: Translator) -> str:
    if subject is None or subject.requester is None:
        return ""
    staff = subject.requester
    name = staff.full_name_fr if t.language == "fr" else staff.full_name_ar
    return f"{esc(name)} — {esc(staff.school_name)} ({t.wrap(esc(staff.ppr))})"


def sent_as(attachment: Any) -> str | None:
    """The MIME type to forward a file with: an image type only for a photo (no file name). Telegram refuses
    a document's file id in sendPhoto («type of file mismatch»), and a PNG is often sent as a document."""
    mime: str | None = attachment.mime_type
    if attachment.file_name is not None and (mime or "").startswith("image/"):
        return "application/octet-stream"
    return mime


def _message_files(subject: NoticeSubject | None, params: dict[str, Any]) -> Files:
    """The files sent with the thread message a notice is about (relayed after its text)."""
    message_id = params.get("message_id")
    if subject is None or message_id is None:
        return ()
    return tuple((a.file_id, sent_as(a)) for a in subject.attachments if a.message_id == message_id)


def render(notice: Notification, subject: NoticeSubject | None, directory: Directory, t: Translator,
           today: dt.date) -> RenderedNotice:
    """The message for one notice, within Telegram's length limit (a 4000-character reply plus its heading
    would pass it, and Telegram would refuse the notice for ever)."""
    rendered = _render(notice, subject, directory, t, today)
    return replace(rendered, text=clip(rendered.text))


def _render(notice: Notification, subject: NoticeSubject | None, directory: Directory, t: Translator,
            today: dt.date) -> RenderedNotice:
    """The message for one notice. Replies from an office are signed with the office's name, never the agent's."""
    p: dict[str, Any] = notice.params or {}
    kind = notice.kind
    ref = code(p.get("reference", subject.request.reference if subject else ""))
    request = subject.request if subject else None
    rid = notice.request_id or 0

    if kind in {"request_created_for_office", "request_transferred_to_office", "request_assigned",
                "request_reopened"} and request is not None:
        if p.get("office_id") and p["office_id"] != request.office_id:  # transferred since: not theirs any more
            text = t(N_("📤 Request {reference} has since been transferred to {office}; it is no longer in your "
                        "office's queue."), reference=ref,
                     office=esc(office_label(directory, request.office_id, t)))
            return RenderedNotice(text, None)
        heading = {
            "request_created_for_office": N_("📥 New request for your office"),
            "request_transferred_to_office": N_("📥 A request was transferred to your office"),
            "request_assigned": N_("📌 A request was assigned to you"),
            "request_reopened": N_("🔁 A request was reopened by its requester"),
        }[kind]
        lines = [t(heading), "", request_card(directory, request, t, for_office=True, today=today,
                                              staff=subject.on_behalf_of if subject else None)]
        if requester := _name(subject, t):
            lines.append(t(N_("Filed by: {name}"), name=requester))
        if kind == "request_transferred_to_office" and p.get("note"):
            lines.append(t(N_("Transfer note: {note}"), note=esc(p["note"])))
        if kind == "request_reopened" and p.get("note"):
            lines.append(t(N_("Reason: {reason}"), reason=esc(p["note"])))
        files = tuple((a.file_id, sent_as(a)) for a in subject.attachments) if subject else ()
        return RenderedNotice("\n".join(lines), agent_buttons(rid, t, request.status), files)

    if kind in {"requester_answered", "information_added", "request_withdrawn"}:
        heading = {
            "requester_answered": N_("📨 The requester answered about {reference}:"),
            "information_added": N_("📎 The requester added information to {reference}:"),
            "request_withdrawn": N_("↩️ The requester withdrew {reference}."),
        }[kind]
        text = t(heading, reference=ref)
        body = p.get("text") or p.get("note")
        if body:
            text += "\n\n" + esc(body)
        if kind != "request_withdrawn":
            text += "\n\n" + t(N_("Reply to this message to answer the requester."))
        markup = (
            agent_buttons(rid, t, request.status if request else "in_progress") if kind != "request_withdrawn" else None
        )
        return RenderedNotice(text, markup, _message_files(subject, p))

    office = esc(office_label(directory, str(p.get("office_id") or (request.office_id if request else "")), t))
    if kind in {"request_overdue", "request_escalated"}:
        return _late_notice(kind, p, subject, directory, t, today, rid, ref)
    if kind == "documents_reminder":
        text = t(N_("📄 Reminder: {office} is still waiting for your answer on your request {reference}, "
                    "asked on {date}:"), office=office, reference=ref, date=_day(p.get("asked_on"), t))
        text += "\n\n" + esc(p.get("text") or "") + "\n\n" + t(
            N_("Reply to this message with the documents (photo or PDF) or your answer."))
        return RenderedNotice(text, requester_buttons(rid, t))
    if kind == "office_digest":
        return _digest(p, office, t)
    if kind == "office_reply":
        text = t(N_("📨 Reply from {office} about your request {reference}:"), office=office, reference=ref)
        if p.get("text") != FILE_ONLY:
            text += "\n\n" + esc(p.get("text", ""))
        text += "\n\n" + t(N_("To answer, reply to this message."))
        return RenderedNotice(text, requester_buttons(rid, t), _message_files(subject, p))
    if kind == "documents_asked":
        text = t(N_("📄 {office} asks for documents for your request {reference}:"), office=office, reference=ref)
        text += "\n\n" + esc(p.get("text", "")) + "\n\n" + t(
            N_("Reply to this message with the documents (photo or PDF) or your answer."))
        return RenderedNotice(text, requester_buttons(rid, t))
    if kind == "status_changed":
        text = t(N_("Your request {reference} is now: {status}"), reference=ref,
                 status=status_label(str(p.get("status", "")), t))
        if p.get("note"):
            text += "\n" + esc(p["note"])
        return RenderedNotice(text, requester_buttons(rid, t))
    if kind == "request_transferred":
        text = t(N_("Your request {reference} was transferred to {office}, which will handle it."),
                 reference=ref, office=office)
        return RenderedNotice(text, requester_buttons(rid, t))
    if kind == "registration_pending":
        text = t(N_("👤 A registration awaits approval: {name} (PPR {ppr}). Use /admin to decide."),
                 name=esc(p.get("claimed_name") or "—"), ppr=t.wrap(esc(p.get("claimed_ppr") or "—")))
        return RenderedNotice(text)
    if kind == "registration_approved":
        return RenderedNotice(t(N_("✅ Your registration is approved. Welcome! Send /menu to begin.")))
    if kind == "registration_refused":
        text = t(N_("Your registration could not be approved."))
        if p.get("reason"):
            text += "\n" + t(N_("Reason: {reason}"), reason=esc(p["reason"]))
        return RenderedNotice(text)
    # A kind this version does not know yet (written by a newer desk): still tell the person something useful.
    return RenderedNotice(t(N_("There is news about your request {reference}."), reference=ref),
                          requester_buttons(rid, t) if rid else None)


# --- notices of the scheduled jobs (desk/reminders.py) ------------------------------------------------------

QUEUE_AREA = "q"  # handlers/queue.py's buttons: q:<filter>:<office>:<page> ("o" = every open request)


def _day(value: Any, t: Translator) -> str:
    try:
        return t.date(dt.date.fromisoformat(str(value)))
    except ValueError:
        return esc(value)


def _late_notice(kind: str, p: dict[str, Any], subject: NoticeSubject | None, directory: Directory,
                 t: Translator, today: dt.date, rid: int, ref: str) -> RenderedNotice:
    """An overdue request, to whoever handles it (``request_overdue``) or to the head (``request_escalated``)."""
    request = subject.request if subject else None
    if request is None or not request.is_open:  # closed between the job and the delivery: nothing to chase
        return RenderedNotice(
            t(N_("✅ {reference} has been closed since this reminder was written."), reference=ref))
    if kind == "request_overdue":
        heading = t(N_("⏰ Reminder: the request {reference} is past its due date."), reference=ref)
    else:
        heading = t(N_("🚨 Escalation: the request {reference} is still open past its due date."),
                    reference=ref)
    lines = [heading, t(N_("Working days late: {days}"), days=t.wrap(esc(p.get("days_late", "?")))), "",
             request_card(directory, request, t, for_office=True, today=today, staff=subject.on_behalf_of
                          if subject else None)]
    if kind == "request_escalated":
        held = request.assignee_telegram_id is not None
        lines += ["", t(N_("An agent holds it, but it is still open.")) if held
                  else t(N_("Nobody has taken it in charge yet."))]
    lines += ["", t(N_("Reply to this message to answer the requester."))]
    markup = agent_buttons(rid, t, request.status)
    if kind == "request_escalated":  # the head may give it to someone (the desk checks who may)
        markup = InlineKeyboardMarkup([*markup.inline_keyboard, [InlineKeyboardButton(
            t(N_("👥 Assign")), callback_data=callback(AGENT_AREA, "who", rid))]])
    return RenderedNotice("\n".join(lines), markup)


def _digest(p: dict[str, Any], office: str, t: Translator) -> RenderedNotice:
    """An office's open requests this morning, by status, with the overdue ones."""
    lines = [t(N_("🗓 Daily summary of {office} — {date}"), office=office, date=_day(p.get("date"), t)), ""]
    for status in ("new", "in_progress", "awaiting_requester"):
        lines.append(f"{status_label(status, t, for_office=True)}: {int(p.get(status) or 0)}")
    lines.append(t(N_("⚠️ Overdue: {count}"), count=int(p.get("overdue") or 0)))
    office_id = str(p.get("office_id") or "-")
    markup = inline([[(t(N_("📥 Open the queue")), callback(QUEUE_AREA, "o", office_id, 0))]])
    return RenderedNotice("\n".join(lines), markup)
