"""The knowledge base's shape, validated with pydantic.

The data itself lives in ``directorate.yaml`` beside this file, maintained by the directorate's IT office.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]*$", max_length=40)]
Role = Literal["teacher", "principal", "administrative"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Task(_Strict):
    """One task line of an office, as the org chart states it, with its French translation."""

    ar: Text
    fr: Text


class Contact(_Strict):
    room: str | None = None
    phone: str | None = None
    email: str | None = None
    hours: str | None = None

    @property
    def is_empty(self) -> bool:
        return not any((self.room, self.phone, self.email, self.hours))


class Keywords(_Strict):
    """Words people use for an office's matters, by register."""

    ar: list[Text] = Field(default_factory=list)
    darija: list[Text] = Field(default_factory=list)
    arabizi: list[Text] = Field(default_factory=list)
    fr: list[Text] = Field(default_factory=list)

    def all(self) -> list[str]:
        return [*self.ar, *self.darija, *self.arabizi, *self.fr]


class Office(_Strict):
    id: Identifier
    name_ar: Text
    name_fr: Text
    summary_ar: Text | None = None
    summary_fr: Text | None = None
    contact: Contact = Field(default_factory=Contact)
    keywords: Keywords = Field(default_factory=Keywords)
    tasks: list[Task] = Field(default_factory=list)


class Service(_Strict):
    id: Identifier
    name_ar: Text
    name_fr: Text
    offices: list[Office] = Field(min_length=1)


class Synonym(_Strict):
    """Variants people write (plurals, Darija, Arabizi, French) for one formal Arabic term."""

    canonical: Text
    variants: list[Text] = Field(min_length=1)


class Choice(_Strict):
    """A kind within a request type (which certificate, which document); may route elsewhere."""

    id: Identifier
    name_ar: Text
    name_fr: Text
    office: Identifier | None = None


class RequestType(_Strict):
    id: Identifier
    name_ar: Text
    name_fr: Text
    office: Identifier | None = None  # None: the requester picks the office (a free question)
    audience: list[Role] = Field(default_factory=lambda: ["teacher", "principal", "administrative"])
    choices: list[Choice] = Field(default_factory=list)

    @model_validator(mode="after")
    def _routed(self) -> RequestType:
        if self.office is None and self.choices and any(c.office is None for c in self.choices):
            raise ValueError("a request type without an office needs an office on every choice")
        return self


class Directorate(_Strict):
    name_ar: Text
    name_fr: Text
    reception_office: Identifier


class KnowledgeBase(_Strict):
    version: int = 1
    directorate: Directorate
    services: list[Service] = Field(min_length=1)
    request_types: list[RequestType] = Field(min_length=1)
    synonyms: list[Synonym] = Field(default_factory=list)
    stopwords: list[Text] = Field(default_factory=list)
    # Everyday matters that are not the directorate's business (weather, football, recipes …), by register.
    out_of_scope: Keywords = Field(default_factory=Keywords)

    @model_validator(mode="after")
    def _references(self) -> KnowledgeBase:
        seen: set[str] = set()
        for s_i, service in enumerate(self.services):
            for where, ident in [(f"services[{s_i}].id", service.id)] + [
                (f"services[{s_i}].offices[{o_i}].id", o.id) for o_i, o in enumerate(service.offices)
            ]:
                if ident in seen:
                    raise ValueError(f"{where}: duplicate id '{ident}'")
                seen.add(ident)
        offices = {o.id for s in self.services for o in s.offices}
        if self.directorate.reception_office not in offices:
            raise ValueError(
                f"directorate.reception_office: unknown office '{self.directorate.reception_office}'"
            )
        type_ids: set[str] = set()
        for t_i, rtype in enumerate(self.request_types):
            if rtype.id in type_ids:
                raise ValueError(f"request_types[{t_i}].id: duplicate id '{rtype.id}'")
            type_ids.add(rtype.id)
            if rtype.office is not None and rtype.office not in offices:
                raise ValueError(f"request_types[{t_i}].office: unknown office '{rtype.office}'")
            for c_i, choice in enumerate(rtype.choices):
                if choice.office is not None and choice.office not in offices:
                    raise ValueError(
                        f"request_types[{t_i}].choices[{c_i}].office: unknown office '{choice.office}'"
                    )
        return self
