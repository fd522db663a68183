"""The public report form and follow-up (no login, no session, no address kept), and CMM's triage pages."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts.middleware import otp_not_required
from cases import views as case_views
from cases.errors import DomainError

from . import ratelimit, services
from .forms import DismissForm, HotlineCallForm, InformationForm, LinkForm, ReceiptForm, ReplyForm, ReportForm
from .models import Report


def public(view):
    """Reachable without logging in, never cached (a page may show a receipt code or a report)."""
    return otp_not_required(login_not_required(never_cache(require_http_methods(["GET", "POST"])(view))))


@public
def report_form(request):
    """The anonymous report: stored first, then its receipt code is shown, once.

    Bad input, the honeypot and the rate limit all answer with the form again, the text still in it.
    """
    if request.method != "POST":
        return render(request, "intake/report_form.html", {"form": ReportForm(initial={"form_token": uuid.uuid4()})})
    form = ReportForm(request.POST)
    if not form.is_valid():
        return render(request, "intake/report_form.html", {"form": form}, status=400)
    if form.is_junk:
        form.add_error(None, _("Formularen kunne ikke sendes. Prøv igen."))
        return render(request, "intake/report_form.html", {"form": form}, status=400)
    if not ratelimit.rate_take(request, ratelimit.REPORT):
        form.add_error(None, _("Der er sendt mange indberetninger herfra den seneste time. Prøv igen om en time."))
        return render(request, "intake/report_form.html", {"form": form}, status=429)
    _report, code = services.report_submit(data=form.cleaned_data)
    return render(request, "intake/receipt.html", {"code": code})


NO_SUCH_RECEIPT = gettext_lazy("Koden passer ikke til nogen indberetning. Tjek at du har skrevet den rigtigt.")


@public
def follow_up(request):
    """Come back with the receipt code: read CMM's answers and add information.

    The code travels in the POST body only (never the address); the page carries it on in a hidden field for
    the next addition. Every failure (a wrong code, one for a deleted report, something that is no code) gets
    the same answer, and every attempt counts against the address's look-ups for the hour.
    """
    if request.method != "POST":
        return render(request, "intake/follow_up_code.html", {"form": ReceiptForm()})
    adding = "text" in request.POST
    form = InformationForm(request.POST) if adding else ReceiptForm(request.POST)
    if not ratelimit.rate_take(request, ratelimit.LOOKUP):
        form = ReceiptForm(request.POST)
        form.is_valid()
        form.add_error(None, _("Der er prøvet mange koder herfra den seneste time. Prøv igen om en time."))
        return render(request, "intake/follow_up_code.html", {"form": form}, status=429)
    report = services.report_for_receipt(request.POST.get("code", ""))
    if report is None:
        form = ReceiptForm(request.POST)
        form.is_valid()
        form.errors.pop("code", None)
        form.add_error("code", NO_SUCH_RECEIPT)
        return render(request, "intake/follow_up_code.html", {"form": form}, status=400)
    added = False
    status = 200
    if adding:
        if form.is_valid():
            services.report_add_information(report=report, text=form.cleaned_data["text"])
            added = True
            form = InformationForm(initial={"code": request.POST["code"]})
        else:
            status = 400
    else:
        form = InformationForm(initial={"code": request.POST["code"]})
    return render(
        request,
        "intake/follow_up.html",
        {"report": report, "messages_list": list(report.messages.all()), "form": form, "added": added},
        status=status,
    )


# CMM's pages.


def queue(request):
    handled = request.GET.get("vis") == "behandlede"
    reports = services.reports_queue(request, handled=handled)
    return render(request, "intake/queue.html", {"reports": reports, "handled": handled})


ACTIONS = {"reply": ReplyForm, "dismiss": DismissForm, "link": LinkForm}


def report_detail(request, pk: int):
    """One report or call, and what can be done with it: answer, close without a case, link to a case."""
    report = services.report_for_triage(request.user, pk)
    forms = {name: form_class(prefix=name) for name, form_class in ACTIONS.items()}
    status, refusal = 200, ""
    if request.method == "POST":
        action = request.POST.get("action")
        if action not in ACTIONS:
            return redirect("intake:report", pk=report.pk)
        form = forms[action] = ACTIONS[action](request.POST, prefix=action)
        if form.is_valid():
            try:
                return _triage_done(request, report, action, form.cleaned_data)
            except DomainError as error:
                if error.field in form.fields:
                    form.add_error(error.field, error.message)
                else:
                    refusal = error.message  # shown above the report: its form may no longer be on the page
        status = 400
    return render(
        request,
        "intake/report_detail.html",
        {
            "report": report,
            "messages_list": services.report_read(request, report),
            "forms": forms,
            "is_new": report.status == Report.Status.NEW,
            "refusal": refusal,
        },
        status=status,
    )


def _triage_done(request, report, action: str, data: dict):
    if action == "reply":
        services.report_reply(report=report, actor=request.user, text=data["text"])
        messages.success(request, _("Svaret er gemt. Indberetteren ser det, når de kommer tilbage med koden."))
        return redirect("intake:report", pk=report.pk)
    if action == "dismiss":
        services.report_dismiss(report=report, actor=request.user, reason=data["reason"])
        messages.success(request, _("%(reference)s er afsluttet uden sag.") % {"reference": report.reference})
    else:
        report = services.report_link(report=report, actor=request.user, number=data["number"])
        messages.success(
            request,
            _("%(reference)s er knyttet til sag %(number)s.")
            % {"reference": report.reference, "number": report.case.number},
        )
    return redirect("intake:queue")


def referral(request, pk: int):
    """The referral form, filled in from the report; once the case is registered, the report is linked to it."""
    report = services.report_for_triage(request.user, pk)
    if report.status != Report.Status.NEW and not (
        request.method == "POST" and report.status == Report.Status.REFERRED
    ):
        messages.info(request, _("Indberetningen er allerede behandlet."))
        return redirect("intake:report", pk=report.pk)
    return case_views.referral_create(
        request,
        initial=services.referral_initial(report),
        action_url=request.path,
        registered=lambda case: services.report_referred(report=report, actor=request.user, case=case),
    )


def hotline_call(request):
    form = HotlineCallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        report = services.hotline_call_log(actor=request.user, data=form.cleaned_data)
        messages.success(request, _("Opkaldet er registreret som %(reference)s.") % {"reference": report.reference})
        return redirect("intake:report", pk=report.pk)
    return render(request, "intake/hotline_call.html", {"form": form}, status=400 if request.method == "POST" else 200)
