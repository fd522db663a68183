from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from access import policy
from audit.models import AuditEvent
from audit.services import audit_read
from cases.errors import DomainError

from . import notices
from .forms import EmailPreferencesForm


def _viewable(user, case_ids) -> set[int]:
    """Which of these cases the user may open (the others are named by number only: police, DIS on a CMM case)."""
    if not case_ids or not policy.role_may(user, policy.Action.VIEW):
        return set()
    return set(policy.visible_cases(user).filter(pk__in=case_ids).values_list("pk", flat=True))


def notification_list(request):
    """The user's notifications, newest first; unread ones marked."""
    rows = list(
        notices.notifications_for(request.user).select_related("case", "deadline", "operation")[: notices.SHOWN]
    )
    audit_read(
        request, action=AuditEvent.Action.LIST, what="notification_list", cases={n.case_id for n in rows if n.case_id}
    )
    return render(
        request,
        "reminders/notification_list.html",
        {
            "notifications": rows,
            "can_choose_email": True,
            "can_see_failed": policy.role_may(request.user, policy.Action.FAILED_REMINDERS),
        },
    )


def notification_detail(request, pk: int):
    """One notification, marked read; the case linked if the user may open it."""
    notification = notices.notification_for(request.user, pk)
    audit_read(request, what="notification", case=notification.case_id)
    notices.notification_open(notification=notification, actor=request.user)
    return render(
        request,
        "reminders/notification_detail.html",
        {
            "notification": notification,
            "may_view_case": notification.case_id is not None
            and notification.case_id in _viewable(request.user, [notification.case_id]),
            "may_acknowledge": notification.needs_acknowledgement
            and policy.role_may(request.user, policy.Action.ACKNOWLEDGE_NOTICE),
            "sees_own_referrals": policy.role_may(request.user, policy.Action.OWN_REFERRALS),
            "sees_operations": policy.role_may(request.user, policy.Action.OPERATIONS),
        },
    )


@require_POST
def acknowledge(request, pk: int):
    notification = notices.notification_for(request.user, pk)
    try:
        notices.notice_acknowledge(notification=notification, actor=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Du har kvitteret for underretningen om afgørelsen i sag %(number)s.")
            % {"number": notification.case.number},
        )
    return redirect("reminders:detail", pk=pk)


def preferences(request):
    """Email per kind of notification, on or off; the in-app notifications always come."""
    if request.method == "POST":
        form = EmailPreferencesForm(request.POST)
        if form.is_valid():
            notices.email_preferences_set(user=request.user, choices=form.cleaned_data)
            messages.success(request, _("Dine valg af e-mail er gemt."))
            return redirect("reminders:list")
    else:
        form = EmailPreferencesForm(initial=notices.email_preferences(request.user))
    return render(request, "reminders/preferences.html", {"form": form, "has_email": bool(request.user.email)})


def failed_list(request):
    """Reminders that could not be sent after their retries, for the coordinators to pass on by other means."""
    rows = notices.failed_reminders(request.user)
    audit_read(
        request, action=AuditEvent.Action.LIST, what="failed_reminders", cases={r.deadline.case_id for r in rows}
    )
    return render(request, "reminders/failed_list.html", {"reminders": rows})


@require_POST
def resend(request, pk: int):
    try:
        reminder = notices.reminder_resend(reminder_id=pk, actor=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Påmindelsen i sag %(number)s til %(recipient)s sendes igen inden for et par minutter.")
            % {"number": reminder.deadline.case.number, "recipient": reminder.recipient},
        )
    return redirect("reminders:failed")
