import uuid
from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.core.exceptions import BadRequest, PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from access import fieldsets, policy
from accounts import queries as account_queries
from accounts.models import COMPETENT_AUTHORITIES, Role
from audit.models import AuditEvent
from audit.services import audit_read, audit_stale_write, filters_used
from cmm.confirm import Confirmation, ConfirmationMixin
from cmm.validators import ascii_int, page_number
from support import queries as support_queries

from . import duplicates, queries, services, stages, submissions, worklist
from .codes import ExploitationForm, MeansOfControl, labels
from .deadlines import DeadlineKind
from .errors import DomainError, StaleCase
from .filters import CaseFilter
from .forms import NotificationForm, ReferralForm
from .models import Deadline, Person

PAGE_SIZE = 50
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
            "tasks": tasks[: worklist.SHOWN],
            "more_tasks": len(tasks) > worklist.SHOWN,
            "can_list": can_list,
            "can_register": policy.can_register_referral(request.user),
            "role_requests": role_requests,
            "can_statistics": policy.role_may(request.user, policy.Action.STATISTICS),
        },
    )


# The filters that identify no one: they live in the list's address, so that reload and Back keep them. The
# search text (a name, a CPR number) never does: it is POSTed, and dropped from the address the list shows.
URL_FILTERS = [name for name in CaseFilter.Meta.fields if name != "q"]


def _list_url(data, page: int) -> str:
    """The list's address for these filters and page: what reload and Back come back to."""
    params = [(name, value) for name in URL_FILTERS for value in data.getlist(name) if value]
    if page > 1:
        params.append(("page", page))
    return reverse("cases:list") + (f"?{urlencode(params)}" if params else "")


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
        {
            "cases": cases[:MY_CASES_SHOWN],
            "groups": groups,
            "more": len(cases) > MY_CASES_SHOWN,
            "can_move_cases": policy.role_may(request.user, policy.Action.MOVE_CASES),
        },
    )


def case_list(request):
    # Searches are POSTed so that names typed in the search box never reach a URL or a log; the other
    # filters come as a query string too (reload, Back, a bookmark), and an htmx answer puts them in the
    # address bar (HX-Push-Url) without the search text.
    data = request.POST if request.method == "POST" else request.GET
    refused_text = request.method != "POST" and not CaseFilter.is_case_number(data.get("q", ""))
    if refused_text:
        # A name or number in a query string is already in the server's and the browser's history; it is
        # not searched for, not shown back and not logged, and the user is told to use the search box.
        data = data.copy()
        data.pop("q")
    # The scope's grants as arrays the statement reads first (policy.visible_cases(listed=True)): the page's
    # query then counts all matching cases from the indexes as well (queries.with_total).
    visible = policy.visible_cases(request.user, listed=True)
    filterset = CaseFilter(data, queryset=queries.case_list(request.user, visible=visible))
    if refused_text:
        filterset.form.add_error(
            "q", _("Søg med søgefeltet: navne og numre må ikke stå i sidens adresse, så de blev ikke søgt efter.")
        )
    page = page_number(data.get("page"))
    if page is None:
        raise BadRequest("page")
    rows, total = [], None
    if filterset.is_valid():
        start = (page - 1) * PAGE_SIZE
        # One row more than a page tells whether there is a next page. On the first page the count of all
        # pages comes in each row of the page's own query (no row: none to count). Later pages count on their
        # own, so that a page past the last one, with no row to bring the count, asks as many queries as any.
        matching = filterset.filter_queryset(visible)
        if page == 1:
            rows = list(queries.with_total(filterset.qs, matching)[: PAGE_SIZE + 1])
            total = rows[0].total if rows else 0
        else:
            rows = list(filterset.qs[start : start + PAGE_SIZE + 1])
            total = matching.count()
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
        "total": total,
        "page": page,
        "has_next": len(rows) > PAGE_SIZE,
        "filter_values": [(name, value) for name in CaseFilter.Meta.fields for value in data.getlist(name) if value],
        "can_register": policy.can_register_referral(request.user),
    }
    # Back to a list address whose page htmx did not keep (hx-history="false") asks for the whole page.
    if request.htmx and not request.htmx.history_restore_request:
        context["partial"] = True  # the count comes along, for htmx to swap in beside the rows
        response = render(request, "cases/case_list_rows.html", context, status=400 if refused_text else 200)
        url = _list_url(data, page)
        if filterset.is_valid() and url != _path_of(request.htmx.current_url):
            response["HX-Push-Url"] = url
        return response
    return render(request, "cases/case_list.html", context, status=400 if refused_text else 200)


def _path_of(url: str | None) -> str:
    """The path and query string of an absolute URL (htmx sends the page's as HX-Current-URL)."""
    if not url:
        return ""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def case_detail(request, number):
    case = queries.case_detail(request.user, number)
    fields = fieldsets.fields_for(request.user, case)
    stages.overview_prepare(case)  # before the redaction: the minor's tag reads the date of birth
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
            # Where the case stands: its stage, next deadline (templates/cases/_lifecycle.html). An accepted prepared
            # repatriation is the exit stage: read after the redaction, so only those who see the answer see it.
            "overview": stages.overview(case, current, exit_prepared=case.exit_prepared),
            # Deadlines an extension replaced: history, not something to act on.
            "replaced_deadlines": [d for d in shown_deadlines if d.status == Deadline.Status.CANCELLED],
            "timeline": timeline,
            "exploitation_forms": labels(ExploitationForm, case.referral.exploitation_forms),
            "means_of_control": labels(MeansOfControl, case.referral.means_of_control),
            "actions": policy.allowed_actions(request.user, case),
            "unavailable": policy.unavailable_reasons(request.user, case),
            # A button on each live share, not a case action: withdrawn consent is recorded in any state.
            "can_withdraw": policy.can(request.user, policy.Action.WITHDRAW_SHARE, case),
            "pending_handover": dict(COMPETENT_AUTHORITIES).get(case.pending_handover_to),
            # Which organisations a case is shared with is CMM's to know, not the other organisations'.
            "shares": queries.case_shares(case) if policy.role_may(request.user, policy.Action.SHARE) else [],
            # Support services and the action plan (support/_case_section.html), from the page's own query.
            "support": support_queries.case_page_context(request.user, case, fields, current),
            # The case summary PDF (reporting.summary): for the case's own caseworkers.
            "can_print_summary": policy.can(request.user, policy.Action.PRINT_CASE_SUMMARY, case),
        },
    )


def own_referrals(request):
    """The status of the referrals the user made: never the case file (police and referring authorities)."""
    referrals = queries.own_referrals(request.user)
    audit_read(request, action=AuditEvent.Action.LIST, what="own_referrals", cases=referrals)
    return render(request, "cases/own_referrals.html", {"referrals": referrals})


def duplicate_queue(request):
    """The coordinator's queue of possible duplicates the registrant could not be told of, and the decision."""
    queue = duplicates.queue_for(request.user)
    if request.method == "POST":
        match = queue.filter(pk=ascii_int(request.POST.get("match", "")) or 0).first()
        decision = request.POST.get("decision")
        if match is None or decision not in ("same_person", "different_people"):
            raise BadRequest("match")
        try:
            duplicates.duplicate_match_decide(match=match, actor=request.user, same_person=decision == "same_person")
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("Sag %(new)s og sag %(existing)s: %(decision)s.")
                % {
                    "new": match.new_case.number,
                    "existing": match.existing_case.number,
                    "decision": match.get_status_display().lower(),
                },
            )
        return redirect("cases:duplicates")
    rows = list(queue[:PAGE_SIZE])
    visible = set(
        policy.visible_cases(request.user)
        .filter(pk__in=[c for row in rows for c in (row.new_case_id, row.existing_case_id)])
        .values_list("pk", flat=True)
    )
    audit_read(
        request,
        action=AuditEvent.Action.LIST,
        what="duplicate_queue",
        # Every case the page names, linked or not: a number shown is a read of the case's existence.
        cases=[c for row in rows for c in (row.new_case_id, row.existing_case_id)],
    )
    return render(request, "cases/duplicate_queue.html", {"matches": rows, "visible": visible})


def referral_create(request, *, initial: dict | None = None, action_url: str = "", registered=None):
    """The referral form, then "Tjek dine svar", then the case.

    The answers go from the form to the check page and back in the POST alone: the check page carries them in
    hidden fields. The session would do too, but it would keep names and identity numbers unencrypted in the
    session store until it expires, also for a referral never saved; a POST body is neither logged nor stored.
    The form's one-time token goes along, so saving twice still makes one case.

    Another app's page can start the same form: `initial` fills it in, `action_url` is the address it posts to,
    and `registered(case)` is called once the case is registered (and again if the form is posted twice).
    """
    if not policy.can_register_referral(request.user):
        raise PermissionDenied
    context = {"form_action": action_url or reverse("cases:referral_create")}
    if request.method != "POST":
        form = ReferralForm(initial={**(initial or {}), "form_token": uuid.uuid4()})
        return render(request, "cases/referral_form.html", {**context, "form": form})
    form = ReferralForm(request.POST)
    context["form"] = form
    edit = request.POST.get("edit")
    if edit in form.fields:
        # "Ret" on the check page: the form again, filled in, with the cursor in the answer to change.
        form.fields[edit].widget.attrs["autofocus"] = True
        return render(request, "cases/referral_form.html", context)
    if not form.is_valid():
        return render(request, "cases/referral_form.html", context, status=400)
    if request.POST.get("step") != "save":
        # Possible matches the user may see are named here; the others wait for a coordinator (cases.duplicates).
        context["matches"] = duplicates.shown_matches(request.user, Person(**form.person_data()))
        return render(request, "cases/referral_check.html", context)
    try:
        case, created = submissions.referral_register_once(
            actor=request.user,
            key=f"form:{form.cleaned_data['form_token']}",
            person=form.person_data(),
            referral=form.referral_data(),
        )
    except DomainError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        return render(request, "cases/referral_form.html", context, status=400)
    if registered is not None:
        registered(case)
    visible = policy.visible_cases(request.user).filter(pk=case.pk).exists()
    if not created:
        messages.info(
            request,
            _("Formularen var allerede sendt: henvisningen er registreret én gang, som sag %(number)s.")
            % {"number": case.number},
        )
    elif visible:
        messages.success(request, _("Henvisningen er registreret som sag %(number)s.") % {"number": case.number})
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


class CaseActionView(ConfirmationMixin, View):
    """A form that takes one action on one case through one service function.

    The user's input is never lost: a refusal or a stale write shows the form again, filled in,
    with the reason beside the field or at the top. A consequential action (`confirmation`) asks first.
    """

    action: str
    form_class: type
    title: str
    intro: str = ""
    submit_label: str

    def service(self, *, case, actor, expected_version, **data):
        raise NotImplementedError

    def success_message(self, case, result) -> str:
        """What happened, in words, from the service's result ("Perioden er forlænget til og med ...")."""
        return _("Gemt.")

    def confirmation(self, case, form) -> Confirmation | None:
        """The question to ask before taking the action with this (valid) input; None: no question."""
        return None

    def initial(self, case) -> dict:
        return {}

    def form(self, case, data=None, initial=None):
        return self.form_class(data, initial=initial, case=case)

    def allowed_case(self, request, number):
        case = queries.case_detail(request.user, number)
        self.refuse_unless_allowed(case)
        return case

    def refuse_unless_allowed(self, case) -> None:
        """The 403 page says why the action is not offered on this case now, as the case page does."""
        reason = policy.refusal(self.request.user, self.action, case)
        if reason is not None:
            raise PermissionDenied(reason)

    def get(self, request, number):
        case = self.allowed_case(request, number)
        form = self.form(case, initial={"version": case.version, **self.initial(case)})
        return self.render(request, case, form)

    def post(self, request, number):
        case = queries.case_detail(request.user, number)
        sent_version = ascii_int(request.POST.get("version", ""))
        stale = sent_version is not None and sent_version != case.version
        if stale and policy.role_may(request.user, self.action):
            # The case moved on since the form was opened, perhaps out of this action's reach:
            # say so before judging the action, and keep what the user typed.
            return self.stale(request, case, StaleCase().message, sent_version=int(sent_version))
        self.refuse_unless_allowed(case)
        form = self.form(case, request.POST)
        if self.going_back():
            return self.render(request, case, form)  # from the confirmation, with the input kept
        if form.is_valid():
            confirmation = self.confirmation(case, form)
            if confirmation is not None and not self.confirmed():
                audit_read(request, what=f"{self.action}_confirm", case=case, purpose=queries.read_purpose(case))
                return self.render_confirmation(confirmation, form=form, case=case)
            data = dict(form.cleaned_data)
            version = data.pop("version")
            try:
                result = self.service(case=case, actor=request.user, expected_version=version, **data)
            except StaleCase as error:
                # Another write came in between loading the case and saving: show the case as it is now.
                return self.stale(
                    request, queries.case_detail(request.user, number), error.message, sent_version=version
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                return self.done(request, case, data, result)
        return self.render(request, case, form, status=400)

    def done(self, request, case, data, result):
        """After the action: where the user lands, and what the page tells them."""
        messages.success(request, self.success_message(case, result))
        return redirect("cases:detail", number=case.number)

    def stale(self, request, case, message, *, sent_version: int):
        """The conflict page: the case as it is now, the user's input kept; a resubmit applies it to this version.

        A stale write is a security event too (a replayed form looks the same): audited as one.
        """
        audit_stale_write(request, case=case, action=self.action, sent_version=sent_version)
        data = request.POST.copy()
        data["version"] = case.version
        form = self.form(case, data)
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

    def success_message(self, case, result) -> str:
        deadline = (
            result.deadlines.filter(kind=DeadlineKind.NOT_VICTIM_NOTIFICATION, closed_at__isnull=False)
            .order_by("-closed_at")
            .first()
        )
        values = {"when": date_format(timezone.localtime(deadline.closed_at), "DATETIME_FORMAT")}
        if deadline.status == Deadline.Status.MET:
            return _("Underretningen er registreret: politi og Udlændingestyrelsen blev underrettet %(when)s.") % values
        return (
            _("Underretningen er registreret: politi og Udlændingestyrelsen blev underrettet %(when)s, efter fristen.")
            % values
        )
