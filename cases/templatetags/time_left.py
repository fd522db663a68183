"""Time left in words ("om 18 timer", "om 3 dage", "2 dage over") and the start page's task rows.

`{{ left|time_left }}` words a cases.worklist.TimeLeft; `{% urgency_tag left %}` is the DKFDS badge for a
close (badge-warning) or overdue (badge-error) one, or the words alone; `{% task_rows tasks %}` gives the
worklist's items, built in Python as the case table's rows are (cases/templatetags/case_tables.py): every
value is escaped.
"""

from django import template
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext, ngettext, pgettext

from accounts.models import COMPETENT_AUTHORITIES
from cases import worklist
from cases.deadlines import DeadlineKind

from .case_tables import _html
from .fastdate import fastdate

register = template.Library()

BADGE = '<span class="badge badge-{level}">{words}</span>'
BADGE_LEVELS = {worklist.OVERDUE: "error", worklist.CLOSE: "warning"}
TASK = """  <li class="worklist-item{urgency_class}" data-testid="task" data-kind="{kind}">
    <div class="worklist-what"><strong>{what}</strong> {when}</div>
    <div class="worklist-meta"><a href="/sager/{number}/">{number}</a>{name}</div>
    <div class="worklist-action"><a href="{url}">{action}<span class="sr-only"> ({number})</span></a></div>
  </li>
"""
SINCE = '<span class="worklist-since">{words}</span>'
NAME = ' · <span data-testid="task-person">{name}</span>'


@register.filter
def time_left(left) -> str:
    """A TimeLeft in words, in the active language."""
    if left is None:
        return ""
    n = abs(left.amount)
    if left.unit == "days":
        if left.amount == 0:
            return pgettext("sidste dag", "i dag")
        if left.amount == 1:
            return pgettext("sidste dag", "i morgen")
        if left.amount > 0:
            return ngettext("om %(count)d dag", "om %(count)d dage", n) % {"count": n}
        return ngettext("%(count)d dag over", "%(count)d dage over", n) % {"count": n}
    if left.unit == "hours":
        if left.amount >= 0:
            return ngettext("om %(count)d time", "om %(count)d timer", n) % {"count": n}
        return ngettext("%(count)d time over", "%(count)d timer over", n) % {"count": n}
    if left.amount >= 0:
        return ngettext("om %(count)d minut", "om %(count)d minutter", n) % {"count": n}
    return ngettext("%(count)d minut over", "%(count)d minutter over", n) % {"count": n}


@register.simple_tag
def urgency_tag(left):
    """The time left as a warning badge when close, an error badge when overdue, plain words otherwise."""
    level = BADGE_LEVELS.get(worklist.urgency(left)) if left else None
    if level is None:
        return time_left(left)
    return _html(BADGE, level=level, words=time_left(left))


def _what(task) -> str:
    if task.kind == worklist.HANDOVER:
        authority = dict(COMPETENT_AUTHORITIES).get(task.detail, task.detail)
        return gettext("Overdragelse fra %(authority)s venter på jeres afgørelse") % {"authority": authority}
    if task.kind == worklist.SHARE_ENDING:
        return gettext("Samtykket til deling med %(organisation)s udløber") % {"organisation": task.detail}
    if task.kind == worklist.UNASSIGNED:
        return gettext("Offer uden kontaktperson")
    if task.kind == worklist.SUPPORT_ENDING:
        from support.models import SupportService

        return gettext("Støtten slutter: %(type)s") % {
            "type": dict(SupportService.Type.choices).get(task.detail, task.detail)
        }
    return str(DeadlineKind(task.kind).label)


def _when(task) -> str:
    if task.left is not None:
        return urgency_tag(task.left)
    day = fastdate(template_localtime(task.since), "DATE_FORMAT")
    if task.kind == worklist.HANDOVER:
        return _html(SINCE, words=gettext("anmodet %(day)s") % {"day": day})
    return _html(SINCE, words=gettext("oprettet %(day)s") % {"day": day})


@register.simple_tag
def task_rows(tasks):
    """A list item per task: what is due and when, the case and person, and a link to the action."""
    return mark_safe(  # noqa: S308 - items from _html
        "".join(
            _html(
                TASK,
                urgency_class=f" worklist-item--{task.urgency}" if task.urgency else "",
                kind=task.kind,
                what=_what(task),
                when=_when(task),
                number=task.case.number,
                name=_html(NAME, name=task.name) if task.name else "",
                url=task.url,
                action=task.action,
            )
            for task in tasks
        )
    )
