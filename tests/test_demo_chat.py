"""The demo's web chat API, on a running demo: the real bot on the Bot API stand-in over HTTP, seeded people
to play, and what a Telegram client does — open the chat, talk, press buttons, send photos and documents."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from bot.demo import Demo
from bot.demo_seed import ADMIN_ID
from bot.i18n import Translator
from bot.settings import Settings
from handlers.common import MENU_NEW
from standin.users import make_png

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
AMINA, YOUSSEF = 1_001, 1_002  # teachers (Youssef speaks French)
ar = Translator("ar")

# One demo for the whole module (starting one takes seconds); each test plays its own people.
pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    (folder / "demo.sqlite3").write_bytes(b"left over by an earlier run")
    return folder


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def demo(data_dir: Path) -> AsyncIterator[Demo]:
    async with Demo(port=0, data_dir=data_dir, settings=Settings(_env_file=None)) as running:  # type: ignore[call-arg]
        yield running


class Page:
    """What the page's JavaScript does, as plain HTTP calls."""

    def __init__(self, http: aiohttp.ClientSession, url: str) -> None:
        self.http, self.url = http, url.rstrip("/")

    async def get(self, path: str) -> Any:
        async with self.http.get(self.url + path) as response:
            assert response.status == 200, await response.text()
            return await response.json()

    async def post(self, path: str, payload: dict[str, Any] | None = None, **kw: Any) -> Any:
        async with self.http.post(self.url + path, json=payload, **kw) as response:
            return response.status, await response.json()

    async def wait_for(self, chat: int, found: Callable[[dict[str, Any]], bool], seconds: float = 15) -> dict:
        """The chat's first bot message matching ``found``, once the bot has sent it."""
        deadline = asyncio.get_running_loop().time() + seconds
        while True:
            view = await self.get(f"/api/chats/{chat}")
            match = next((m for m in view["messages"] if not m["out"] and found(m)), None)
            if match is not None:
                return match
            assert asyncio.get_running_loop().time() < deadline, [m["text"][:80] for m in view["messages"]]
            await asyncio.sleep(0.1)


async def test_the_demo_starts_on_a_fresh_seeded_database_and_serves_the_page(demo: Demo, data_dir: Path):
    assert demo.seeded is not None and len(demo.seeded.requests) >= 5
    assert (data_dir / "demo.sqlite3").read_bytes().startswith(b"SQLite format 3")
    async with aiohttp.ClientSession() as http:
        async with http.get(demo.url) as response:
            html = await response.text()
        assert 'dir="rtl"' in html and 'lang="ar"' in html
        for asset in ("app.js", "style.css"):
            async with http.get(f"{demo.url}static/{asset}") as response:
                assert response.status == 200
        people = (await Page(http, demo.url).get("/api/people"))["people"]
    assert {p["role"] for p in people} >= {"teacher", "principal", "agent"}


async def test_a_teacher_opens_the_chat_asks_a_question_and_presses_a_button(demo: Demo):
    async with aiohttp.ClientSession() as http:
        page = Page(http, demo.url)
        await page.post(f"/api/chats/{AMINA}/open")
        await page.wait_for(AMINA, lambda m: "مرحبا" in m["text"])
        view = await page.get(f"/api/chats/{AMINA}")
        assert [ar(MENU_NEW)] == [b for row in view["keyboard"] for b in row if b == ar(MENU_NEW)]
        again = await page.get(f"/api/chats/{AMINA}?since={view['version']}")
        assert again == {"version": view["version"], "unchanged": True}

        await page.post(f"/api/chats/{AMINA}/text", {"text": "بغيت شهادة العمل"})
        answer = await page.wait_for(AMINA, lambda m: "مكتب تدبير الوضعيات الإدارية" in m["text"])
        data = [b["callback_data"] for row in answer["buttons"] for b in row if "callback_data" in b]
        assert "req:office:hr-admin-status" in data

        status, pressed = await page.post(f"/api/chats/{AMINA}/press",
                                          {"message_id": answer["id"], "data": "req:office:hr-admin-status"})
        assert status == 200 and pressed["ok"]
        await page.wait_for(AMINA, lambda m: m["id"] > answer["id"])

        forged = {"message_id": answer["id"], "data": "x:y"}
        status, refused = await page.post(f"/api/chats/{AMINA}/press", forged)
        assert status == 400 and "no button" in refused["error"]


async def test_photos_and_documents_go_up_as_telegram_would_send_them_and_come_back_as_files(demo: Demo):
    async with aiohttp.ClientSession() as http:
        page = Page(http, demo.url)
        await page.post(f"/api/chats/{YOUSSEF}/open")
        files = (("scan.pdf", PDF, "application/pdf"), ("carte.png", make_png(40, 30), "image/png"))
        for name, content, kind in files:
            form = aiohttp.FormData()
            form.add_field("file", content, filename=name, content_type=kind)
            form.add_field("caption", "وثيقة")
            async with http.post(f"{page.url}/api/chats/{YOUSSEF}/upload", data=form) as response:
                assert response.status == 200
        view = await page.get(f"/api/chats/{YOUSSEF}")
        mine = [m for m in view["messages"] if m["out"]]
        document, photo = mine[-2], mine[-1]
        assert document["document"]["name"] == "scan.pdf" and document["text"] == "وثيقة"
        assert "photo" in photo and "document" not in photo
        async with http.get(f"{page.url}/api/files/{document['document']['file_id']}") as response:
            assert await response.read() == PDF
            assert response.content_type == "application/pdf"
        async with http.get(f"{page.url}/api/files/{photo['photo']}") as response:
            assert (await response.read()).startswith(b"\x89PNG")


async def test_the_seeded_notices_reach_the_people_when_the_bot_starts(demo: Demo):
    async with aiohttp.ClientSession() as http:
        page = Page(http, demo.url)
        asked = await page.wait_for(AMINA, lambda m: "الشهادة الطبية" in m["text"])  # awaiting her documents
        assert re.search(r"OD-\d{4}-\d+", asked["text"])
        await page.wait_for(ADMIN_ID, lambda m: "1000777" in m["text"])  # a registration to approve
        status, _ = await page.post("/api/chats/424242/open")
        assert status == 404  # only the demo's people can be played
