"""Outbox notices (a kind and its params) rendered as Telegram messages in the recipient's language."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardMarkup

from bot.i18n import N_, Translator
from desk.delivery import NoticeSubject
from handlers.common import callback, code, esc, inline
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


def _message_files(subject: NoticeSubject | None, params: dict[str, Any]) -> Files:
    """The files sent with the thread message a notice is about (relayed after its text)."""
    message_id = params.get("message_id")
    if subject is None or message_id is None:
        return ()
    return tuple((a.file_id, a.mime_type) for a in subject.attachments if a.message_id == message_id)


def render(notice: Notification, subject: NoticeSubject | None, directory: Directory, t: Translator,
           today: dt.date) -> RenderedNotice:
    """The message for one notice. Replies from an office are signed with the office's name, never the agent's."""
    p: dict[str, Any] = notice.params or {}
    kind = notice.kind
    ref = code(p.get("reference", subject.request.reference if subject else ""))
    request = subject.request if subject else None
    rid = notice.request_id or 0

    if kind in {"request_created_for_office", "request_transferred_to_office", "request_assigned",
                "request_reopened"} and request is not None:
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
        files = tuple((a.file_id, a.mime_type) for a in subject.attachments) if subject else ()
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
        markup = agent_buttons(rid, t, request.status if request else "in_progress") if kind != "request_withdrawn" else None
        return RenderedNotice(text, markup, _message_files(subject, p))

    office = esc(office_label(directory, str(p.get("office_id") or (request.office_id if request else "")), t))
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
