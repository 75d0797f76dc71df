"""Principals hand in a document for a staff member of their school (medical certificate, family-allowance
file, accident declaration, joining report): the person, the kind, the file(s), an optional note → a receipt.

The draft is an ordinary `document_handin` draft (see `handlers.drafts`); this module adds the one question
that is not a plain answer, «for whom?», searched by PPR or name among the staff of the principal's own
school.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import ConversationHandler

from bot.context import BotContext
from bot.i18n import N_, Translator
from desk import views
from desk.errors import DeskError, PermissionDenied, StaffNotInYourSchool
from desk.filing import check_can_file
from handlers.common import callback, esc, explain, inline, main_menu, person, say
from handlers.drafts import AREA, STEP
from knowledge.normalize import fold
from models import StaffMember

STAFF_MEMBER = N_("Staff member")
MAX_MATCHES = 8
MIN_PPR_PREFIX = 3


def staff_label(staff: StaffMember, t: Translator) -> str:
    name = staff.full_name_fr if t.language == "fr" else staff.full_name_ar
    return f"{name} ({t.wrap(staff.ppr)})"


async def school_staff(update: Update, context: BotContext) -> list[StaffMember] | None:
    """The staff of the acting principal's school; None (and the person told why) for anyone else."""
    actor, t = await person(update, context)
    try:
        check_can_file(actor)
        return await context.read(views.my_school_staff, context.uow, actor)
    except PermissionDenied:
        await say(
            update,
            t(N_("Only school principals can hand in documents for their staff.")),
            main_menu(t, actor),
        )
    except DeskError as error:
        await say(update, explain(error, t) + "\n" + t(N_("Send /start to register.")))
    return None


def matches(staff: list[StaffMember], query: str) -> list[StaffMember]:
    """Staff whose PPR is (or starts with) the digits typed, or whose name holds every word typed."""
    folded = fold(" ".join(query.split()))
    digits = folded.replace(" ", "")
    if digits.isdigit():
        exact = [s for s in staff if s.ppr == digits]
        if exact or len(digits) < MIN_PPR_PREFIX:
            return exact
        return [s for s in staff if s.ppr.startswith(digits)]
    words = [w for w in folded.split() if w]
    return [s for s in staff if words and all(w in fold(f"{s.full_name_ar} {s.full_name_fr}") for w in words)]


async def search(update: Update, context: BotContext, draft: dict[str, Any], text: str) -> int:
    """A PPR or a name typed at «for whom?»: the matching people of the school, one button each."""
    _actor, t = await person(update, context)
    staff = await school_staff(update, context)
    if staff is None:
        return ConversationHandler.END
    found = matches(staff, text)
    if not found:
        await say(
            update,
            t(
                N_(
                    "No staff member of your school matches «{query}». Send the PPR number or another "
                    "part of the name, or /cancel."
                ),
                query=esc(text[:60]),
            ),
        )
        return STEP
    rows = [[(staff_label(s, t), callback(AREA, "staff", draft["step"], s.id))] for s in found[:MAX_MATCHES]]
    head = t(N_("Choose the staff member:"))
    if len(found) > MAX_MATCHES:
        head += "\n" + t(
            N_("Many people match; here are the first {count}. Type more of the name to narrow it."),
            count=MAX_MATCHES,
        )
    await say(update, head, inline(rows))
    return STEP


async def pick_staff(update: Update, context: BotContext, draft: dict[str, Any], staff_id: str) -> int | None:
    """nw:staff:<step>:<id>, checked again: only someone of the principal's own school is accepted.

    Returns the staff member's id (the press answered, their name shown), or None (refused with a pop-up)."""
    query = update.callback_query
    assert query is not None
    _actor, t = await person(update, context)
    staff = await school_staff(update, context)
    if staff is None:
        await query.answer()
        return None
    chosen = next((s for s in staff if str(s.id) == staff_id), None)
    if chosen is None or chosen.id is None:
        await query.answer(explain(StaffNotInYourSchool(), t), show_alert=True)
        return None
    await query.answer()
    draft["staff_label"] = f"{chosen.full_name_ar}|{chosen.full_name_fr}|{chosen.ppr}"
    await say(update, f"{t(STAFF_MEMBER)}: {esc(staff_label(chosen, t))}")
    return chosen.id


def for_whom(draft: dict[str, Any], t: Translator) -> str:
    """Whom a hand-in is for, as the receipt names them (HTML-escaped)."""
    parts = str(draft.get("staff_label") or "").split("|")
    if len(parts) != 3:
        return "—"
    return esc(f"{parts[1] if t.language == 'fr' else parts[0]} ({t.wrap(parts[2])})")
