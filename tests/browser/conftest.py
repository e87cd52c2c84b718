"""Browser tests: ``lifecase run`` as a real process on a free port, driven through Debian's
Chromium by Playwright (never ``playwright install``: ``make chromium`` installs the browser),
with axe-core checking every page a test visits.

They run in a pytest process of their own (``make test`` does so): sync Playwright leaves
an event loop behind that breaks asyncio tests running later in the same process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from lifecase_embedded.engines import free_port
from tests.browser.support import A11y, Api, _address

LIFECASE = str(Path(sys.executable).parent / "lifecase")
CHROMIUM = os.environ.get("LIFECASE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The whole system, as ``make run`` starts it, shared by the browser tests (each test
    files cases under names of its own)."""
    state = tmp_path_factory.mktemp("lifecase")
    port = free_port()
    log = (state / "run.log").open("wb")
    process = subprocess.Popen(
        [LIFECASE, "run", "--state", str(state / "state"), "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_ready(base, process, state / "run.log")
        yield base
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _wait_until_ready(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """Until the system answers and intake has learnt the hiring template."""
    deadline = time.monotonic() + 120
    api = Api(base)
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"lifecase run exited:\n{log.read_text()}")
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                types = api.http.get("/api/v1/event-types", headers=api.headers("rita")).json()
                if any(t["key"] == "hiring" for t in types):
                    return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"lifecase run did not become ready:\n{log.read_text()}")


@pytest.fixture(scope="session")
def api(base_url: str) -> Api:
    return Api(base_url)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run 'make chromium' (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def a11y() -> A11y:
    return A11y()


@pytest.fixture
def page(browser: Browser, base_url: str, a11y: A11y) -> Iterator[Page]:
    """A fresh browser (no cookies) whose every visited page must pass axe-core."""
    context = browser.new_context(
        base_url=base_url, locale="da-DK", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    visited: list[str] = []
    page.on(
        "framenavigated",
        lambda frame: visited.append(_address(frame.url)) if frame == page.main_frame else None,
    )
    try:
        yield page
    finally:
        context.close()
    unchecked = [url for url in visited if url not in a11y.checked]
    assert not unchecked, f"pages visited without an axe-core check: {unchecked}"
