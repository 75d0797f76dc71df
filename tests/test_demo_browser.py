"""The demo in a real browser (Debian's headless Chromium, driven by Playwright): one whole story across the
panes — a teacher asks a question, files a certificate request with a scan and a photo, the agent of the
admin-status office receives it, claims it and answers, and the teacher reads the answer. The screenshot stays
in test-artifacts/."""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.demo import Demo
from bot.i18n import Translator
from bot.settings import Settings
from handlers.common import MENU_NEW
from standin.users import make_png

CHROMIUM = Path("/usr/bin/chromium")
# Debian's build, never a downloaded one; flags for a container without a GPU, a sandbox or a network.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
SCREENSHOT = ARTIFACTS / "demo-story.png"
OFFICE = "مكتب تدبير الوضعيات الإدارية والمسار المهني للموظفين"
ANSWER = "شهادة العمل جاهزة، ويمكنكم سحبها من المكتب ابتداء من الغد."
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
ar = Translator("ar")


def _browser_or_skip() -> Any:
    """Playwright's async API; skipped where Chromium is missing, except in CI, where the test must run."""
    in_ci = os.environ.get("CI") == "true"
    if not CHROMIUM.exists():
        if in_ci:
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium package", pytrace=False)
        pytest.skip(f"{CHROMIUM} is missing: this test needs Debian's Chromium (apt-get install chromium)")
    try:
        from playwright import async_api
    except ImportError:
        if in_ci:
            raise
        pytest.skip("playwright is not installed (pip install -e '.[test]')")
    return async_api


@pytest.fixture
async def demo(tmp_path: Path) -> AsyncIterator[Demo]:
    async with Demo(port=0, data_dir=tmp_path, settings=Settings(_env_file=None)) as running:  # type: ignore[call-arg]
        yield running


@pytest.fixture
def playwright() -> Any:
    return _browser_or_skip()  # before the demo starts: a skip costs nothing


@pytest.fixture
async def page(playwright: Any, demo: Demo) -> AsyncIterator[Any]:
    playwright.expect.set_options(timeout=20_000)  # the bot's outbox worker delivers notices every second
    async with playwright.async_playwright() as p:
        browser = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            tab = await browser.new_page(viewport={"width": 1500, "height": 950}, locale="ar-MA")
            errors: list[str] = []
            tab.on("pageerror", lambda error: errors.append(str(error)))
            await tab.goto(demo.url)
            await tab.wait_for_selector("body[data-ready=true]")
            yield tab
            assert not errors, errors
        finally:
            await browser.close()


async def choose(pane: Any, callback_data: str) -> None:
    """Press the inline button with this callback data on the latest message showing it."""
    await pane.locator(f'button[data-callback="{callback_data}"]').last.click()


async def test_a_teacher_files_a_certificate_request_and_reads_the_offices_answer(page: Any, demo: Demo):
    from playwright.async_api import expect

    teacher = page.locator('section.pane[data-role="teacher"]')
    agent = page.locator('section.pane[data-role="agent"]')
    await expect(agent.locator("select.persona")).to_have_value("3002")  # the admin-status office's agent

    # 1. A question in Darija: the bot names the office.
    await teacher.locator("textarea.input").fill("بغيت شهادة العمل")
    await teacher.locator("button.send").click()
    await expect(teacher.locator(".msg.in").last).to_contain_text(OFFICE)

    # 2. A certificate request: type, which certificate, purpose, language, copies, files, confirm.
    await teacher.locator(".keyboard button", has_text=ar(MENU_NEW)).click()
    await choose(teacher, "nw:type:certificate")
    await choose(teacher, "nw:pick:0:work_certificate")
    await expect(teacher.locator(".msg.in").last).to_contain_text("الغرض")
    await teacher.locator("textarea.input").fill("ملف قرض بنكي")
    await teacher.locator("textarea.input").press("Enter")
    await choose(teacher, "nw:pick:2:ar")
    await choose(teacher, "nw:pick:3:2")
    await expect(teacher.locator('button[data-callback^="nw:done:"]')).not_to_have_count(0)
    await teacher.locator("input.file").set_input_files(
        {"name": "بطاقة-التعريف.pdf", "mimeType": "application/pdf", "buffer": PDF})
    await expect(teacher.locator(".msg.in").last).to_contain_text("(1)")
    await teacher.locator("input.file").set_input_files(
        {"name": "photo.png", "mimeType": "image/png", "buffer": make_png(160, 100)})
    await expect(teacher.locator(".msg.in").last).to_contain_text("(2)")
    await expect(teacher.locator(".msg.out img.photo")).to_have_count(1)
    await teacher.locator('button[data-callback^="nw:done:"]').last.click()
    await expect(teacher.locator(".msg.in").last).to_contain_text("ملف قرض بنكي")  # the summary
    await choose(teacher, "nw:ok")
    receipt = teacher.locator(".msg.in").last
    await expect(receipt).to_contain_text(ar("✅ Your request has been sent."))
    found = re.search(r"OD-\d{4}-\d{6}", await receipt.inner_text())
    assert found, await receipt.inner_text()
    reference = found.group(0)

    # 3. The office's agent receives it with its files, claims it and answers.
    notice = agent.locator(".msg.in", has_text=reference)
    await expect(notice.locator('button[data-callback^="ag:claim:"]')).to_have_count(1)
    await expect(agent.locator(".doc", has_text="بطاقة-التعريف.pdf")).to_have_count(1)
    await expect(agent.locator(".msg.in img.photo")).to_have_count(1)
    await notice.locator('button[data-callback^="ag:claim:"]').click()
    await expect(agent.locator(".toast")).to_contain_text(reference)  # the press's pop-up
    await expect(notice.locator('button[data-callback^="ag:claim:"]')).to_have_count(0)  # the button went
    await notice.locator('button[data-callback^="ag:reply:"]').click()
    await expect(agent.locator(".msg.in").last).to_contain_text("باسم المكتب")
    await agent.locator("textarea.input").fill(ANSWER)
    await agent.locator("button.send").click()
    await expect(agent.locator(".msg.in").last).to_contain_text(reference)

    # 4. The teacher reads the answer, signed by the office.
    answer = teacher.locator(".msg.in", has_text=ANSWER)
    await expect(answer).to_have_count(1)
    await expect(answer).to_contain_text(reference)
    await expect(answer).to_contain_text(OFFICE)

    # Arabic is laid out right to left, French left to right, and the three chats stand side by side.
    assert await page.evaluate("document.documentElement.dir") == "rtl"
    direction = "e => getComputedStyle(e).direction"
    assert await answer.locator(".text").evaluate(direction) == "rtl"
    assert await page.locator("h1 .fr").evaluate(direction) == "ltr"
    await _no_overlaps(page)

    ARTIFACTS.mkdir(exist_ok=True)
    await expect(agent.locator(".toast")).to_be_hidden()  # the claim's pop-up fades after a few seconds
    await teacher.locator(".messages").evaluate("e => { e.scrollTop = e.scrollHeight; }")
    await page.screenshot(path=str(SCREENSHOT))
    assert SCREENSHOT.stat().st_size > 10_000


async def _no_overlaps(page: Any) -> None:
    """The panes do not overlap one another, and every message bubble stays inside its own pane."""
    boxes = await page.evaluate("""() => [...document.querySelectorAll('section.pane')].map(pane => {
        const r = pane.getBoundingClientRect();
        const bubbles = [...pane.querySelectorAll('.bubble, .inline-kb')].map(b => b.getBoundingClientRect())
            .filter(b => b.width > 0)
            .map(b => [b.left, b.right]);
        return {left: r.left, right: r.right, bubbles};
    })""")
    ordered = sorted(boxes, key=lambda b: b["left"])
    for a, b in itertools.pairwise(ordered):
        assert a["right"] <= b["left"], (a["right"], b["left"])
    for pane in boxes:
        for left, right in pane["bubbles"]:
            inside = pane["left"] - 0.5 <= left and right <= pane["right"] + 0.5
            assert inside, (pane["left"], pane["right"], left, right)
