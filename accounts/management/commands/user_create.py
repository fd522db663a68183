"""A new installation's first administrator and coordinators, from the command line (audited).

Everyone after them is created by the administrator in the application, where a role that reads cases waits
for a coordinator's approval. The command prints the user's set-password link (single use, 72 hours).
"""

from django.core.management.base import BaseCommand, CommandError

from accounts import services
from accounts.models import Agency, Role, Team


class Command(BaseCommand):
    help = "Create a user with a role at once (for the first administrator and coordinators) and print their link."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--agency", default="", choices=["", *Agency.values])
        parser.add_argument("--team", default="", help="the team's name in the agency")
        parser.add_argument("--base-url", default="http://127.0.0.1:8000", help="the system's address, for the link")

    def handle(self, *args, username, email, role, agency, team, base_url, **options):
        team_row = Team.objects.filter(agency=agency, name=team).first() if team else None
        if team and team_row is None:
            raise CommandError(f"No team {team!r} in {agency or 'no agency'}.")
        try:
            user = services.user_create_from_command_line(
                username=username, email=email, agency=agency, role=role, team=team_row
            )
        except services.AccountRefused as refused:
            raise CommandError(refused.message) from refused
        self.stdout.write(f"Created {user.username} ({Role(role).label}). Set-password link (once, 72 hours):")
        self.stdout.write(f"{base_url.rstrip('/')}{services.set_password_path(user)}")
