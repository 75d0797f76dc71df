"""Generated data for ``bench.desk_queries``: a directorate-sized roster and years of requests.

The shape, not real data: 30 staff per school (one principal), 70 % of staff registered, requests
spread over three years, their type drawn by share, closed after a random delay around their
target (so open requests are mostly the recent ones, plus a few stale ones nobody closed), with
their events, messages and attachments. Loaded with COPY (PostgreSQL) or multi-row INSERTs (SQLite).
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Engine, insert, text

from knowledge.loader import load
from models import (
    Account,
    Agent,
    Attachment,
    ReferenceCounter,
    Request,
    RequestEvent,
    RequestMessage,
    StaffMember,
)

STAFF_PER_SCHOOL = 30
LINKED_SHARE = 0.7
YEARS_OF_HISTORY = 3
STALE_OPEN_SHARE = 0.002  # requests nobody ever closed
# request type → (share, target working days)
TYPES: dict[str, tuple[float, int]] = {
    "leave_followup": (0.35, 5),
    "certificate": (0.30, 3),
    "accident_followup": (0.05, 10),
    "complaint": (0.05, 30),
    "document_handin": (0.10, 5),
    "question": (0.15, 5),
}
NOW = dt.datetime.now(dt.UTC)


def add_weekdays(start: dt.date, days: int) -> dt.date:
    """``days`` working days after ``start``, weekends skipped (holidays ignored for generated data)."""
    d = start
    while days:
        d += dt.timedelta(days=1)
        days -= d.weekday() < 5
    return d


class World:
    """Generates the rows, deterministically from a seed, as plain column → value dicts."""

    def __init__(self, staff: int, requests: int, seed: int = 7) -> None:
        self.staff, self.requests, self.rng = staff, requests, random.Random(seed)
        directory = load()
        self.offices = sorted(o.id for _, o in directory.offices())
        self.types = directory.request_types
        self.accounts: list[tuple[int, int]] = []  # (account id, staff index)
        self.principal_school: dict[int, str] = {}

    def school(self, i: int) -> str:
        return f"S{i // STAFF_PER_SCHOOL:05d}"

    def staff_rows(self) -> Iterator[dict[str, Any]]:
        for i in range(self.staff):
            role = (
                "principal" if i % STAFF_PER_SCHOOL == 0 else ("administrative" if i % 20 == 1 else "teacher")
            )
            yield {
                "id": i + 1,
                "ppr": str(1_000_000 + i),
                "cin": f"{chr(65 + i // 1_000_000 % 26)}B{i % 1_000_000:06d}",
                "full_name_ar": f"موظف {i}",
                "full_name_fr": f"AGENT {i}",
                "role": role,
                "school_code": self.school(i),
                "school_name": f"Ecole {self.school(i)}",
                "phone": None,
                "created_at": NOW,
                "updated_at": NOW,
            }

    def account_rows(self) -> Iterator[dict[str, Any]]:
        account_id = 0
        for i in range(self.staff):
            if self.rng.random() >= LINKED_SHARE and i % STAFF_PER_SCHOOL:
                continue
            account_id += 1
            self.accounts.append((account_id, i))
            if i % STAFF_PER_SCHOOL == 0:
                self.principal_school[account_id] = self.school(i)
            yield {
                "id": account_id,
                "telegram_user_id": 10_000_000 + i,
                "language": "ar",
                "staff_member_id": i + 1,
                "registration_status": "linked",
                "created_at": NOW,
                "updated_at": NOW,
            }

    def agent_rows(self) -> Iterator[dict[str, Any]]:
        n = 0
        for office in self.offices:
            for k in range(5):
                n += 1
                yield {
                    "id": n,
                    "telegram_user_id": 500_000 + n,
                    "office_id": office,
                    "is_head": k == 0,
                    "created_at": NOW,
                }

    def _route(self, type_id: str) -> tuple[str, dict[str, Any]]:
        rtype = self.types[type_id]
        if type_id == "question":
            office = self.rng.choice(self.offices)
            return office, {"office_id": office, "text": "سؤال"}
        if rtype.choices:
            choice = self.rng.choice(rtype.choices)
            return choice.office or rtype.office or "", {"choice": choice.id}
        return rtype.office or "", {"subject": "موضوع"}

    def request_rows(self) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]]:
        """Each request with its events and messages, oldest first (so ids follow creation time)."""
        names, weights = list(TYPES), [share for share, _ in TYPES.values()]
        span = YEARS_OF_HISTORY * 365 * 86400
        ages = sorted((self.rng.random() * span for _ in range(self.requests)), reverse=True)
        principals = list(self.principal_school)
        sequence: dict[int, int] = {}
        event_id = message_id = 0
        for n, age in enumerate(ages, start=1):
            type_id = self.rng.choices(names, weights)[0]
            created = NOW - dt.timedelta(seconds=age)
            account = (
                self.rng.choice(principals)
                if type_id == "document_handin"
                else self.rng.choice(self.accounts)[0]
            )
            office, details = self._route(type_id)
            target = TYPES[type_id][1]
            filed_on = created.date()
            close_after = dt.timedelta(days=self.rng.expovariate(1 / (target * 1.4)))
            stale = self.rng.random() < STALE_OPEN_SHARE
            closed = not stale and created + close_after < NOW
            if closed:
                status = self.rng.choices(["resolved", "rejected", "withdrawn"], [0.85, 0.10, 0.05])[0]
            else:
                status = self.rng.choices(["new", "in_progress", "awaiting_requester"], [0.3, 0.55, 0.15])[0]
            assignee = (
                None
                if status in ("new", "withdrawn")
                else 500_000 + self.rng.randint(1, 5 * len(self.offices))
            )
            sequence[created.year] = sequence.get(created.year, 0) + 1
            request = {
                "id": n,
                "reference": f"OD-{created.year}-{sequence[created.year]:06d}",
                "request_type": type_id,
                "office_id": office,
                "status": status,
                "requester_account_id": account,
                "on_behalf_of_staff_id": None,
                "behalf_school_code": self.principal_school.get(account)
                if type_id == "document_handin"
                else None,
                "assignee_telegram_id": assignee,
                "details": details,
                "filed_on": filed_on,
                "due_on": add_weekdays(filed_on, target),
                "source_key": None,
                "created_at": created,
                "updated_at": created,
                "closed_at": created + close_after if closed else None,
            }
            kinds = ["created", "routed"] + (["claimed"] if assignee else []) + ([status] if closed else [])
            events = []
            for kind in kinds:
                event_id += 1
                events.append(
                    {
                        "id": event_id,
                        "request_id": n,
                        "kind": kind,
                        "actor_telegram_id": assignee,
                        "actor_side": "office",
                        "to_status": status,
                        "at": created,
                    }
                )
            messages = []
            for _ in range(self.rng.choice([0, 0, 1, 1, 2, 3])):
                message_id += 1
                messages.append(
                    {
                        "id": message_id,
                        "request_id": n,
                        "author_side": "office",
                        "text": "رسالة",
                        "created_at": created,
                    }
                )
            yield request, events, messages
        self.counters = [{"year": y, "value": v} for y, v in sequence.items()]


# --- loading ---------------------------------------------------------------------------------------

TABLES = {
    "staff_members": StaffMember,
    "accounts": Account,
    "agents": Agent,
    "requests": Request,
    "request_events": RequestEvent,
    "request_messages": RequestMessage,
    "attachments": Attachment,
    "reference_counters": ReferenceCounter,
}


def _columns(table: str) -> list[str]:
    return [c.name for c in TABLES[table].__table__.columns]  # type: ignore[attr-defined]


class Loader:
    """Writes row dicts in batches: COPY on PostgreSQL, multi-row INSERT on SQLite."""

    def __init__(self, engine: Engine) -> None:
        self.engine, self.pg = engine, engine.dialect.name == "postgresql"
        self.buffers: dict[str, list[dict[str, Any]]] = {t: [] for t in TABLES}
        self.count: dict[str, int] = dict.fromkeys(TABLES, 0)

    def add(self, table: str, row: dict[str, Any]) -> None:
        self.buffers[table].append(row)
        if len(self.buffers[table]) >= 20_000:
            self.flush_all()  # parents before children, for the foreign keys

    def flush(self, table: str) -> None:
        rows, self.buffers[table] = self.buffers[table], []
        if not rows:
            return
        self.count[table] += len(rows)
        if self.pg:
            self._copy(table, rows)
        else:
            with self.engine.begin() as conn:
                conn.execute(insert(TABLES[table].__table__), rows)  # type: ignore[attr-defined]

    def _copy(self, table: str, rows: list[dict[str, Any]]) -> None:
        columns = _columns(table)
        raw = self.engine.raw_connection()
        cursor: Any = raw.cursor()  # a psycopg 3 cursor: it has copy()
        try:
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([_pg_value(row.get(c)) for c in columns])
            raw.commit()
        finally:
            cursor.close()
            raw.close()

    def flush_all(self) -> None:
        for table in TABLES:
            self.flush(table)


def _pg_value(value: Any) -> Any:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, dict) else value


def fill(engine: Engine, world: World) -> dict[str, int]:
    loader = Loader(engine)
    for name, rows in (
        ("staff_members", world.staff_rows()),
        ("accounts", world.account_rows()),
        ("agents", world.agent_rows()),
    ):
        for row in rows:
            loader.add(name, row)
        loader.flush(name)
    for request, events, messages in world.request_rows():
        loader.add("requests", request)
        for event in events:
            loader.add("request_events", event)
        for message in messages:
            loader.add("request_messages", message)
            if message["id"] % 3 == 0:
                loader.add(
                    "attachments",
                    {
                        "id": message["id"] // 3,
                        "request_id": request["id"],
                        "message_id": message["id"],
                        "file_id": f"F{message['id']}",
                        "file_unique_id": f"U{message['id']}",
                        "added_by_telegram_id": 1,
                        "created_at": message["created_at"],
                    },
                )
    loader.flush_all()
    for counter in world.counters:
        loader.add("reference_counters", counter)
    loader.flush_all()
    with engine.begin() as conn:
        if loader.pg:
            for table in TABLES:  # COPY gave explicit ids: move the sequences past them
                if "id" in _columns(table):
                    conn.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                            f"COALESCE((SELECT MAX(id) FROM {table}), 1))"
                        )
                    )
            conn.execute(text("ANALYZE"))
        else:
            conn.execute(text("ANALYZE"))
    return loader.count
