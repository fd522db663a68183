from django.contrib import messages
from django.db.models import Count, Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from access import policy
from cases.errors import DomainError

from . import services
from .forms import OperationNoticeForm, OperationStaffForm, TallyForm
from .models import Operation, OutreachTally

SHOWN = 100


def notice_create(request):
    """A police liaison's notice of a planned operation; then their list of notices."""
    form = OperationNoticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.operation_notify(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Politiaktionen er meldt til CMM."))
            return redirect("outreach:own_notices")
    status = 400 if request.method == "POST" else 200
    return render(request, "outreach/notice_form.html", {"form": form}, status=status)


def own_notices(request):
    """The liaison's own notices and their status: never another liaison's or district's."""
    notices = (
        Operation.objects.filter(submitted_by=request.user)
        .annotate(staff_count=Count("staff"))
        .order_by("-starts_at", "-id")[:SHOWN]
    )
    return render(request, "outreach/own_notices.html", {"notices": notices})


def operation_list(request):
    """The upcoming operations (and those begun in the last hours), soonest first, for CMM."""
    since = timezone.now() - services.SHOWN_AFTER_START
    operations = (
        Operation.objects.filter(starts_at__gte=since).prefetch_related("staff").order_by("starts_at", "id")[:SHOWN]
    )
    return render(
        request,
        "outreach/operation_list.html",
        {"operations": operations, "can_assign": policy.role_may(request.user, policy.Action.ASSIGN_OPERATION_STAFF)},
    )


def operation_detail(request, pk: int):
    """One operation; a coordinator assigns CMM's staff to it here."""
    operation = Operation.objects.filter(pk=pk).prefetch_related("staff").first()
    if operation is None:
        raise Http404
    can_assign = policy.role_may(request.user, policy.Action.ASSIGN_OPERATION_STAFF)
    form = OperationStaffForm(initial={"staff": list(operation.staff.all())}) if can_assign else None
    status = 200
    if request.method == "POST":
        form = OperationStaffForm(request.POST)
        if form.is_valid():
            try:
                services.operation_staff_set(operation=operation, actor=request.user, staff=form.cleaned_data["staff"])
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, _("Bemandingen af politiaktionen er gemt."))
                return redirect("outreach:operation_detail", pk=operation.pk)
        status = 400
    return render(request, "outreach/operation_detail.html", {"operation": operation, "form": form}, status=status)


def tally_list(request):
    """The outreach tallies, newest first, with the totals of those shown."""
    tallies = list(OutreachTally.objects.order_by("-date", "-id")[:SHOWN])
    totals = OutreachTally.objects.aggregate(rows=Count("id"), contacts=Sum("contacts"))
    return render(request, "outreach/tally_list.html", {"tallies": tallies, "totals": totals})


def tally_create(request):
    form = TallyForm(request.POST or None, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.tally_record(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Optællingen er gemt."))
            return redirect("outreach:tallies")
    status = 400 if request.method == "POST" else 200
    return render(request, "outreach/tally_form.html", {"form": form}, status=status)
