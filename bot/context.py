"""What every handler receives: the bot's services and the acting person, through a typed CallbackContext."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from telegram.ext import Application, CallbackContext, ExtBot

from bot.i18n import Language, Translator, pick_language
from bot.settings import Settings
from desk.actors import Actor, resolve_actor
from desk.uow import UnitOfWork
from knowledge.finder import OfficeFinder
from knowledge.loader import Directory

T = TypeVar("T")
SERVICES = "services"


@dataclass(frozen=True)
class Services:
    """Built once by the application factory; never persisted."""

    settings: Settings
    directory: Directory
    finder: OfficeFinder
    uow: UnitOfWork
    reads_inline: bool = False  # see read

    async def read(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a desk function that only reads. On SQLite it runs right here: in WAL mode a reader never waits
        for a lock, and a read of a fraction of a millisecond costs less than the hop to a worker thread and
        back (about a tenth of the bot's CPU under load). On PostgreSQL, a network round trip, in a worker thread."""
        if self.reads_inline:
            return function(*args, **kwargs)
        return await asyncio.to_thread(function, *args, **kwargs)


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """A CallbackContext that knows the services, who is acting and in which language to answer."""

    def __init__(self, application: Application[Any, Any, Any, Any, Any, Any], chat_id: int | None = None,
                 user_id: int | None = None) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)
        self._actor: Actor | None = None
        self._language: Language | None = None

    @property
    def services(self) -> Services:
        services: Services = self.application.bot_data[SERVICES]
        return services

    @property
    def uow(self) -> UnitOfWork:
        return self.services.uow

    async def run(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a (blocking) desk function in a worker thread, so the bot keeps answering others meanwhile."""
        return await asyncio.to_thread(function, *args, **kwargs)

    async def read(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run a desk function that only reads (see :meth:`Services.read`)."""
        return await self.services.read(function, *args, **kwargs)

    async def actor(self, telegram_id: int) -> Actor:
        """Who is acting, resolved once per update."""
        if self._actor is None or self._actor.telegram_id != telegram_id:
            self._actor = await self.read(resolve_actor, self.uow, telegram_id)
        return self._actor

    def forget_actor(self) -> None:
        """After a change of registration or language within the same update."""
        self._actor = None
        self._language = None

    async def translator(self, telegram_id: int, language_code: str | None = None) -> Translator:
        """The person's language: their saved choice, else their Telegram language, else the default."""
        if self._language is None:
            actor = await self.actor(telegram_id)
            default = self.services.settings.default_language
            chosen = (self.user_data or {}).get("language")
            if actor.account_id is not None:
                self._language = "fr" if actor.language == "fr" else "ar"
            elif chosen in ("ar", "fr"):
                self._language = chosen
            else:
                self._language = pick_language(language_code, default)
        return Translator(self._language, self.services.settings.timezone)
