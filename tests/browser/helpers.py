"""A thin wrapper round a Playwright page: log in, and check every page the tests visit.

Each `check()` looks at the page at two widths, a laptop's 1366 px and a phone's 390 px: at each it runs
axe-core (WCAG 2.1 A and AA), fails on a serious or critical violation or on any console error (a Content
Security Policy violation shows up there), and saves a full-page screenshot under /tmp/e2e-shots/ to look
at (named -1366 and -390). At 390 px it also fails if the page scrolls sideways, naming what sticks out.
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

# The two screens every page is checked on: an ordinary laptop, and a phone (an iPhone 12 to 15's CSS size).
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}

# Let the layout settle after a resize (two frames), then CSS transitions and animations (the mobile menu).
SETTLE = """async () => {
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  await Promise.all(document.getAnimations().map((a) => a.finished.catch(() => null)));
}"""

# Whether the page scrolls sideways, and if so the elements that stick out of the window furthest: those
# that overflow where their parent does not (where the overflow starts), outside any container that
# scrolls or clips on its own, and not fixed to the window (those do not widen the page).
SIDEWAYS = """() => {
  const limit = window.innerWidth;
  const scrollWidth = document.documentElement.scrollWidth;
  if (scrollWidth <= limit) return {scrollWidth, limit, culprits: []};
  const clipped = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== "visible") return true;
    }
    return false;
  };
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + [...el.classList].slice(0, 3).map((c) => "." + c).join("");
  const path = (el) => {
    const parts = [];
    for (let e = el; e && e !== document.body && parts.length < 4; e = e.parentElement) parts.unshift(name(e));
    return parts.join(" > ");
  };
  const culprits = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.right <= limit + 1 || box.width === 0) continue;
    const parent = el.parentElement;
    if (parent && parent !== document.body && parent.getBoundingClientRect().right > limit + 1) continue;
    if (getComputedStyle(el).position === "fixed" || clipped(el)) continue;
    culprits.push({path: path(el), right: Math.round(box.right), width: Math.round(box.width)});
  }
  culprits.sort((a, b) => b.right - a.right);
  return {scrollWidth, limit, culprits: culprits.slice(0, 5)};
}"""

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


def choose(page, label: str, typed: str, option: str) -> None:
    """Type part of a name into an autocomplete and pick the suggestion, as a person would."""
    field = page.get_by_role("combobox", name=re.compile(f"^{label}"))
    field.fill(typed)
    suggestions = page.get_by_role("listbox").get_by_role("option")
    suggestions.filter(has_text=re.compile(f"^{option}$")).click()
    if label == "Statsborgerskab":
        # The list of countries takes the choice and then empties the input for the next one: wait for that,
        # or the next letters typed would be emptied with it.
        expect(field).to_have_value("")


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

    def check(self, name: str, *, full_page: bool = True, phone_only: bool = False) -> list[dict]:
        """At 1366 and at 390 px: screenshot the page, then fail on serious or critical WCAG 2.1 A/AA problems
        or console errors, and at 390 px on a page that scrolls sideways. The window's size is restored.

        `phone_only` for a state only a phone has (the open menu drawer, which a wider window closes). The print
        view is looked at once: on paper the window's width does not apply.
        """
        page = self.page
        page.wait_for_load_state("load")
        self.shots += 1
        original = page.viewport_size
        sizes = [PHONE] if phone_only else [PHONE, DESKTOP] if original == PHONE else [DESKTOP, PHONE]
        if page.evaluate("() => matchMedia('print').matches"):
            sizes = [DESKTOP]  # the print view (emulate_media): a sheet of paper, not a phone's window
        violations: list[dict] = []
        try:
            for size in sizes:
                if page.viewport_size != size:
                    page.set_viewport_size(size)
                violations += self._check_at(name, size["width"], full_page=full_page)
        finally:
            if original is not None and page.viewport_size != original:
                page.set_viewport_size(original)
                page.evaluate(SETTLE)
        return violations

    def _check_at(self, name: str, width: int, *, full_page: bool) -> list[dict]:
        page = self.page
        page.evaluate(SETTLE)
        label = f"{name}-{width}"
        page.screenshot(path=SHOTS_DIR / f"{self.prefix}-{self.shots:02d}-{label}.png", full_page=full_page)
        if width <= PHONE["width"]:
            sideways = page.evaluate(SIDEWAYS)
            culprits = sideways["culprits"]
            assert sideways["scrollWidth"] <= sideways["limit"], (
                f"{label} ({page.url}) scrolls sideways: the page is {sideways['scrollWidth']} px wide in a "
                f"{sideways['limit']} px window. Sticking out furthest:\n"
                + "\n".join(f"- {c['path']} (right edge {c['right']} px, {c['width']} px wide)" for c in culprits)
            )
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.add_script_tag(url=self.url(AXE_URL_PATH))
        violations = page.evaluate(AXE_RUN, AXE_TAGS)
        blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
        self.minor_violations += [f"{label}: {v['id']} ({v['impact']})" for v in violations if v not in blocking]
        assert not blocking, f"axe on {label} ({page.url}):\n" + "\n".join(
            f"- {v['id']} [{v['impact']}] {v['help']}\n    " + "\n    ".join(v["nodes"]) for v in blocking
        )
        assert not self.console_errors, f"console errors up to {label} ({page.url}):\n" + "\n".join(self.console_errors)
        return violations
