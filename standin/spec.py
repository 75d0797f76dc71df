"""The official Bot API method list, and a validator for calls against it.

The method and type list is ``bot-api-10.1.json`` (MIT, see ``LICENSE-bot-api-spec``), a machine-readable
copy of https://core.telegram.org/bots/api. :func:`validate_call` checks a call's parameters against it
(unknown method, unknown field, missing required field, wrong type, JSON-serialized objects down to their
own fields) and against Telegram's limits (:mod:`standin.limits`).

Parameters may arrive the way Telegram receives them: native JSON values (``application/json`` bodies,
PTB's ``RequestData.parameters``) or strings (form / multipart bodies, PTB's ``json_parameters``), where
numbers, booleans and JSON-serialized objects are encoded as text. :func:`decode_params` turns the latter
into the former; :func:`validate_call` calls it itself.

Every problem is worded like the ``description`` Telegram would answer, e.g.
``"Bad Request: message is too long"``; an unknown method gives ``"Not Found: ..."`` (Telegram answers
HTTP 404 "Not Found" for those).
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SPEC_FILE = Path(__file__).with_name("bot-api-10.1.json")

#: Start of the problem for a top-level parameter the method does not have. Telegram itself ignores those
#: (and PTB sends some: with ``Defaults(parse_mode=...)`` editMessageReplyMarkup gets a ``parse_mode``).
UNKNOWN_PARAMETER = "Bad Request: unknown parameter"

#: Field types whose values are JSON-serialized when sent as form data.
_SCALARS = {"Integer", "Float", "Boolean", "String", "InputFile"}

#: Distinguishing key of each reply_markup alternative (they share no required field).
_TYPE_TAG = re.compile(r'\b(?:must be|always)\s+["\u201c]?([a-z_]+)')

_MARKUP_KEYS = {
    "inline_keyboard": "InlineKeyboardMarkup",
    "keyboard": "ReplyKeyboardMarkup",
    "remove_keyboard": "ReplyKeyboardRemove",
    "force_reply": "ForceReply",
}


@dataclass
class UploadedFile:
    """A file part of a multipart request (an ``InputFile`` in the Bot API's words)."""

    content: bytes
    filename: str | None = None
    mime_type: str | None = None

    def __repr__(self) -> str:  # keep recorded calls readable
        return f"UploadedFile({self.filename!r}, {len(self.content)} bytes, {self.mime_type!r})"


@dataclass(frozen=True)
class ApiSpec:
    version: str
    methods: dict[str, dict[str, Any]]
    types: dict[str, dict[str, Any]]
    _lower: dict[str, str] = field(default_factory=dict, repr=False)

    def method(self, name: str) -> dict[str, Any] | None:
        """The method's entry; Telegram's method names are case-insensitive."""
        canonical = self._lower.get(name.lower())
        return self.methods[canonical] if canonical else None

    def canonical(self, name: str) -> str | None:
        return self._lower.get(name.lower())

    def fields(self, method: str) -> dict[str, dict[str, Any]]:
        entry = self.method(method) or {}
        return {f["name"]: f for f in entry.get("fields", [])}


@functools.cache
def load_spec(path: str | None = None) -> ApiSpec:
    data = json.loads(Path(path or SPEC_FILE).read_text(encoding="utf-8"))
    methods = data["methods"]
    return ApiSpec(
        version=data["version"],
        methods=methods,
        types=data["types"],
        _lower={name.lower(): name for name in methods},
    )


# ---------------------------------------------------------------- decoding form values

_TRUE = {"true", "1", "True", "yes"}
_FALSE = {"false", "0", "False", "no", ""}


def _decode_one(value: Any, types: list[str]) -> Any:
    if not isinstance(value, str):
        if isinstance(value, int | float) and not isinstance(value, bool) and types == ["String"]:
            return str(value)  # Telegram accepts numbers where strings are expected
        return value
    if "String" in types:
        if "Integer" in types and value.lstrip("-").isdigit():
            return int(value)  # chat_id "123" is the number 123
        return value
    if types == ["Integer"]:
        try:
            return int(value)
        except ValueError:
            return value
    if types == ["Float"]:
        try:
            return float(value)
        except ValueError:
            return value
    if types == ["Boolean"]:
        return True if value in _TRUE else False if value in _FALSE else value
    if any(t not in _SCALARS for t in types):  # JSON-serialized object or array
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def decode_params(method: str, params: dict[str, Any], spec: ApiSpec | None = None) -> dict[str, Any]:
    """Decode form-encoded values (``"123"``, ``"true"``, ``'{"inline_keyboard": ...}'``) by field type."""
    spec = spec or load_spec()
    fields = spec.fields(method)
    out = {}
    for name, value in params.items():
        f = fields.get(name)
        out[name] = _decode_one(value, f["types"]) if f else value
    return out


# ---------------------------------------------------------------- type checking

def _type_words(types: list[str]) -> str:
    return " or ".join(types)


def check_value(value: Any, types: list[str], path: str, spec: ApiSpec) -> list[str]:
    """Problems of one value against a list of alternative Bot API types (empty list: it fits)."""
    object_types = [t for t in types if t not in _SCALARS and not t.startswith("Array of ")]
    array_types = [t for t in types if t.startswith("Array of ")]
    for t in types:
        if t in _SCALARS and _scalar_fits(value, t):
            return []
    if isinstance(value, list) and array_types:
        best: list[str] | None = None
        for t in array_types:
            inner = t.removeprefix("Array of ")
            problems = [
                p for i, item in enumerate(value) for p in check_value(item, [inner], f"{path}[{i}]", spec)
            ]
            if not problems:
                return []
            best = best if best is not None else problems
        return best or []
    if isinstance(value, str) and "KeyboardButton" in object_types:
        return []  # Telegram accepts a bare string as a reply keyboard button
    if isinstance(value, dict) and object_types:
        return _check_object(value, _pick_object_type(value, object_types, spec), path, spec)
    return [f'Bad Request: field "{path}" must be of type {_type_words(types)}']


def _scalar_fits(value: Any, t: str) -> bool:
    if t == "Integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if t == "Float":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if t == "Boolean":
        return isinstance(value, bool)
    if t == "String":
        return isinstance(value, str)
    return isinstance(value, UploadedFile)  # InputFile


def _pick_object_type(value: dict, candidates: list[str], spec: ApiSpec) -> str:
    """Choose which alternative an object means (reply_markup, BotCommandScope subtypes, ...)."""
    expanded: list[str] = []
    for t in candidates:
        expanded.extend(spec.types.get(t, {}).get("subtypes") or [t])
    for key, name in _MARKUP_KEYS.items():
        if key in value and name in expanded:
            return name
    if len(expanded) > 1 and "type" in value:  # discriminated unions: {"type": "chat", ...}
        for name in expanded:
            for f in spec.types.get(name, {}).get("fields", []):
                match = _TYPE_TAG.search(f.get("description", "")) if f["name"] == "type" else None
                if match and match.group(1) == value["type"]:
                    return name
    for name in expanded:
        fields = spec.types.get(name, {}).get("fields", [])
        names = {f["name"] for f in fields}
        if all(f["name"] in value for f in fields if f["required"]) and set(value) <= names:
            return name
    return expanded[0]


def _check_object(value: dict, type_name: str, path: str, spec: ApiSpec) -> list[str]:
    entry = spec.types.get(type_name)
    if entry is None or "fields" not in entry:
        return []  # a type the spec describes only in prose; accept
    fields = {f["name"]: f for f in entry["fields"]}
    problems = []
    for name in value:
        if name not in fields:
            problems.append(f'Bad Request: can\'t parse {path}: unknown field "{name}" in {type_name}')
    for name, f in fields.items():
        if name not in value:
            if f["required"]:
                problems.append(
                    f'Bad Request: can\'t parse {path}: field "{name}" of {type_name} is required'
                )
            continue
        problems.extend(check_value(value[name], f["types"], f"{path}.{name}", spec))
    return problems


# ---------------------------------------------------------------- the validator

def validate_call(method: str, params: dict[str, Any], *, spec: ApiSpec | None = None) -> list[str]:
    """Every problem Telegram would find in this call, worded like its ``description``; [] when valid."""
    from standin import limits  # local import: limits uses this module's helpers

    spec = spec or load_spec()
    entry = spec.method(method)
    if entry is None:
        return [f'Not Found: method "{method}" does not exist in {spec.version}']
    params = decode_params(method, {k: v for k, v in params.items() if v is not None}, spec)
    fields = spec.fields(method)
    problems: list[str] = []
    for name in params:
        if name not in fields:
            problems.append(f'{UNKNOWN_PARAMETER} "{name}" for method {entry["name"]}')
    for name, f in fields.items():
        if name not in params:
            if f["required"]:
                problems.append(limits.missing_field_problem(entry["name"], name))
            continue
        problems.extend(check_value(params[name], f["types"], name, spec))
    if all(p.startswith(UNKNOWN_PARAMETER) for p in problems):
        problems.extend(limits.check_limits(entry["name"], params))
    return problems
