"""Loading the knowledge base file, with errors that name the field and its line."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from knowledge.schema import KnowledgeBase, Office, RequestType, Service

DEFAULT_PATH = Path(__file__).with_name("directorate.yaml")
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: five times faster


class KnowledgeBaseError(Exception):
    """The knowledge base file cannot be used; the message says where and why."""


@dataclass(frozen=True)
class Directory:
    """The validated knowledge base with the look-ups the rest of the bot needs."""

    data: KnowledgeBase
    source: Path
    _offices: dict[str, tuple[Service, Office]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        offices = {o.id: (s, o) for s in self.data.services for o in s.offices}
        object.__setattr__(self, "_offices", offices)

    @property
    def services(self) -> list[Service]:
        return self.data.services

    def offices(self) -> Iterator[tuple[Service, Office]]:
        yield from self._offices.values()

    def office(self, office_id: str) -> Office:
        try:
            return self._offices[office_id][1]
        except KeyError:
            raise KeyError(f"unknown office '{office_id}'") from None

    def service_of(self, office_id: str) -> Service:
        return self._offices[office_id][0]

    def has_office(self, office_id: str) -> bool:
        return office_id in self._offices

    @property
    def reception_office(self) -> Office:
        return self.office(self.data.directorate.reception_office)

    @cached_property
    def request_types(self) -> dict[str, RequestType]:
        return {t.id: t for t in self.data.request_types}

    def request_type(self, type_id: str) -> RequestType:
        try:
            return self.request_types[type_id]
        except KeyError:
            raise KeyError(f"unknown request type '{type_id}'") from None


def load(path: Path | str | None = None) -> Directory:
    """Read and validate the knowledge base; raise KnowledgeBaseError naming the faulty field."""
    source = Path(path) if path is not None else DEFAULT_PATH
    try:
        text = source.read_text(encoding="utf-8")
    except OSError as exc:
        raise KnowledgeBaseError(f"{source}: cannot read the knowledge base ({exc.strerror})") from exc
    try:
        raw = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise KnowledgeBaseError(f"{source}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise KnowledgeBaseError(f"{source}: the file must hold a mapping at the top level")
    try:
        data = KnowledgeBase.model_validate(raw)
    except ValidationError as exc:
        lines = _line_numbers(yaml.compose(text, Loader=_Loader))  # only needed to point at the faulty line
        raise KnowledgeBaseError(_describe(source, exc, lines)) from exc
    return Directory(data=data, source=source)


def _describe(source: Path, exc: ValidationError, lines: dict[tuple[Any, ...], int]) -> str:
    problems = []
    for error in exc.errors():
        loc = tuple(error["loc"])
        where = _dotted(loc) or "(top level)"
        line = _nearest_line(loc, lines)
        at = f" (line {line})" if line else ""
        problems.append(f"  - {where}{at}: {error['msg']}")
    count = len(problems)
    return f"{source}: {count} problem{'s' if count > 1 else ''} in the knowledge base:\n" + "\n".join(problems)


def _dotted(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _nearest_line(loc: tuple[Any, ...], lines: dict[tuple[Any, ...], int]) -> int | None:
    for size in range(len(loc), -1, -1):
        if loc[:size] in lines:
            return lines[loc[:size]]
    return None


def _line_numbers(node: yaml.Node | None, path: tuple[Any, ...] = ()) -> dict[tuple[Any, ...], int]:
    """Map each path in the YAML document to the 1-based line where its value starts."""
    found: dict[tuple[Any, ...], int] = {}
    if node is None:
        return found
    found[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            found.update(_line_numbers(value, (*path, key.value)))
            found[(*path, key.value)] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, value in enumerate(node.value):
            found.update(_line_numbers(value, (*path, index)))
    return found
