"""End-to-end tests in Debian's Chromium, driven by Playwright against pytest-django's live server.

Never run `playwright install` on these machines: it downloads a browser and fails. The tests launch
/usr/bin/chromium (or $CHROMIUM) instead.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls in the tests are still safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from .helpers import AXE_PATH, DESKTOP, SHOTS_DIR, Browser  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _shot_prefix(request) -> str:
    """Screenshots are named after the test (and its parameters, if any)."""
    name = request.node.originalname.removeprefix("test_")
    callspec = getattr(request.node, "callspec", None)
    params = [str(value) for value in (callspec.id.split("-") if callspec else []) if value != "chromium"]
    return "-".join([name, *params])


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM} (Debian/Ubuntu: apt-get install chromium)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # Danish staff in Copenhagen on an ordinary laptop screen (Browser.check looks at a phone's width too).
    return {**browser_context_args, "locale": "da-DK", "timezone_id": "Europe/Copenhagen", "viewport": DESKTOP}


@pytest.fixture(scope="session")
def axe_source():
    if not AXE_PATH.exists():
        pytest.fail(f"axe-core not found at {AXE_PATH} (run bin/setup)")
    SHOTS_DIR.mkdir(parents=True, exist_ok=True)
    return AXE_PATH.read_text(encoding="utf-8")


@pytest.fixture
def ui(page, live_server, axe_source, request):
    """The `page` fixture's browser page, with log-in, axe and console checks and screenshots."""
    window = Browser(page, live_server.url, axe_source, prefix=_shot_prefix(request))
    yield window
    _report_minor(window)


@pytest.fixture
def open_ui(browser, browser_context_args, live_server, axe_source, request):
    """Open more browser windows with their own cookies (a second user, or the same user twice)."""
    opened: list[tuple] = []

    def make(label: str) -> Browser:
        context = browser.new_context(**browser_context_args)
        window = Browser(context.new_page(), live_server.url, axe_source, prefix=f"{_shot_prefix(request)}-{label}")
        opened.append((context, window))
        return window

    yield make
    for context, window in opened:
        _report_minor(window)
        context.close()


def _report_minor(window: Browser) -> None:
    """Moderate and minor axe findings do not fail a test, but are shown (pytest -rP, or -s)."""
    if window.minor_violations:
        print(f"axe, moderate or minor ({window.prefix}):", *sorted(set(window.minor_violations)), sep="\n  ")
