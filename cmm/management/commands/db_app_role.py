"""Create or update the database role the application runs as: it reads and writes, but owns nothing.

Migrations run as the owner; gunicorn, Celery worker and beat connect as this role, so they cannot alter
tables, disable the access log's triggers, or UPDATE, DELETE or TRUNCATE the access log. The exported chain
heads it may only read, and add to through audit_export_head(), which inserts the current head as the owner.

The password never reaches the server: the statement carries its SCRAM-SHA-256 verifier (a random salt, the
server's scram_iterations, 4096 by default, StoredKey and ServerKey: RFC 5802/7677), computed in this process by
libpq's PQencryptPasswordConn, as psql's \\password does, so no server log (log_statement, an error's STATEMENT
line) can show the password.
The owner running this needs CREATEROLE (README.md, "Deploying").
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from psycopg import sql

from audit.models import AuditEvent, ChainHead


class Command(BaseCommand):
    help = "Create or update the application's database role (non-owner, append-only on the access log)."

    def add_arguments(self, parser):
        parser.add_argument("role", help="the role name, e.g. cmm_app")
        parser.add_argument("--password-env", default="APP_DB_PASSWORD", help="environment variable with its password")

    def handle(self, *args, role, password_env, **options):
        import os

        password = os.environ.get(password_env, "")
        if len(password) < 16:
            raise CommandError(f"{password_env} must hold a password of at least 16 characters.")
        name = sql.Identifier(role)
        audit_table = sql.Identifier(AuditEvent._meta.db_table)
        heads_table = sql.Identifier(ChainHead._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            verb = sql.SQL("ALTER") if cursor.fetchone() else sql.SQL("CREATE")
            cursor.execute(
                sql.SQL("{} ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD {}")
                .format(verb, name, sql.Literal(scram_verifier(cursor.connection, role=role, password=password)))
                .as_string(cursor.connection)
            )
            for statement in (
                "GRANT USAGE ON SCHEMA public TO {role}",
                "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
                "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
                "REVOKE UPDATE, DELETE, TRUNCATE ON {audit} FROM {role}",
                "REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {heads} FROM {role}",
                "GRANT EXECUTE ON FUNCTION audit_export_head() TO {role}",
            ):
                cursor.execute(
                    sql.SQL(statement)
                    .format(role=name, audit=audit_table, heads=heads_table)
                    .as_string(cursor.connection)
                )
        self.stdout.write(
            f"role {role}: read/write, append-only on {AuditEvent._meta.db_table}, "
            f"read-only on {ChainHead._meta.db_table} (audit_export_head() adds to it)"
        )


def scram_verifier(pg_connection, *, role: str, password: str) -> str:
    """`SCRAM-SHA-256$4096:<salt>$<StoredKey>:<ServerKey>`, computed in this process (libpq sends nothing when
    the algorithm is named), with the SASLprep normalisation the server applies when the role logs in."""
    return pg_connection.pgconn.encrypt_password(password.encode(), role.encode(), b"scram-sha-256").decode()
