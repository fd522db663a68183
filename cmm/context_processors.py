from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from access import policy
from access.policy import Action

# The main menu: each entry is shown to the roles the policy lets take its action.
MENU = [
    ("cases:home", Action.HOME, _("Forside")),
    ("cases:my_cases", Action.LIST_CASES, _("Mine sager")),
    ("cases:list", Action.LIST_CASES, _("Sager")),
    ("cases:own_referrals", Action.OWN_REFERRALS, _("Mine henvisninger")),
    ("intake:queue", Action.TRIAGE, _("Visitation")),
    ("cases:duplicates", Action.DUPLICATE_QUEUE, _("Mulige dubletter")),
    ("outreach:own_notices", Action.NOTIFY_OPERATION, _("Politiaktioner")),
    ("outreach:operations", Action.OPERATIONS, _("Politiaktioner")),
    ("outreach:tallies", Action.OUTREACH_TALLIES, _("Opsøgende arbejde")),
    ("audit:search", Action.AUDIT_LOG, _("Adgangslog")),
    ("grants:emergency_review", Action.AUDIT_LOG, _("Alarmer til gennemgang")),
    ("grants:break_the_glass", Action.BREAK_THE_GLASS, _("Nødadgang")),
    ("accounts:user_list", Action.MANAGE_USERS, _("Brugere")),
    ("accounts:role_requests", Action.DECIDE_ROLE_REQUEST, _("Rolleanmodninger")),
    ("reporting:list", Action.STATISTICS, _("Statistik")),
    ("job_status", Action.JOB_STATUS, _("Periodiske job")),
]


# The menu entry a page belongs under, by its URL name or else its namespace (a case page sits under "Sager").
SECTIONS = {
    "cases": "cases:list",
    "grants": "cases:list",
    "audit": "audit:search",
    "accounts": "accounts:user_list",
    "accounts:role_request_decide": "accounts:role_requests",
    "reporting": "reporting:list",
    "intake": "intake:queue",
    "outreach:notice_create": "outreach:own_notices",
    "outreach:operation_detail": "outreach:operations",
    "outreach:tally_create": "outreach:tallies",
}
MENU_NAMES = frozenset(name for name, _action, _label in MENU)


def menu(request):
    """The menu entries this user may use, the current one marked (by URL namespace for sections)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_verified():
        return {"menu": []}
    match = request.resolver_match
    current = match.view_name if match else ""
    # A page with its own menu entry is marked by that entry alone (not also by its namespace's section).
    section = None if current in MENU_NAMES else SECTIONS.get(current, SECTIONS.get(current.split(":", 1)[0]))
    return {
        "menu": [
            {
                "url": reverse(name),
                "label": label,
                "current": name == current,
                "in_section": name == section and name != current,
            }
            for name, action, label in MENU
            if policy.role_may(user, action)
        ]
    }
