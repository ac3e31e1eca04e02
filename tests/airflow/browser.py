"""Headless Debian Chromium driven by Playwright (from PyPI; never ``playwright install``).

``make test`` / CI install Debian's ``chromium`` when ``/usr/bin/chromium`` is missing
(``scripts/ensure_chromium.sh``); without it the browser tests are skipped with the reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-sync",
    "--no-first-run",
    "--metrics-recording-only",
]


@contextmanager
def chromium_page(width: int = 1400, height: int = 900) -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium (scripts/ensure_chromium.sh)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.set_default_timeout(60_000)
            yield page
        finally:
            browser.close()


def visit(page: Any, url: str, tries: int = 3) -> None:
    """``page.goto(url)``, tried again when Chromium aborts it (``net::ERR_ABORTED``): right after
    logging in, the UI's own redirect can still be in flight and cancel the next navigation."""
    from playwright.sync_api import Error

    for attempt in range(1, tries + 1):
        try:
            page.goto(url, wait_until="load")
            return
        except Error as exc:
            if "ERR_ABORTED" not in str(exc) or attempt == tries:
                raise
            page.wait_for_load_state()
