"""End to end in Debian's chromium: upload the seeds, ask, check the cited answer, the escaping, a screenshot."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "data" / "sample").glob("*.txt"))
SCREENSHOT = ROOT / "docs" / "screenshot-chat.png"
CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
QUESTION = "When might Xi Jinping visit Moscow?"
PAYLOAD = "<img src=x onerror=alert(1)>"
XSS_ARTICLE = {
    "title": PAYLOAD,
    "text": "The village bakery festival drew record crowds this weekend. Bakers from twelve towns sold rye "
    "loaves, honey cakes and pretzels. Organisers said the festival would return next spring with a larger "
    "tent and a children's baking contest.",
    "url": "https://example.org/bakery-festival",
    "outlet": "Example Wire",
    "published": "2023-02-22",
}
SECONDS = 1000  # Playwright timeouts are in milliseconds


def ensure_chromium() -> str:
    """Debian's chromium, installed with apt-get when missing; fails clearly when it cannot be."""
    if not os.access(CHROMIUM, os.X_OK) and shutil.which("apt-get"):
        for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "chromium"]):
            subprocess.run(command, capture_output=True, timeout=900, check=False)
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"{CHROMIUM} is missing and `apt-get install -y chromium` could not install it (run it as root)."
        )
    return CHROMIUM


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(request, tmp_path_factory, model_cache) -> str:
    """`streamlit run` of the app on 127.0.0.1 over an empty store, stopped in a finalizer."""
    base = tmp_path_factory.mktemp("browser")
    port = free_port()
    env = {
        **os.environ,
        "NEWSDESK_DATA_DIR": str(base / "store"),
        "NEWSDESK_LLM": "extractive",
        "HF_HUB_OFFLINE": "1",
        "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p),
    }
    command = [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "ui" / "app.py"),
        "--server.address", "127.0.0.1", "--server.port", str(port), "--server.headless", "true",
        "--browser.gatherUsageStats", "false", "--client.toolbarMode", "minimal", "--server.fileWatcherType", "none",
        "--server.maxUploadSize", "50",
    ]  # fmt: skip
    log = open(base / "streamlit.log", "wb")  # noqa: SIM115 - closed in the finalizer
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)

    def stop() -> None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()

    request.addfinalizer(stop)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"streamlit exited early:\n{(base / 'streamlit.log').read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return url
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"streamlit did not answer on {url}/_stcore/health within 60 s")


def is_local(url: str) -> bool:
    """A request that stays on this machine: the app on 127.0.0.1, or data:/blob: URLs."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about") or parts.hostname == "127.0.0.1"


@pytest.fixture
def page():
    """A chromium page (1280x1100) that records any dialog; any request leaving 127.0.0.1 is blocked and
    fails the test (fonts, favicon and scripts are all served by the app)."""
    from playwright.sync_api import sync_playwright

    executable = ensure_chromium()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=FLAGS)
        context = browser.new_context(viewport={"width": 1280, "height": 1100})
        outside: list[str] = []

        def guard(route):
            if is_local(route.request.url):
                return route.continue_()
            outside.append(route.request.url)
            return route.abort()

        context.route("**/*", guard)
        tab = context.new_page()
        tab.dialogs = []
        tab.on("dialog", lambda d: (tab.dialogs.append(d.message), d.dismiss()))
        tab.set_default_timeout(30 * SECONDS)
        yield tab
        tab.wait_for_timeout(500)  # late requests (favicon, fonts) are caught too
        browser.close()
        assert not outside, f"requests left 127.0.0.1: {sorted(set(outside))}"


def picked(page) -> str:
    """The text the Sources page's article picker shows as chosen."""
    # a combobox: its input shows the choice
    return page.locator("[data-testid=stSelectbox] input").first.input_value()


def go_to(page, name: str) -> None:
    """Open a page of the app through the sidebar navigation (the session is kept)."""
    page.locator("[data-testid=stSidebarNav] a", has_text=name).first.click()


def test_upload_ask_cite_escape_and_screenshot(app_url, page, tmp_path):
    extra = tmp_path / "extra.json"
    extra.write_text(json.dumps([XSS_ARTICLE]), encoding="utf-8")

    page.goto(f"{app_url}/ingest")
    page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files([*SEEDS, extra])
    page.get_by_role("button", name="Ingest uploads").click()
    page.wait_for_selector("[data-testid=stDataFrame]", timeout=120 * SECONDS)
    assert "4 added" in page.locator("[data-testid=stAlertContentSuccess]").inner_text()
    page.screenshot(path=str(tmp_path / "ingest.png"))

    go_to(page, "Chat")
    box = page.locator("[data-testid=stChatInputTextArea]")
    box.fill(QUESTION)
    box.press("Enter")
    badge = page.locator(
        "[data-testid=stChatMessage] [data-testid=stMarkdownContainer] .stMarkdownBadge"
    ).first
    badge.wait_for(timeout=90 * SECONDS)
    card = page.locator(
        "[data-testid=stChatMessage] [data-testid=stVerticalBlock][class*='st-key-source-']"
    ).first
    card.locator("[data-testid=stMarkdownContainer] .stMarkdownColoredBackground").first.wait_for()
    answer = page.locator("[data-testid=stChatMessage]").nth(1).inner_text()
    assert "Moscow" in answer, answer
    assert badge.inner_text().strip() == "1", badge.inner_text()
    assert "Full article" in card.inner_text()
    page.wait_for_timeout(500)  # let the last frame paint
    page.screenshot(path=str(tmp_path / "chat.png"))
    if os.environ.get("NEWSDESK_UPDATE_SCREENSHOT"):  # refresh the README's picture on demand only
        SCREENSHOT.parent.mkdir(exist_ok=True)
        shutil.copy(tmp_path / "chat.png", SCREENSHOT)

    go_to(page, "Sources")
    page.locator("[data-testid=stTextInput] input").fill("img")
    page.keyboard.press("Enter")
    heading = page.locator(".st-key-article-details [data-testid=stHeading]")
    heading.filter(has_text="img src").wait_for()
    assert heading.inner_text().strip() == PAYLOAD
    assert picked(page).startswith(PAYLOAD), picked(page)
    page.locator("[data-testid=stTextInput] input").fill("")  # back to all articles: picker and details agree
    page.keyboard.press("Enter")
    page.get_by_text("4 of 4 articles").wait_for()
    page.wait_for_timeout(500)
    shown = heading.inner_text().strip()
    assert picked(page).startswith(shown), (picked(page), shown)
    page.screenshot(path=str(tmp_path / "sources.png"))
    assert page.locator("img[src=x]").count() == 0
    assert page.dialogs == []
