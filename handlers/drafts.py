"""A request being drafted: the questions each request type asks, how answers are read, and the summary.

A draft lives in `context.user_data[DRAFT]` as JSON-safe values (dates as ISO strings) so that it is
persisted and survives a restart: {"type": str, "step": int, "values": {field: value},
"files": [FileRef as JSON], "staff_label": str (document hand-in)}.
The desk re-validates everything when the request is filed (`desk.details.clean_details`); the checks here
only let a person correct one answer at a time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from telegram import InlineKeyboardMarkup

from bot.i18n import N_, Translator
from desk.details import LEAVE_FUTURE_DAYS, LONG_TEXT, MAX_YEARS_BACK, MEDIUM_TEXT, SHORT_TEXT, route
from desk.errors import DeskError, InvalidInput
from desk.validation import bounded_text, parse_date, validate_past_date
from handlers.common import callback, code, esc, explain, inline
from handlers.render import details_lines, office_label, type_label
from knowledge.loader import Directory
from models import Request

DRAFT = "draft"
AREA = "nw"
# The states of the conversation "requester" (persisted: never renumber).
TYPE, OFFICE, STEP, CONFIRM, ADD = range(10, 15)
Kind = Literal["choice", "option", "date", "text", "files", "staff"]


@dataclass(frozen=True)
class Option:
    """A fixed answer offered as a button: its callback value, its label msgid and the value stored."""

    value: str
    label: str
    stored: Any


@dataclass(frozen=True)
class Step:
    """One question of a request type. `key` is the details field it fills ("files" for attachments)."""

    key: str
    kind: Kind
    prompt: str
    options: tuple[Option, ...] = ()
    optional: bool = False
    limit: int = LONG_TEXT
    future_days: int = 0  # dates: how far ahead an answer may be (0: not in the future)
    required: bool = False  # files: at least one


EXAMPLE_DATE = "25/11/2026"
# Labels used inside f-strings (where extraction cannot see them), marked here.
REQUEST, REFERENCE, OFFICE_LABEL, EXPECTED = (
    N_("Request"),
    N_("Reference"),
    N_("Office"),
    N_("Expected answer by"),
)
FILES = Step(
    "files",
    "files",
    N_(
        "You may now send photos or PDF files that support your request (optional). "
        "Press «Done» when you have finished."
    ),
)
YES_NO = (Option("yes", N_("Yes"), True), Option("no", N_("No"), False))
LANGUAGES = (Option("ar", N_("Arabic"), "ar"), Option("fr", N_("French"), "fr"))
VICTIMS = (Option("pupil", N_("A pupil"), "pupil"), Option("staff", N_("A staff member"), "staff"))
COPIES = tuple(Option(str(n), str(n), n) for n in range(1, 6))

STEPS: dict[str, tuple[Step, ...]] = {
    "leave_followup": (
        Step("leave_kind", "choice", N_("Which kind of leave is it?")),
        Step(
            "first_day",
            "date",
            N_("What is the first day of the leave? Write the date, e.g. {example}."),
            future_days=LEAVE_FUTURE_DAYS,
        ),
        Step(
            "certificate_handed_in_on",
            "date",
            N_(
                "On which date did you hand in the medical certificate? (e.g. {example}) "
                "Press «Skip» if it is not handed in yet."
            ),
            optional=True,
        ),
        FILES,
    ),
    "certificate": (
        Step("certificate", "choice", N_("Which certificate do you need?")),
        Step(
            "purpose",
            "text",
            N_("What is it for? (for example: a bank file, a visa application)"),
            limit=MEDIUM_TEXT,
        ),
        Step("language", "option", N_("In which language?"), LANGUAGES),
        Step("copies", "option", N_("How many copies do you need? (1 to 5)"), COPIES),
        FILES,
    ),
    "accident_followup": (
        Step("victim", "option", N_("Who had the accident?"), VICTIMS),
        Step("school", "text", N_("In which school?"), limit=SHORT_TEXT),
        Step("occurred_on", "date", N_("On which date did the accident happen? (e.g. {example})")),
        Step(
            "place",
            "text",
            N_("Where exactly did it happen? (classroom, playground, on the way to school…)"),
            limit=SHORT_TEXT,
        ),
        Step(
            "insurer_file_number",
            "text",
            N_("What is the insurer's file number? Press «Skip» if you do not have one."),
            optional=True,
            limit=50,
        ),
        FILES,
    ),
    "complaint": (
        Step(
            "subject", "text", N_("What is the subject of your complaint? (one short line)"), limit=SHORT_TEXT
        ),
        Step("account", "text", N_("Describe the facts: what happened, when, and who is concerned.")),
        Step("confidential", "option", N_("Should your identity be kept confidential?"), YES_NO),
        FILES,
    ),
    "question": (
        Step("text", "text", N_("Write your question to the office.")),
        FILES,
    ),
    "document_handin": (
        Step(
            "staff_member_id",
            "staff",
            N_("For which staff member of your school? Send their PPR number or part of their name."),
        ),
        Step("document", "choice", N_("Which document are you handing in?")),
        Step(
            "files",
            "files",
            N_(
                "Send the document: a photo or a PDF file (several pages may be sent one "
                "after another). Press «Done» when it is all sent."
            ),
            required=True,
        ),
        Step(
            "note",
            "text",
            N_("Add a note for the office if needed, or press «Skip»."),
            optional=True,
            limit=MEDIUM_TEXT,
        ),
    ),
}


def steps(request_type: str) -> tuple[Step, ...]:
    return STEPS.get(request_type, ())


def new_draft(request_type: str, **values: Any) -> dict[str, Any]:
    return {"type": request_type, "step": 0, "values": dict(values), "files": []}


def current(draft: dict[str, Any]) -> Step | None:
    all_steps = steps(str(draft.get("type")))
    index = int(draft.get("step", 0))
    return all_steps[index] if 0 <= index < len(all_steps) else None


def step_of_field(draft: dict[str, Any], field: str) -> int | None:
    for index, step in enumerate(steps(str(draft.get("type")))):
        if step.key == field:
            return index
    return None


def choice_label(directory: Directory, request_type: str, choice_id: str, t: Translator) -> str:
    for choice in directory.request_type(request_type).choices:
        if choice.id == choice_id:
            return choice.name_fr if t.language == "fr" else choice.name_ar
    return choice_id


def prompt(
    directory: Directory, draft: dict[str, Any], t: Translator
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The current question with its buttons (choices, skip, done); callback data carry the step index."""
    step = current(draft)
    assert step is not None
    index = int(draft["step"])
    rtype = str(draft["type"])
    text = t(step.prompt, example=t.wrap(EXAMPLE_DATE)) if "{example}" in step.prompt else t(step.prompt)
    rows: list[list[tuple[str, str]]] = []
    if step.kind == "choice":
        rows = [
            [(c.name_fr if t.language == "fr" else c.name_ar, callback(AREA, "pick", index, c.id))]
            for c in directory.request_type(rtype).choices
        ]
    elif step.kind == "option":
        rows = [[(t(o.label), callback(AREA, "pick", index, o.value)) for o in step.options]]
    elif step.kind == "files":
        count = len(draft.get("files") or [])
        if count:
            text += "\n" + t(N_("Files received so far: {count}."), count=count)
        rows = [[(t(N_("✅ Done")), callback(AREA, "done", index))]]
    if step.optional:
        rows.append([(t(N_("⏭ Skip")), callback(AREA, "skip", index))])
    text += "\n\n<i>" + t(N_("Send /cancel to stop.")) + "</i>"
    return text, inline(rows) if rows else None


def pick(directory: Directory, draft: dict[str, Any], index: int, value: str) -> tuple[bool, Any]:
    """The value a button stands for, if it belongs to the current question: (True, stored value)."""
    step = current(draft)
    if step is None or index != int(draft["step"]):
        return False, None
    if step.kind == "choice":
        ids = {c.id for c in directory.request_type(str(draft["type"])).choices}
        return (value in ids), value
    for option in step.options:
        if option.value == value:
            return True, option.stored
    return False, None


def read_answer(directory: Directory, draft: dict[str, Any], text: str, today: dt.date) -> Any:
    """A typed answer to the current question, checked; raises `InvalidInput` with a reason to show."""
    step = current(draft)
    assert step is not None
    if step.kind == "text":
        return bounded_text(text, step.key, max_len=step.limit)
    if step.kind == "date":
        day = parse_date(text, step.key)
        if day > today + dt.timedelta(days=step.future_days):
            reason = (
                N_("This date is in the future.")
                if not step.future_days
                else N_("This date is too far in the future.")
            )
            raise InvalidInput(field=step.key, reason=reason)
        validate_past_date(min(day, today), step.key, max_years=MAX_YEARS_BACK, today=today)
        return day.isoformat()
    if step.kind in ("option", "choice"):
        # A typed label (or a typed number of copies) counts as pressing its button.
        typed = " ".join(text.split()).casefold()
        if step.options is COPIES and typed.isdecimal():  # not isdigit: int("²") fails
            number = int(typed)  # int() reads Arabic-Indic digits too
            if 1 <= number <= 5:
                return number
            raise InvalidInput(field=step.key, reason=N_("Please send a number from 1 to 5."))
        for option in step.options:
            if typed in {
                Translator("ar")(option.label).casefold(),
                Translator("fr")(option.label).casefold(),
            }:
                return option.stored
        if step.kind == "choice":
            for c in directory.request_type(str(draft["type"])).choices:
                if typed in {c.name_ar.casefold(), c.name_fr.casefold()}:
                    return c.id
    raise InvalidInput(field=step.key, reason=N_("Please pick one of the offered choices."))


def reason(error: DeskError, t: Translator) -> str:
    """Why an answer was refused, in one sentence (the question itself is asked again right after)."""
    if isinstance(error, InvalidInput):
        params = {k: v for k, v in error.params.items() if k not in {"field", "reason"}}
        try:
            return t(error.reason).format(**params)
        except (KeyError, IndexError, ValueError):
            return t(error.reason)
    return explain(error, t)


def details_of(draft: dict[str, Any]) -> dict[str, Any]:
    """What the desk receives as the request's details (the answers minus empty optional ones)."""
    return {k: v for k, v in (draft.get("values") or {}).items() if v not in (None, "")}


def summary(directory: Directory, draft: dict[str, Any], details: dict[str, Any], t: Translator) -> str:
    """The draft as it will be sent, for the person to confirm."""
    rtype = str(draft["type"])
    preview = Request(request_type=rtype, details=details)
    office = office_label(directory, route(directory, rtype, details), t)
    lines = [
        t(N_("<b>Please check your request before sending it:</b>")),
        "",
        f"{t(REQUEST)}: {esc(type_label(directory, rtype, t))}",
        f"{t(OFFICE_LABEL)}: {esc(office)}",
    ]
    lines += details_lines(directory, preview, t)
    files = len(draft.get("files") or [])
    if files:
        lines.append(t(N_("Attached files: {count}"), count=files))
    lines += ["", t(N_("Send it?"))]
    return "\n".join(lines)


def summary_buttons(t: Translator) -> InlineKeyboardMarkup:
    return inline([[(t(N_("✅ Send")), callback(AREA, "ok")), (t(N_("✖️ Cancel")), callback(AREA, "no"))]])


def receipt(directory: Directory, request: Request, t: Translator, for_whom: str | None = None) -> str:
    """What the requester keeps once a request is filed: its reference, office and expected date."""
    lines = [
        t(N_("✅ Your request has been sent."))
        if for_whom is None
        else t(N_("✅ Document received for {name}."), name=for_whom),
        "",
        f"{t(REFERENCE)}: {code(request.reference)}",
        f"{t(REQUEST)}: {esc(type_label(directory, request.request_type, t))}",
        f"{t(OFFICE_LABEL)}: {esc(office_label(directory, request.office_id, t))}",
        f"{t(EXPECTED)}: {t.date(request.due_on)}",
        "",
        t(N_("You will be told here of every reply and change. Follow it in «My requests» (/mine).")),
    ]
    return "\n".join(lines)
