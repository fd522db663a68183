import uuid

from django.contrib import messages
from django.core.exceptions import BadRequest, PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from access import fieldsets, policy
from accounts import queries as account_queries
from accounts.models import COMPETENT_AUTHORITIES, Role
from audit.models import AuditEvent
from audit.services import audit_read, audit_stale_write, filters_used
from cmm.validators import ascii_int, page_number

from . import queries, services, submissions, worklist
from .codes import ExploitationForm, MeansOfControl, labels
from .errors import DomainError, StaleCase
from .filters import CaseFilter
from .forms import NotificationForm, ReferralForm
from .models import Deadline

PAGE_SIZE = 50
TASKS_SHOWN = 50
MY_CASES_SHOWN = 300


def home(request):
    """The start page, "Mine opgaver": what needs the user now, most urgent first (cases.worklist)."""
    can_list = policy.role_may(request.user, policy.Action.LIST_CASES)
    tasks = []
    if can_list:
        tasks = worklist.tasks_for(request.user)
        audit_read(request, action=AuditEvent.Action.LIST, what="home", cases=[task.case for task in tasks])
    # A coordinator's task: roles waiting for their approval (a count; the list is on its own page).
    role_requests = 0
    if policy.role_may(request.user, policy.Action.DECIDE_ROLE_REQUEST):
        role_requests = account_queries.role_requests_to_decide(request.user).count()
    return render(
        request,
        "cases/home.html",
        {
            "tasks": tasks[:TASKS_SHOWN],
            "tasks_hidden": max(len(tasks) - TASKS_SHOWN, 0),
            "can_list": can_list,
            "can_register": policy.can_register_referral(request.user),
            "role_requests": role_requests,
        },
    )


def my_cases(request):
    """ "Mine sager": the open cases the user is responsible for; a coordinator's team's, by contact person."""
    cases = queries.responsible_cases(request.user, limit=MY_CASES_SHOWN + 1)
    audit_read(request, action=AuditEvent.Action.LIST, what="my_cases", cases=cases[:MY_CASES_SHOWN])
    groups = None
    if request.user.role == Role.CMM_COORDINATOR:
        groups = queries.by_contact_person(cases[:MY_CASES_SHOWN])
    return render(
        request,
        "cases/my_cases.html",
        {"cases": cases[:MY_CASES_SHOWN], "groups": groups, "more": len(cases) > MY_CASES_SHOWN},
    )


def case_list(request):
    # Searches and filters are POSTed so that names typed in the search box never reach a URL or a log.
    data = request.POST if request.method == "POST" else request.GET
    refused_text = request.method != "POST" and not CaseFilter.is_case_number(data.get("q", ""))
    if refused_text:
        # A name or number in a query string is already in the server's and the browser's history; it is
        # not searched for, not shown back and not logged, and the user is told to use the search box.
        data = data.copy()
        data.pop("q")
    filterset = CaseFilter(data, queryset=queries.case_list(request.user))
    if refused_text:
        filterset.form.add_error(
            "q", _("Søg med søgefeltet: navne og numre må ikke stå i sidens adresse, så de blev ikke søgt efter.")
        )
    page = page_number(data.get("page"))
    if page is None:
        raise BadRequest("page")
    rows = []
    if filterset.is_valid():
        start = (page - 1) * PAGE_SIZE
        # One row more than a page tells whether there is a next page, without a COUNT over the scope.
        rows = list(filterset.qs[start : start + PAGE_SIZE + 1])
    # One audit row for the page: the cases shown and the names of the filters used, never their values.
    used = filters_used(data, CaseFilter.Meta.fields)
    audit_read(
        request,
        action=AuditEvent.Action.SEARCH if used or request.method == "POST" else AuditEvent.Action.LIST,
        what="case_list",
        cases=rows[:PAGE_SIZE],
        detail={"filters": used, "page": page},
    )
    context = {
        "filter": filterset,
        "cases": rows[:PAGE_SIZE],
        "page": page,
        "has_next": len(rows) > PAGE_SIZE,
        "filter_values": [(name, value) for name in CaseFilter.Meta.fields for value in data.getlist(name) if value],
        "can_register": policy.can_register_referral(request.user),
    }
    template = "cases/case_list_rows.html" if request.htmx else "cases/case_list.html"
    return render(request, template, context, status=400 if refused_text else 200)


def case_detail(request, number):
    case = queries.case_detail(request.user, number)
    fields = fieldsets.fields_for(request.user, case)
    fieldsets.redact(case, fields)
    shown_deadlines = [deadline for deadline in case.deadlines.all() if fields.shows_deadline(deadline.kind)]
    timeline = [event for event in queries.case_timeline(case) if fields.shows_event(event.event_type)]
    if "events.reason" not in fields:
        for event in timeline:
            event.reason = ""
    audit_read(request, what="case_page", case=case, purpose=queries.read_purpose(case))
    current = [deadline for deadline in shown_deadlines if deadline.status != Deadline.Status.CANCELLED]
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "fields": fields.tree(),
            "staff_names": fields.staff_names,
            "share_purpose": fieldsets.SCOPE_LABELS.get(getattr(case, "share_scope", None)),
            "deadlines": current,
            # A deadline close or overdue: the banner under the heading (cases/_deadline_banner.html).
            "urgent": worklist.urgent_deadline(request.user, case, current),
            # Deadlines an extension replaced: history, not something to act on.
            "replaced_deadlines": [d for d in shown_deadlines if d.status == Deadline.Status.CANCELLED],
            "timeline": timeline,
            "exploitation_forms": labels(ExploitationForm, case.referral.exploitation_forms),
            "means_of_control": labels(MeansOfControl, case.referral.means_of_control),
            "actions": policy.allowed_actions(request.user, case),
            # A button on each live share, not a case action: withdrawn consent is recorded in any state.
            "can_withdraw": policy.can(request.user, policy.Action.WITHDRAW_SHARE, case),
            "pending_handover": dict(COMPETENT_AUTHORITIES).get(case.pending_handover_to),
            # Which organisations a case is shared with is CMM's to know, not the other organisations'.
            "shares": queries.case_shares(case) if policy.role_may(request.user, policy.Action.SHARE) else [],
        },
    )


def own_referrals(request):
    """The status of the referrals the user made: never the case file (police and referring authorities)."""
    referrals = queries.own_referrals(request.user)
    audit_read(request, action=AuditEvent.Action.LIST, what="own_referrals", cases=referrals)
    return render(request, "cases/own_referrals.html", {"referrals": referrals})


def referral_create(request):
    if not policy.can_register_referral(request.user):
        raise PermissionDenied
    form = ReferralForm(request.POST or None, initial={"form_token": uuid.uuid4()})
    if request.method == "POST" and form.is_valid():
        try:
            case, created = submissions.referral_register_once(
                actor=request.user,
                key=f"form:{form.cleaned_data['form_token']}",
                person=form.person_data(),
                referral=form.referral_data(),
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            visible = policy.visible_cases(request.user).filter(pk=case.pk).exists()
            if not created:
                messages.info(
                    request,
                    _("Formularen var allerede sendt: henvisningen er registreret én gang, som sag %(number)s.")
                    % {"number": case.number},
                )
            elif visible:
                messages.success(
                    request, _("Henvisningen er registreret som sag %(number)s.") % {"number": case.number}
                )
            else:
                # A referral for the other authority is theirs: its page would be a 404 to the registrant.
                messages.success(
                    request,
                    _("Henvisningen er registreret som sag %(number)s og sendt til %(authority)s.")
                    % {"number": case.number, "authority": case.get_competent_authority_display()},
                )
            if visible:
                return redirect("cases:detail", number=case.number)
            if policy.role_may(request.user, policy.Action.OWN_REFERRALS):
                return redirect("cases:own_referrals")
            return redirect("cases:home")
    status = 400 if request.method == "POST" else 200
    return render(request, "cases/referral_form.html", {"form": form}, status=status)


class CaseActionView(View):
    """A form that takes one action on one case through one service function.

    The user's input is never lost: a refusal or a stale write shows the form again, filled in,
    with the reason beside the field or at the top.
    """

    action: str
    form_class: type
    title: str
    intro: str = ""
    submit_label: str

    def service(self, *, case, actor, expected_version, **data):
        raise NotImplementedError

    def initial(self, case) -> dict:
        return {}

    def allowed_case(self, request, number):
        case = queries.case_detail(request.user, number)
        if not policy.can(request.user, self.action, case):
            raise PermissionDenied(self.refusal(case))
        return case

    def refusal(self, case) -> str:
        """Why the action is not offered on this case now: the 403 page says it, as the API's 400 does."""
        return _("Du kan ikke tage denne handling på sagen i dens nuværende status.")

    def get(self, request, number):
        case = self.allowed_case(request, number)
        form = self.form_class(initial={"version": case.version, **self.initial(case)})
        return self.render(request, case, form)

    def post(self, request, number):
        case = queries.case_detail(request.user, number)
        sent_version = ascii_int(request.POST.get("version", ""))
        stale = sent_version is not None and sent_version != case.version
        if stale and policy.role_may(request.user, self.action):
            # The case moved on since the form was opened, perhaps out of this action's reach:
            # say so before judging the action, and keep what the user typed.
            return self.stale(request, case, StaleCase().message, sent_version=int(sent_version))
        if not policy.can(request.user, self.action, case):
            raise PermissionDenied(self.refusal(case))
        form = self.form_class(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version")
            try:
                self.service(case=case, actor=request.user, expected_version=version, **data)
            except StaleCase as error:
                # Another write came in between loading the case and saving: show the case as it is now.
                return self.stale(
                    request, queries.case_detail(request.user, number), error.message, sent_version=version
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                return self.done(request, case, data)
        return self.render(request, case, form, status=400)

    def done(self, request, case, data):
        """After the action: where the user lands, and what the page tells them."""
        messages.success(request, _("Gemt."))
        return redirect("cases:detail", number=case.number)

    def stale(self, request, case, message, *, sent_version: int):
        """The conflict page: the case as it is now, the user's input kept; a resubmit applies it to this version.

        A stale write is a security event too (a replayed form looks the same): audited as one.
        """
        audit_stale_write(request, case=case, action=self.action, sent_version=sent_version)
        data = request.POST.copy()
        data["version"] = case.version
        form = self.form_class(data)
        form.is_valid()
        form.add_error(None, message)
        return self.render(request, case, form, status=409)

    def intro_for(self, case) -> str:
        return self.intro

    def render(self, request, case, form, status=200):
        # The form page shows the case: one read row each time, also when a refused input comes back.
        audit_read(
            request,
            what=f"{self.action}_form",
            case=case,
            purpose=queries.read_purpose(case),
            detail={"status": status} if status != 200 else None,
        )
        return render(
            request,
            "cases/case_action.html",
            {
                "case": case,
                "form": form,
                "title": self.title,
                "intro": self.intro_for(case),
                "submit_label": self.submit_label,
            },
            status=status,
        )


class NotificationRecordView(CaseActionView):
    action = policy.Action.RECORD_NOTIFICATION
    form_class = NotificationForm
    title = gettext_lazy("Registrér underretning af politi og Udlændingestyrelsen")
    submit_label = gettext_lazy("Registrér underretning")

    def service(self, **kwargs):
        return services.notification_record(**kwargs)
