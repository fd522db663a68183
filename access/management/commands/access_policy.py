"""The access policy as a table a data-protection officer can read, generated from access/policy.py."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from access import fieldsets, policy
from accounts.models import Role
from cases.models import CaseEvent

POLICY_FILE = Path(settings.BASE_DIR) / "docs" / "access-policy.md"


def _cell(rule: policy.Rule, role: str) -> str:
    if role not in rule.roles:
        return "–"
    if not rule.on_case:
        return "ja"
    conditions = []
    if rule.authority == "competent":
        conditions.append("kompetent myndighed")
    elif rule.authority == "receiving":
        conditions.append("modtagende myndighed")
    return "ja" + (f" ({', '.join(conditions)})" if conditions else "")


def policy_table() -> str:
    """The policy in Markdown: scopes per role, actions per role, and every URL with its action."""
    with translation.override("da"):
        roles = list(Role)
        lines = [
            "# Adgangspolitik",
            "",
            "Genereret fra `access/policy.py` med `manage.py access_policy --write`; en test fejler, hvis filen",
            "og koden er uenige. En sag uden for ens adgang svarer 404, som en sag der ikke findes.",
            "",
            "## Hvilke sager hver rolle kan se",
            "",
            "| rolle | sager |",
            "|---|---|",
            *[f"| {role.label} | {policy.SCOPES[role]} |" for role in roles],
            "",
            "## Hvem må hvad",
            "",
            "Sagshandlinger gælder kun sager, rollen kan se, og kun i de nævnte sagsstatusser.",
            "",
            "| handling | " + " | ".join(str(role.label) for role in roles) + " | sagsstatus | betingelse |",
            "|---|" + "---|" * (len(roles) + 2),
        ]
        for action, rule in policy.POLICY.items():
            states = ", ".join(sorted(str(policy.Case.Status(s).label) for s in rule.states)) if rule.states else ""
            cells = " | ".join(_cell(rule, role) for role in roles)
            lines.append(f"| {rule.description} (`{action}`) | {cells} | {states or '–'} | {rule.extra or '–'} |")
        lines += [
            "",
            "## Roller, der kræver en anden persons godkendelse",
            "",
            "Systemadministratoren giver roller, men en rolle her træder først i kraft, når en koordinator i den",
            "nævnte myndighed har godkendt den. Ingen godkender sin egen anmodning eller en anmodning om sig selv,",
            "og ingen ændrer sin egen rolle. De øvrige roller giver ingen sager og træder i kraft med det samme.",
            "",
            "| rolle | godkendes af |",
            "|---|---|",
            *[f"| {Role(role).label} | {Role(approver).label} |" for role, approver in policy.ROLE_APPROVERS.items()],
            "",
            "## Adresser",
            "",
            "Enhver adresse i systemet står her; en adresse uden en linje afvises.",
            "",
            "| navn | handling |",
            "|---|---|",
            *[
                f"| `{name}` | {'offentlig' if route.public else f'`{route.action}`'}"
                f"{''.join(f', {method}: `{action}`' for method, action in route.methods)}"
                f"{' (for andre roller: 404)' if route.hidden else ''}"
                f"{' (ny kode fra godkendelsesappen først)' if route.step_up else ''} |"
                for name, route in sorted(policy.ROUTES.items())
            ],
            *[f"| `{namespace}:*` | `{route.action}` |" for namespace, route in policy.ROUTE_NAMESPACES.items()],
            "",
            *_field_set_lines(),
        ]
    return "\n".join(lines)


def _field_set_lines() -> list[str]:
    """Which parts of a case each reader may read (access/fieldsets.py), as the data-protection officer asks."""
    readers = [
        ("Sagsbehandling (CMM, Udlændingestyrelsen, nødadgang)", fieldsets.WHOLE_FILE),
        *((f"Deling: {label}", fieldsets.for_scope(scope)) for scope, label in fieldsets.SCOPE_LABELS.items()),
    ]
    event_types = dict(CaseEvent.Type.choices)
    return [
        "## Hvilke oplysninger hver læser ser (need-to-know)",
        "",
        "Sagssiden, API'et (sagen, hændelser, frister) og enhver eksport viser kun de dele, læserens rolle og",
        "delingens formål giver adgang til (`access/fieldsets.py`). Eksterne ser medarbejdere som deres myndighed,",
        "aldrig et brugernavn, og ser ikke, hvem sagen ellers er delt med. Af fristerne ser de kun periodens udløb.",
        "",
        "| del af sagen | " + " | ".join(name for name, _fields in readers) + " |",
        "|---|" + "---|" * len(readers),
        *[
            f"| `{part}` | " + " | ".join("ja" if part in fields else "–" for _name, fields in readers) + " |"
            for part in fieldsets.CASE_PARTS
        ],
        "",
        "| hændelser på tidslinjen | " + " | ".join(name for name, _fields in readers) + " |",
        "|---|" + "---|" * len(readers),
        *[
            f"| {label} (`{code}`) | "
            + " | ".join("ja" if fields.shows_event(code) else "–" for _name, fields in readers)
            + " |"
            for code, label in event_types.items()
        ],
        "",
    ]


class Command(BaseCommand):
    help = "Print the access policy table, write it to docs/access-policy.md, or check that file is current."

    def add_arguments(self, parser):
        parser.add_argument("--write", action="store_true")
        parser.add_argument("--check", action="store_true")

    def handle(self, *args, write=False, check=False, **options):
        table = policy_table()
        if write:
            POLICY_FILE.parent.mkdir(exist_ok=True)
            POLICY_FILE.write_text(table, encoding="utf-8")
        elif check:
            if not POLICY_FILE.exists() or POLICY_FILE.read_text(encoding="utf-8") != table:
                raise CommandError("docs/access-policy.md is out of date: run manage.py access_policy --write")
        else:
            self.stdout.write(table)
