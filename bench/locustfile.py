"""50 logged-in caseworkers on the production-like stack (bench/README.md, "Load: 50 caseworkers").

    .venv/bin/python bench/load.py                       # the sessions and cases, just before
    .venv/bin/locust -f bench/locustfile.py --headless -u 50 -r 10 -t 2m --host http://127.0.0.1:8000

Each simulated user is one CMM contact person of the seed, logged in with both factors (bench/load.py), who
opens the start page, the case list with filters, case pages of their team and, now and then, records a
support service on one of their own cases (the form page, then the post). They pause 1 to 3 s between pages.
Requests go to gunicorn as nginx sends them (deploy/nginx: X-Forwarded-Proto https, one X-Forwarded-For), so
the production settings serve them as over HTTPS. At the end it prints p50, p95 and p99 per page and the errors,
and exits 1 if a page's p95 is over P95_TARGET_MS or any request failed.

Loads no Django: locust's gevent and the ORM are kept apart; what the users need is in the JSON file.
"""

import datetime as dt
import itertools
import json
import random
import re
from pathlib import Path
from zoneinfo import ZoneInfo

from locust import HttpUser, between, events, task

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
USERS_FILE = Path(__file__).resolve().parent / "results" / "load-users.json"
P95_TARGET_MS = 300
SESSION_COOKIE = "__Host-sessionid"  # the production settings' names
CSRF_COOKIE = "__Host-csrftoken"
HIDDEN = re.compile(r'<input type="hidden" name="(csrfmiddlewaretoken|version)" value="([^"]+)"')
# The page names in the statistics: one per kind of page, whatever the case or filter.
PAGES = ("start page", "case list (filters)", "case page", "support form", "support record (POST)")


def load_users() -> dict:
    return json.loads(USERS_FILE.read_text())


_data: dict | None = None
_next_user = itertools.count()


class Caseworker(HttpUser):
    wait_time = between(1, 3)

    def on_start(self):
        global _data
        _data = _data or load_users()
        me = _data["users"][next(_next_user) % len(_data["users"])]
        self.cases, self.writable = me["cases"], me["writable"]
        self.choices = _data
        self.client.headers.update({"X-Forwarded-Proto": "https", "X-Forwarded-For": "10.0.0.1"})
        # Secure cookies are not sent over http by the client's jar: sent as a header, as the browser sends them.
        self.cookies = {SESSION_COOKIE: me["session"]}

    def get(self, url: str, name: str, **kwargs):
        return self.client.get(url, name=name, headers=self.cookie_header(), allow_redirects=False, **kwargs)

    def cookie_header(self) -> dict:
        return {"Cookie": "; ".join(f"{key}={value}" for key, value in self.cookies.items())}

    def checked(self, response, expected: int = 200) -> None:
        if response.status_code != expected:
            response.failure(f"{response.status_code} (expected {expected})")

    @task(3)
    def start_page(self):
        with self.get("/", "start page", catch_response=True) as response:
            self.checked(response)

    @task(3)
    def case_list(self):
        params = random.choice(
            [
                {},
                {"status": random.choice(self.choices["statuses"])},
                {"deadline": random.choice(self.choices["deadlines"])},
                {"status": random.choice(self.choices["statuses"]), "page": 2},
            ]
        )
        with self.get("/sager/", "case list (filters)", params=params, catch_response=True) as response:
            self.checked(response)

    @task(5)
    def case_page(self):
        with self.get(f"/sager/{random.choice(self.cases)}/", "case page", catch_response=True) as response:
            self.checked(response)

    @task(1)
    def record_support(self):
        if not self.writable:
            return
        number = random.choice(self.writable)
        url = f"/sager/{number}/stoette/ny/"
        with self.get(url, "support form", catch_response=True) as form:
            self.checked(form)
            fields = dict(HIDDEN.findall(form.text))
            if CSRF_COOKIE in form.cookies:
                self.cookies[CSRF_COOKIE] = form.cookies[CSRF_COOKIE]
        if "version" not in fields:
            return
        data = {
            **fields,
            "type": random.choice(self.choices["support_types"]),
            "provider": "Krisecenter",
            "status": "offered",
            "starts_on": dt.datetime.now(COPENHAGEN).date().isoformat(),  # the app's "today"
        }
        headers = {**self.cookie_header(), "Referer": f"https://{self.host.split('://', 1)[1]}{url}"}
        with self.client.post(
            url, data=data, name="support record (POST)", headers=headers, allow_redirects=False, catch_response=True
        ) as response:
            self.checked(response, 302)


@events.quitting.add_listener
def report(environment, **_kwargs):
    """p50/p95/p99 per page and the errors; exit 1 past the target."""
    stats = environment.runner.stats
    print(f"\n{'page':<24} {'requests':>8} {'errors':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")
    worst = 0
    for name in PAGES:
        entry = stats.entries.get((name, "POST" if "POST" in name else "GET"))
        if entry is None or not entry.num_requests:
            continue
        p50, p95, p99 = (entry.get_response_time_percentile(p) for p in (0.5, 0.95, 0.99))
        worst = max(worst, p95)
        print(f"{name:<24} {entry.num_requests:>8} {entry.num_failures:>6} {p50:>7.0f} {p95:>7.0f} {p99:>7.0f}")
    total = stats.total
    print(
        f"{'all':<24} {total.num_requests:>8} {total.num_failures:>6} {total.get_response_time_percentile(0.5):>7.0f}"
        f" {total.get_response_time_percentile(0.95):>7.0f} {total.get_response_time_percentile(0.99):>7.0f}"
        f"   {total.total_rps:.1f} req/s"
    )
    for error in stats.errors.values():
        print(f"error: {error.name}: {error.error} x{error.occurrences}")
    if total.num_failures or worst > P95_TARGET_MS:
        environment.process_exit_code = 1
