"""Importing the staff roster (CSV or XLSX) into the database, with a per-row report.

Rows are matched by PPR: a new PPR is created, a known one updated when a field differs, else left
unchanged; a rejected row (from ``desk.roster_file``) never stops the others. Importing the same
file twice changes nothing. Staff absent from the file are kept (a roster may be partial).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col, select

from desk.actors import Actor
from desk.errors import N_
from desk.permissions import check_manage_agents
from desk.roster_file import RosterRow, RosterRowError, read_roster
from desk.uow import UnitOfWork
from models import StaffMember

FIELDS = ("cin", "full_name_ar", "full_name_fr", "role", "school_code", "school_name", "phone")
_CHUNK = 500


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    REJECTED = "rejected"


@dataclass(frozen=True)
class RowReport:
    """What happened to one line of the file; ``reason`` (a msgid) and ``params`` for rejections,
    ``changed`` lists the updated fields."""

    line: int
    outcome: Outcome
    ppr: str | None = None
    reason: str | None = None
    field: str | None = None
    params: dict[str, Any] = dataclass_field(default_factory=dict)
    changed: tuple[str, ...] = ()


@dataclass(frozen=True)
class RosterReport:
    rows: list[RowReport]

    @property
    def counts(self) -> dict[str, int]:
        """How many rows per outcome (every outcome present, zero included)."""
        counted = Counter(r.outcome for r in self.rows)
        return {str(o): counted.get(o, 0) for o in Outcome}


def import_roster(uow: UnitOfWork, actor: Actor, path: Path | str) -> RosterReport:
    """Read ``path`` and bring the roster up to date in one transaction; return the per-row report.

    Raises ``PermissionDenied`` (admins only) or ``InvalidInput(field="file")`` when the file itself
    cannot be used (unreadable, empty, a required column missing); then nothing is written.
    """
    check_manage_agents(actor)
    parsed = read_roster(Path(path))
    reports: list[RowReport] = []
    with uow.transaction() as session:
        valid = [row for row in parsed if isinstance(row, RosterRow)]
        existing = _existing(session, [row.ppr for row in valid])
        now = uow.now()
        for row in parsed:
            if isinstance(row, RosterRowError):
                reports.append(_rejected(row))
            else:
                reports.append(_apply(session, row, existing.get(row.ppr), now))
    return RosterReport(reports)


def _existing(session: Session, pprs: list[str]) -> dict[str, StaffMember]:
    found: dict[str, StaffMember] = {}
    for start in range(0, len(pprs), _CHUNK):
        chunk = pprs[start : start + _CHUNK]
        for staff in session.exec(select(StaffMember).where(col(StaffMember.ppr).in_(chunk))).all():
            found[staff.ppr] = staff
    return found


def _rejected(row: RosterRowError) -> RowReport:
    ppr = row.raw.get("ppr") or None
    return RowReport(
        row.line, Outcome.REJECTED, ppr=ppr, reason=row.reason, field=row.field, params=dict(row.params)
    )


def _apply(session: Session, row: RosterRow, staff: StaffMember | None, now: Any) -> RowReport:
    try:
        with session.begin_nested():  # a row the database refuses is reported, the others go on
            if staff is None:
                values = {name: getattr(row, name) for name in FIELDS}
                session.add(StaffMember(ppr=row.ppr, created_at=now, updated_at=now, **values))
                session.flush()
                return RowReport(row.line, Outcome.CREATED, ppr=row.ppr)
            changed = tuple(name for name in FIELDS if getattr(staff, name) != getattr(row, name))
            if not changed:
                return RowReport(row.line, Outcome.UNCHANGED, ppr=row.ppr)
            for name in changed:
                setattr(staff, name, getattr(row, name))
            staff.updated_at = now
            session.add(staff)
            session.flush()
            return RowReport(row.line, Outcome.UPDATED, ppr=row.ppr, changed=changed)
    except DBAPIError:
        return RowReport(row.line, Outcome.REJECTED, ppr=row.ppr, reason=N_("This row could not be saved."))
