"""The yardstick "minimal page": the case list's 50 rows from one hand-written SQL query in a bare template.

It shows what the case list shows (number, person, status, authority, nationalities, next pending deadline)
for the same user and scope as `access.policy.visible_cases` gives a CMM contact person, newest first.
"""

from django.db import connection
from django.shortcuts import render

from cases.models import Case
from privacy.crypto import decrypt

SQL = """
SELECT c.number, p.given_name, p.family_name, c.status, c.competent_authority, p.nationalities,
       (SELECT min(d.due_at) FROM cases_deadline d
         WHERE d.case_id = c.id AND d.closed_at IS NULL AND d.status IN ('open', 'missed')) AS next_due
  FROM cases_case c
  JOIN cases_person p ON p.id = c.person_id
 WHERE c.contact_person_id = %(user)s
    OR c.team_id = %(team)s
    OR EXISTS (SELECT 1 FROM cases_caseuserobjectpermission g
                 JOIN auth_permission ap ON ap.id = g.permission_id
                WHERE g.content_object_id = c.id AND g.user_id = %(user)s AND ap.codename = 'view_case'
                  AND (g.expires_at IS NULL OR g.expires_at > now()))
 ORDER BY c.id DESC
 LIMIT 50
"""

STATUS_LABELS = dict(Case.Status.choices)


def minimal_case_rows(request):
    user = request.user
    with connection.cursor() as cursor:
        cursor.execute(SQL, {"user": user.pk, "team": user.team_id})
        rows = [
            # Names are stored encrypted (privacy.fields); the yardstick decrypts them as the model would.
            (
                number,
                f"{decrypt(given)} {decrypt(family) if family else ''}".strip(),
                STATUS_LABELS[status],
                authority,
                ", ".join(nats),
                next_due,
            )
            for number, given, family, status, authority, nats, next_due in cursor.fetchall()
        ]
    return render(request, "bench/minimal.html", {"rows": rows})


def chrome(request):
    """Diagnostic: an empty page in the site's layout (base.html): the floor under every full page."""
    return render(request, "bench/chrome.html")
