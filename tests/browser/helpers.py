"""A thin wrapper round a Playwright page: log in, and check every page the tests visit.

Each `check()` runs axe-core (WCAG 2.1 A and AA) on the page, fails on a serious or critical
violation or on any console error (a Content Security Policy violation shows up there), and saves a
full-page screenshot under /tmp/e2e-shots/ to look at.
"""

import datetime as dt
import os
import re
from pathlib import Path

from django.utils import dateformat, timezone, translation
from playwright.sync_api import Page, Response, expect

from tests.factories import PASSWORD, otp_code, otp_device

ROOT = Path(__file__).resolve().parents[2]
AXE_PATH = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SHOTS_DIR = Path(os.environ.get("E2E_SHOTS_DIR", "/tmp/e2e-shots"))  # noqa: S108 (screenshots only)
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = {"serious", "critical"}
# The pages' Content Security Policy (script-src 'self') rightly refuses the inline <script> that
# add_script_tag(path=...) would insert, so axe is served from this same-origin address instead: the
# browser asks for it and Playwright answers with the file, without the test switching off the CSP.
AXE_URL_PATH = "/__e2e__/axe.min.js"

# Run axe with the WCAG 2.1 A/AA rules only, and hand back what a failure message needs.
AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ") + " :: " + (n.failureSummary || "").replace(/\\s+/g, " ")),
  }));
}"""


def local_text(value: dt.datetime | dt.date, fmt: str) -> str:
    """A date or time as the Danish pages show it (Copenhagen time, Danish month names)."""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value)
    with translation.override("da"):
        return dateformat.format(value, fmt)


def input_value(value: dt.datetime) -> str:
    """A datetime as a datetime-local input takes it (Copenhagen wall-clock time)."""
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


class Browser:
    """One browser page (one tab with its own cookies) and what it has logged to its console."""

    def __init__(self, page: Page, base_url: str, axe_source: str, prefix: str):
        self.page = page
        self.base_url = base_url.rstrip("/")
        self.axe_source = axe_source
        self.prefix = re.sub(r"[^\w.-]+", "-", prefix)
        self.shots = 0
        self.console_errors: list[str] = []
        self.minor_violations: list[str] = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.console_errors.append(f"uncaught exception: {error}"))
        page.route(self.url(AXE_URL_PATH), self._serve_axe)

    def _serve_axe(self, route) -> None:
        route.fulfill(status=200, content_type="text/javascript; charset=utf-8", body=self.axe_source)

    def _on_console(self, message) -> None:
        if message.type != "error":
            return
        text, url = message.text, message.location.get("url", "")
        # Chrome logs a page answered with 4xx (a form with errors, a conflict, a 404) as a failed resource.
        # The tests check those statuses themselves; a failed script, style sheet or icon still counts.
        if text.startswith("Failed to load resource") and url == self.page.url:
            return
        self.console_errors.append(f"{text} ({url})")

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def goto(self, path: str) -> Response:
        response = self.page.goto(self.url(path))
        assert response is not None
        return response

    def login(self, user) -> None:
        """Log in with both factors through the real pages: password, then the code the user's app shows."""
        page = self.page
        device = otp_device(user)
        self.goto("/login/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Log ind")
        page.get_by_label("Brugernavn").fill(user.username)
        page.get_by_label("Adgangskode").fill(PASSWORD)
        page.get_by_role("button", name="Log ind").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("To-faktor-godkendelse")
        page.get_by_label("Kode", exact=True).fill(otp_code(device))
        page.get_by_role("button", name="Bekræft").click()
        expect(page).to_have_url(self.url("/"))
        expect(page.locator("header")).to_contain_text(str(user))

    def check(self, name: str, *, full_page: bool = True) -> list[dict]:
        """Screenshot the page, then fail on serious or critical WCAG 2.1 A/AA problems or console errors."""
        page = self.page
        page.wait_for_load_state("load")
        # Let CSS transitions and animations (the mobile menu slides in) finish before looking.
        page.evaluate("() => Promise.all(document.getAnimations().map((a) => a.finished.catch(() => null)))")
        self.shots += 1
        page.screenshot(path=SHOTS_DIR / f"{self.prefix}-{self.shots:02d}-{name}.png", full_page=full_page)
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.add_script_tag(url=self.url(AXE_URL_PATH))
        violations = page.evaluate(AXE_RUN, AXE_TAGS)
        blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
        self.minor_violations += [f"{name}: {v['id']} ({v['impact']})" for v in violations if v not in blocking]
        assert not blocking, f"axe on {name} ({page.url}):\n" + "\n".join(
            f"- {v['id']} [{v['impact']}] {v['help']}\n    " + "\n    ".join(v["nodes"]) for v in blocking
        )
        assert not self.console_errors, f"console errors up to {name} ({page.url}):\n" + "\n".join(self.console_errors)
        return violations
