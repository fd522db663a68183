"""The access policy: who may see which case, and who may do what to it in which state.

Views, API, templates, exports and tasks ask this module; nothing else decides, and nothing else reads
guardian's grant tables. A case the user may not see is indistinguishable from one that does not exist
(Http404). Every URL has an entry in ROUTES; a URL without one is refused (access.middleware.PolicyMiddleware),
and docs/access-policy.md is generated from the tables here (`manage.py access_policy --write`).
"""

import re
from dataclasses import dataclass, field

from django.contrib.auth.models import Permission
from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import BooleanField, Exists, F, Func, IntegerField, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Agency, Role
from cases.errors import NotAllowed
from cases.models import Case, CaseGroupObjectPermission, CaseUserObjectPermission


class Action:
    # Pages and endpoints that are not about one case.
    HOME = "home"
    LIST_CASES = "list_cases"
    REGISTER_REFERRAL = "register_referral"
    OWN_REFERRALS = "own_referrals"
    DUPLICATE_QUEUE = "duplicate_queue"
    BREAK_THE_GLASS = "break_the_glass"
    AUDIT_LOG = "audit_log"
    MANAGE_USERS = "manage_users"
    SECURITY_REPORTS = "security_reports"
    DECIDE_ROLE_REQUEST = "decide_role_request"
    STEP_UP = "step_up"
    API_DOCS = "api_docs"
    # Actions on one case the user can see.
    VIEW = "view"
    ASSESS = "assess"
    GRANT_PERIOD = "grant_period"
    EXTEND_PERIOD = "extend_period"
    RECORD_NOTIFICATION = "record_notification"
    SHARE = "share"
    WITHDRAW_SHARE = "withdraw_share"
    REQUEST_HANDOVER = "request_handover"
    DECIDE_HANDOVER = "decide_handover"
    CHANGE_RESIDENCE_STATUS = "change_residence_status"
    # Support (from the positive identification on).
    ASSIGN_CONTACT_PERSON = "assign_contact_person"
    RECORD_REPRESENTATIVE = "record_representative"
    RECORD_SUPPORT = "record_support"
    EDIT_ACTION_PLAN = "edit_action_plan"
    PRINT_ACTION_PLAN = "print_action_plan"
    # Exit.
    RECORD_DUBLIN = "record_dublin"
    OFFER_REPATRIATION = "offer_repatriation"
    DECIDE_REPATRIATION = "decide_repatriation"
    RECORD_REINTEGRATION = "record_reintegration"
    RECORD_RETURN = "record_return"
    ADD_FOLLOW_UP_REPORT = "add_follow_up_report"
    READ_ATTACHMENT = "read_attachment"
    CLOSE_CASE = "close_case"
    # Not about one case: a coordinator moves a leaver's cases to colleagues at once.
    MOVE_CASES = "move_cases"
    # Deadline reminders and notices (reminders/).
    NOTIFICATIONS = "notifications"
    ACKNOWLEDGE_NOTICE = "acknowledge_notice"
    FAILED_REMINDERS = "failed_reminders"
    # The case summary as a PDF for the case's own caseworkers (reporting/summary.py).
    PRINT_CASE_SUMMARY = "print_case_summary"
    # The working group's statistics (reporting/): order a report, follow it, download its PDF and CSV.
    STATISTICS = "statistics"
    # Operations (ops/).
    JOB_STATUS = "job_status"
    # Anonymous web reports and hotline calls before they are cases (intake/).
    TRIAGE = "triage"
    LOG_HOTLINE_CALL = "log_hotline_call"
    # Police operations and outreach (outreach/): no person data in either.
    NOTIFY_OPERATION = "notify_operation"
    OPERATIONS = "operations"
    ASSIGN_OPERATION_STAFF = "assign_operation_staff"
    OUTREACH_TALLIES = "outreach_tallies"


CMM_ROLES = frozenset({Role.CMM_CONTACT_PERSON, Role.CMM_COORDINATOR})
DIS_ROLES = frozenset({Role.DIS_CASEWORKER, Role.DIS_COORDINATOR})
CASEWORK_ROLES = CMM_ROLES | DIS_ROLES
EXTERNAL_REFERRERS = frozenset({Role.POLICE_LIAISON, Role.REFERRING_AUTHORITY, Role.NGO_WORKER})
SHARED_WITH_ROLES = frozenset({Role.NGO_WORKER, Role.IOM_OFFICER})
OPEN_STATES = frozenset({Case.Status.REFERRED, Case.Status.IDENTIFIED, Case.Status.PERIOD, Case.Status.RETURNED})
# A victim's case: identified, and not closed (support, exit, reintegration and follow-up).
VICTIM_STATES = frozenset({Case.Status.IDENTIFIED, Case.Status.PERIOD, Case.Status.RETURNED})
# Before the return: what support and the exit's preparation are recorded in.
SUPPORT_STATES = frozenset({Case.Status.IDENTIFIED, Case.Status.PERIOD})


@dataclass(frozen=True)
class Rule:
    """Who may take an action, and for case actions in which states and for which authority."""

    roles: frozenset
    description: str
    states: frozenset | None = None  # None: any state
    # "competent": only staff of the case's competent authority; "receiving": only the agency a pending
    # hand-over goes to.
    authority: str = ""
    on_case: bool = False
    extra: str = ""  # a further condition, named in the generated table

    def role_may(self, user) -> bool:
        return user.role in self.roles


POLICY: dict[str, Rule] = {
    Action.HOME: Rule(frozenset(Role.values), gettext_lazy("Startsiden")),
    Action.LIST_CASES: Rule(
        CASEWORK_ROLES | SHARED_WITH_ROLES, gettext_lazy("Sagslisten og søgning (kun sager i egen adgang)")
    ),
    Action.REGISTER_REFERRAL: Rule(CASEWORK_ROLES | EXTERNAL_REFERRERS, gettext_lazy("Registrere en henvisning")),
    Action.OWN_REFERRALS: Rule(EXTERNAL_REFERRERS, gettext_lazy("Se status på egne henvisninger (ikke sagen)")),
    Action.DUPLICATE_QUEUE: Rule(
        frozenset({Role.CMM_COORDINATOR, Role.DIS_COORDINATOR}),
        gettext_lazy("Afgøre mulige dubletter, som den, der registrerede henvisningen, ikke måtte se"),
        extra=gettext_lazy("kun hvor den eksisterende sag er egen myndigheds"),
    ),
    Action.BREAK_THE_GLASS: Rule(
        frozenset({Role.CMM_COORDINATOR}), gettext_lazy("Nødadgang til en sag uden for egen adgang, med begrundelse")
    ),
    Action.AUDIT_LOG: Rule(frozenset({Role.DP_AUDITOR}), gettext_lazy("Adgangsloggen og indsigtsrapporter")),
    Action.MANAGE_USERS: Rule(
        frozenset({Role.SYSTEM_ADMIN}),
        gettext_lazy(
            "Administrere brugere (ingen sager); en rolle, der giver sager, kræver en koordinators godkendelse"
        ),
    ),
    Action.SECURITY_REPORTS: Rule(
        frozenset({Role.SYSTEM_ADMIN}), gettext_lazy("Browsernes rapporter om overtrådt indholdspolitik (CSP)")
    ),
    Action.DECIDE_ROLE_REQUEST: Rule(
        frozenset({Role.CMM_COORDINATOR, Role.DIS_COORDINATOR}),
        gettext_lazy("Godkende eller afvise en rolle, der giver adgang til sager"),
        extra=gettext_lazy("kun for egen myndigheds roller (se nedenfor), aldrig egen eller egen anmodning"),
    ),
    Action.STEP_UP: Rule(frozenset(Role.values), gettext_lazy("Bekræfte sin identitet med en ny kode")),
    Action.API_DOCS: Rule(
        CASEWORK_ROLES | SHARED_WITH_ROLES | frozenset({Role.SYSTEM_ADMIN}), gettext_lazy("API-dokumentationen")
    ),
    Action.VIEW: Rule(CASEWORK_ROLES | SHARED_WITH_ROLES, gettext_lazy("Se sagen"), on_case=True),
    Action.ASSESS: Rule(
        CASEWORK_ROLES,
        gettext_lazy("Registrere vurderingen"),
        states=frozenset({Case.Status.REFERRED}),
        authority="competent",
        on_case=True,
    ),
    Action.GRANT_PERIOD: Rule(
        CASEWORK_ROLES,
        gettext_lazy("Give refleksions-/restitutionsperiode"),
        states=frozenset({Case.Status.IDENTIFIED}),
        authority="competent",
        on_case=True,
    ),
    Action.EXTEND_PERIOD: Rule(
        CASEWORK_ROLES,
        gettext_lazy("Forlænge perioden"),
        states=frozenset({Case.Status.PERIOD}),
        authority="competent",
        on_case=True,
    ),
    Action.RECORD_NOTIFICATION: Rule(
        CASEWORK_ROLES,
        gettext_lazy("Registrere underretning af politi og Udlændingestyrelsen"),
        states=frozenset({Case.Status.CLOSED}),
        authority="competent",
        on_case=True,
        extra=gettext_lazy("efter afgørelsen “ikke offer”"),
    ),
    Action.SHARE: Rule(
        CMM_ROLES,
        gettext_lazy("Dele sagen med en NGO eller IOM efter samtykke"),
        states=OPEN_STATES,
        on_case=True,
    ),
    # In any state: a person may withdraw their consent after the case has closed too, and the organisation's
    # access must end then.
    Action.WITHDRAW_SHARE: Rule(
        CMM_ROLES,
        gettext_lazy("Stoppe en deling, når personen har tilbagekaldt sit samtykke"),
        on_case=True,
    ),
    Action.REQUEST_HANDOVER: Rule(
        CASEWORK_ROLES,
        gettext_lazy("Anmode om overdragelse mellem CMM og Udlændingestyrelsen"),
        states=OPEN_STATES,
        authority="competent",
        on_case=True,
        extra=gettext_lazy("når ingen anden anmodning afventer"),
    ),
    Action.DECIDE_HANDOVER: Rule(
        frozenset({Role.CMM_COORDINATOR}) | DIS_ROLES,
        gettext_lazy("Acceptere eller afvise en overdragelse"),
        states=OPEN_STATES,
        authority="receiving",
        on_case=True,
        extra=gettext_lazy("når en anmodning afventer"),
    ),
    Action.CHANGE_RESIDENCE_STATUS: Rule(
        CASEWORK_ROLES,
        gettext_lazy("Registrere ændret opholdsgrundlag; skifter den kompetente myndighed, anmodes om overdragelse"),
        states=OPEN_STATES,
        authority="competent",
        on_case=True,
        extra=gettext_lazy("når ingen anmodning om overdragelse afventer"),
    ),
    Action.ASSIGN_CONTACT_PERSON: Rule(
        frozenset({Role.CMM_COORDINATOR}),
        gettext_lazy("Tildele eller skifte sagens kontaktperson (CMM, også i Udlændingestyrelsens sager)"),
        states=VICTIM_STATES,
        on_case=True,
    ),
    Action.MOVE_CASES: Rule(
        frozenset({Role.CMM_COORDINATOR}),
        gettext_lazy("Flytte alle en fratrådt kontaktpersons sager til kolleger på én gang"),
    ),
    Action.RECORD_REPRESENTATIVE: Rule(
        CASEWORK_ROLES,
        gettext_lazy("Registrere personlig repræsentant eller forældremyndighedsindehaver for en uledsaget mindreårig"),
        states=OPEN_STATES - {Case.Status.RETURNED},
        on_case=True,
    ),
    Action.RECORD_SUPPORT: Rule(
        CASEWORK_ROLES,
        gettext_lazy("Registrere tilbudt og modtaget støtte"),
        states=SUPPORT_STATES,
        on_case=True,
    ),
    Action.EDIT_ACTION_PLAN: Rule(
        CASEWORK_ROLES,
        gettext_lazy("Udarbejde en ny udgave af handlingsplanen med personen"),
        states=SUPPORT_STATES,
        on_case=True,
    ),
    Action.PRINT_ACTION_PLAN: Rule(
        CASEWORK_ROLES,
        gettext_lazy("Udskrive handlingsplanen som PDF til personen og repræsentanten"),
        on_case=True,
        extra=gettext_lazy("når der er en handlingsplan"),
    ),
    Action.RECORD_DUBLIN: Rule(
        DIS_ROLES,
        gettext_lazy("Registrere, at sagen er en Dublinsag"),
        states=OPEN_STATES - {Case.Status.RETURNED},
        authority="competent",
        on_case=True,
    ),
    Action.OFFER_REPATRIATION: Rule(
        CASEWORK_ROLES,
        gettext_lazy("Tilbyde forberedt hjemrejse"),
        states=SUPPORT_STATES,
        authority="competent",
        on_case=True,
        extra=gettext_lazy("ikke i Dublinsager; kun til udenlandske ofre"),
    ),
    Action.DECIDE_REPATRIATION: Rule(
        CASEWORK_ROLES,
        gettext_lazy("Registrere, at personen tager imod eller afslår forberedt hjemrejse"),
        states=SUPPORT_STATES,
        authority="competent",
        on_case=True,
        extra=gettext_lazy("når et tilbud afventer svar"),
    ),
    Action.RECORD_REINTEGRATION: Rule(
        CASEWORK_ROLES | frozenset({Role.IOM_OFFICER}),
        gettext_lazy("Registrere reintegrationsplan, udrejse og reintegrationsstøtte"),
        states=SUPPORT_STATES | {Case.Status.RETURNED},
        on_case=True,
        extra=gettext_lazy("når personen har taget imod forberedt hjemrejse; IOM kun i sager delt til hjemrejse"),
    ),
    Action.RECORD_RETURN: Rule(
        CASEWORK_ROLES | frozenset({Role.IOM_OFFICER}),
        gettext_lazy("Registrere den faktiske hjemrejse (starter reintegration og opfølgning)"),
        states=SUPPORT_STATES,
        on_case=True,
        extra=gettext_lazy("når personen har taget imod forberedt hjemrejse; IOM kun i sager delt til hjemrejse"),
    ),
    Action.ADD_FOLLOW_UP_REPORT: Rule(
        frozenset({Role.IOM_OFFICER}) | CASEWORK_ROLES,
        gettext_lazy("Skrive en opfølgningsrapport efter hjemrejsen, med bilag"),
        states=frozenset({Case.Status.RETURNED}),
        on_case=True,
        extra=gettext_lazy("IOM kun i sager delt til hjemrejse"),
    ),
    Action.READ_ATTACHMENT: Rule(
        CASEWORK_ROLES | frozenset({Role.IOM_OFFICER}),
        gettext_lazy("Læse opfølgningsrapporterne og hente deres bilag"),
        on_case=True,
        extra=gettext_lazy("IOM kun i sager delt til hjemrejse"),
    ),
    Action.CLOSE_CASE: Rule(
        CASEWORK_ROLES,
        gettext_lazy("Afslutte sagen med afslutningsårsag og dato"),
        states=VICTIM_STATES,
        authority="competent",
        on_case=True,
        extra=gettext_lazy("under reintegration og opfølgning kun med begrundelse"),
    ),
    # Deadline reminders and notices (reminders/).
    Action.NOTIFICATIONS: Rule(
        frozenset(Role.values),
        gettext_lazy("Egne varsler (påmindelser om frister, afgørelser) og valg af e-mail; kun ens egne"),
    ),
    Action.ACKNOWLEDGE_NOTICE: Rule(
        frozenset({Role.POLICE_LIAISON}) | DIS_ROLES,
        gettext_lazy("Kvittere for underretning om afgørelsen “ikke offer”"),
        extra=gettext_lazy("kun varsler til en selv; kvitteringen gælder for ens myndighed"),
    ),
    Action.FAILED_REMINDERS: Rule(
        frozenset({Role.CMM_COORDINATOR}) | DIS_ROLES,
        gettext_lazy("Se påmindelser, der ikke kunne sendes (i sager i egen adgang)"),
    ),
    # Case work only: an organisation's share lasts as long as the person's consent, and its field set serves the
    # share's purpose on the screen; a printed copy of the file would outlive a withdrawn consent and leave the
    # system's control, which the purposes (support, prepared repatriation) do not need.
    Action.PRINT_CASE_SUMMARY: Rule(
        CASEWORK_ROLES,
        gettext_lazy("Udskrive et sagsresumé som PDF (sagens egne sagsbehandlere)"),
        on_case=True,
        extra=gettext_lazy(
            "kun i egne sager: Udlændingestyrelsen, når den er kompetent myndighed; CMM, når CMM er kompetent "
            "myndighed eller har kontaktperson eller team på sagen; ikke under nødadgang"
        ),
    ),
    # Counts only, after disclosure control (reporting.disclosure): the working group, and the coordinators of the
    # two authorities that assess victims and report on them to their ministries. Nobody sees another's reports:
    # disclosure control weighs a report against its requester's own earlier ones only.
    Action.STATISTICS: Rule(
        frozenset({Role.IMG_MEMBER, Role.CMM_COORDINATOR, Role.DIS_COORDINATOR}),
        gettext_lazy("Bestille og hente statistikrapporter (PDF og CSV, kun optællinger uden personer)"),
        extra=gettext_lazy("kun egne rapporter"),
    ),
    Action.JOB_STATUS: Rule(
        frozenset({Role.SYSTEM_ADMIN}),
        gettext_lazy("Se de periodiske jobs status: seneste kørsel, fejl og forsinkelse (ingen sager)"),
    ),
    # CMM receives the hotline calls and the anonymous reports: nobody else reads them before they are a case.
    Action.TRIAGE: Rule(
        CMM_ROLES,
        gettext_lazy(
            "Visitere anonyme indberetninger og hotlineopkald: afslutte med begrundelse, knytte til en sag, "
            "gøre til en henvisning, svare indberetteren"
        ),
        extra=gettext_lazy("knytte kun til sager i egen adgang"),
    ),
    Action.LOG_HOTLINE_CALL: Rule(CMM_ROLES, gettext_lazy("Registrere et opkald til CMM's hotline")),
    # Police operations and outreach (outreach/): records without a person's data, outside the cases.
    Action.NOTIFY_OPERATION: Rule(
        frozenset({Role.POLICE_LIAISON}),
        gettext_lazy("Melde en planlagt politiaktion til CMM og se status på egne meldinger"),
        extra=gettext_lazy("kun egne meldinger, ikke andre kontaktpersoners eller politikredses"),
    ),
    Action.OPERATIONS: Rule(CMM_ROLES, gettext_lazy("Se kommende politiaktioner og deres bemanding")),
    Action.ASSIGN_OPERATION_STAFF: Rule(
        frozenset({Role.CMM_COORDINATOR}), gettext_lazy("Bemande en politiaktion med CMM-medarbejdere")
    ),
    Action.OUTREACH_TALLIES: Rule(
        CMM_ROLES, gettext_lazy("Registrere og se optællinger fra opsøgende arbejde (kun antal, ingen personer)")
    ),
}

# Which cases each role sees: the scope every case action starts from (see visible_cases).
SCOPES = {
    Role.CMM_CONTACT_PERSON: gettext_lazy("Sager, hvor de er kontaktperson, og deres teams sager"),
    Role.CMM_COORDINATOR: gettext_lazy(
        "Alle CMM-sager: CMM er kompetent myndighed, et CMM-team eller en kontaktperson er tilknyttet, eller en "
        "overdragelse til CMM afventer; og ofres sager uden kontaktperson (også Udlændingestyrelsens), så "
        "koordinatoren kan tildele en"
    ),
    Role.DIS_CASEWORKER: gettext_lazy(
        "Sager, hvor Udlændingestyrelsen er kompetent myndighed eller har en overdragelse at tage stilling til"
    ),
    Role.DIS_COORDINATOR: gettext_lazy(
        "Som sagsbehandleren: sager, hvor Udlændingestyrelsen er kompetent myndighed eller har en overdragelse at"
        " tage stilling til"
    ),
    Role.NGO_WORKER: gettext_lazy("Kun sager delt med deres organisation efter samtykke, til samtykket udløber"),
    Role.IOM_OFFICER: gettext_lazy("Kun sager delt med deres organisation efter samtykke, til samtykket udløber"),
    Role.POLICE_LIAISON: gettext_lazy("Ingen sager; kun status på egne henvisninger"),
    Role.REFERRING_AUTHORITY: gettext_lazy("Ingen sager; kun status på egne henvisninger"),
    Role.IMG_MEMBER: gettext_lazy("Ingen sager; kun statistik"),
    Role.DP_AUDITOR: gettext_lazy("Ingen sager; adgangsloggen"),
    Role.SYSTEM_ADMIN: gettext_lazy("Ingen sager; brugeradministration"),
}

# Separation of duties: a role that reads cases (or who searched the access log for a person) is given by
# the administrator and takes effect only when a coordinator of the agency concerned approves it. CMM shares
# with the NGOs and the IOM, so a CMM coordinator approves their roles; the access-log auditor can search the
# log for a person, so a CMM coordinator approves that role too. Nobody approves their own request or a
# request about themselves. The other roles read no case and take effect when the administrator saves.
ROLE_APPROVERS: dict[str, str] = {
    Role.CMM_CONTACT_PERSON: Role.CMM_COORDINATOR,
    Role.CMM_COORDINATOR: Role.CMM_COORDINATOR,
    Role.NGO_WORKER: Role.CMM_COORDINATOR,
    Role.IOM_OFFICER: Role.CMM_COORDINATOR,
    Role.DP_AUDITOR: Role.CMM_COORDINATOR,
    Role.DIS_CASEWORKER: Role.DIS_COORDINATOR,
    Role.DIS_COORDINATOR: Role.DIS_COORDINATOR,
}
# The agency each approving role acts for: its coordinator approves only with that agency.
APPROVER_AGENCY = {Role.CMM_COORDINATOR: Agency.CMM, Role.DIS_COORDINATOR: Agency.DIS}


def role_needs_approval(role: str) -> bool:
    return role in ROLE_APPROVERS


def may_decide_role(user, role: str) -> bool:
    """May this coordinator approve or reject the given role (for someone else, asked by someone else)?"""
    approver = ROLE_APPROVERS.get(role)
    return (
        approver is not None
        and role_may(user, Action.DECIDE_ROLE_REQUEST)
        and user.role == approver
        and user.agency == APPROVER_AGENCY[approver]
    )


@dataclass(frozen=True)
class Route:
    action: str = ""
    public: bool = False  # reachable without logging in (or before the second factor)
    note: str = field(default="", compare=False)
    # Refused with 404, not 403: other roles are not to learn that the page exists (the audit log).
    hidden: bool = False
    # Another action for another HTTP method on the same URL (the API's list answers GET, its create POST).
    methods: tuple[tuple[str, str], ...] = ()

    def action_for(self, method: str) -> str:
        return dict(self.methods).get(method.upper(), self.action)

    # Asks for a fresh second-factor code first (AU-06): an administrator's action on an account, an approval.
    step_up: bool = False


PUBLIC = Route(public=True)

# Every URL name of the system and the action that guards it. Case routes check the case itself too.
ROUTES: dict[str, Route] = {
    "login": PUBLIC,
    "logout": PUBLIC,
    "accounts:verify": PUBLIC,  # the second factor (login required, two-factor not yet)
    "accounts:enrol": PUBLIC,
    "accounts:set_password": PUBLIC,  # the single-use link sent to a new user, or after a reset
    "accounts:step_up": Route(Action.STEP_UP),
    "accounts:user_list": Route(Action.MANAGE_USERS),
    "accounts:user_detail": Route(Action.MANAGE_USERS),
    "accounts:user_create": Route(Action.MANAGE_USERS, step_up=True),
    "accounts:user_role": Route(Action.MANAGE_USERS, step_up=True),
    "accounts:user_deactivate": Route(Action.MANAGE_USERS, step_up=True),
    "accounts:user_password_reset": Route(Action.MANAGE_USERS, step_up=True),
    "accounts:user_otp_reset": Route(Action.MANAGE_USERS, step_up=True),
    "accounts:user_unlock": Route(Action.MANAGE_USERS, step_up=True),
    "accounts:user_logout": Route(Action.MANAGE_USERS, step_up=True),
    "accounts:user_cancel_role_request": Route(Action.MANAGE_USERS, step_up=True),
    "accounts:team_create": Route(Action.MANAGE_USERS, step_up=True),
    "accounts:role_requests": Route(Action.DECIDE_ROLE_REQUEST),
    "accounts:role_request_decide": Route(Action.DECIDE_ROLE_REQUEST, step_up=True),
    "set_language": PUBLIC,
    "csp_reports": Route(Action.SECURITY_REPORTS),
    "csp_report": PUBLIC,  # browsers report CSP violations without a session (audit.views.csp_report)
    "cases:home": Route(Action.HOME),
    "cases:list": Route(Action.LIST_CASES),
    "cases:my_cases": Route(Action.LIST_CASES),
    "cases:referral_create": Route(Action.REGISTER_REFERRAL),
    "cases:own_referrals": Route(Action.OWN_REFERRALS),
    "cases:duplicates": Route(Action.DUPLICATE_QUEUE),
    "cases:detail": Route(Action.VIEW),
    "identification:assess": Route(Action.ASSESS),
    "identification:grant_period": Route(Action.GRANT_PERIOD),
    "identification:extend_period": Route(Action.EXTEND_PERIOD),
    "cases:record_notification": Route(Action.RECORD_NOTIFICATION),
    "grants:share": Route(Action.SHARE),
    "grants:withdraw": Route(Action.WITHDRAW_SHARE),
    "grants:handover_request": Route(Action.REQUEST_HANDOVER),
    "grants:handover_decide": Route(Action.DECIDE_HANDOVER),
    "grants:residence_status": Route(Action.CHANGE_RESIDENCE_STATUS),
    "grants:break_the_glass": Route(Action.BREAK_THE_GLASS),
    "grants:emergency_review": Route(Action.AUDIT_LOG),
    "audit:search": Route(Action.AUDIT_LOG, hidden=True),
    "audit:person_report": Route(Action.AUDIT_LOG, hidden=True),
    "case-list": Route(Action.LIST_CASES, methods=(("POST", Action.REGISTER_REFERRAL),)),
    "case-search": Route(Action.LIST_CASES),
    "case-detail": Route(Action.VIEW),
    "case-events": Route(Action.VIEW),
    "case-assessment": Route(Action.ASSESS),
    "case-period": Route(Action.GRANT_PERIOD),
    "case-period-extensions": Route(Action.EXTEND_PERIOD),
    "case-notification": Route(Action.RECORD_NOTIFICATION),
    "case-residence-status": Route(Action.CHANGE_RESIDENCE_STATUS),
    "case-shares": Route(Action.SHARE),
    "case-share-withdraw": Route(Action.WITHDRAW_SHARE),
    "case-handover": Route(Action.REQUEST_HANDOVER),
    "case-handover-decision": Route(Action.DECIDE_HANDOVER),
    "deadline-list": Route(Action.LIST_CASES),
    "referral-own-list": Route(Action.OWN_REFERRALS),
    "schema": Route(Action.API_DOCS),
    "api-docs": Route(Action.API_DOCS),
    # Support and exit: contact person, minors' representatives, closing (cases.lifecycle_views, lifecycle_api).
    "cases:assign_contact_person": Route(Action.ASSIGN_CONTACT_PERSON),
    "cases:move_cases": Route(Action.MOVE_CASES),
    "cases:record_representative": Route(Action.RECORD_REPRESENTATIVE),
    "cases:close": Route(Action.CLOSE_CASE),
    "case-contact-person": Route(Action.ASSIGN_CONTACT_PERSON),
    "case-representative": Route(Action.RECORD_REPRESENTATIVE),
    "case-close": Route(Action.CLOSE_CASE),
    # Support services and the action plan (issue 8, support/). Reads ask the field set too (404 without it).
    "support:services": Route(Action.VIEW),
    "support:service_record": Route(Action.RECORD_SUPPORT),
    "support:service_update": Route(Action.RECORD_SUPPORT),
    "support:plan_history": Route(Action.VIEW),
    "support:plan_version": Route(Action.VIEW),
    "support:plan_edit": Route(Action.EDIT_ACTION_PLAN),
    "support:plan_pdf": Route(Action.PRINT_ACTION_PLAN),
    "support-service-list": Route(Action.VIEW, methods=(("POST", Action.RECORD_SUPPORT),)),
    "support-service-update": Route(Action.RECORD_SUPPORT),
    "action-plan-version-list": Route(Action.VIEW, methods=(("POST", Action.EDIT_ACTION_PLAN),)),
    # Prepared repatriation (repatriation/urls.py, repatriation/api_urls.py).
    "repatriation:record_dublin": Route(Action.RECORD_DUBLIN),
    "repatriation:offer": Route(Action.OFFER_REPATRIATION),
    "repatriation:decide": Route(Action.DECIDE_REPATRIATION),
    "repatriation:plan": Route(Action.RECORD_REINTEGRATION),
    "repatriation:support": Route(Action.RECORD_REINTEGRATION),
    "repatriation:return": Route(Action.RECORD_RETURN),
    "repatriation:reports": Route(Action.READ_ATTACHMENT),
    "repatriation:report_add": Route(Action.ADD_FOLLOW_UP_REPORT),
    "repatriation:attachment": Route(Action.READ_ATTACHMENT),
    "case-dublin": Route(Action.RECORD_DUBLIN),
    "case-repatriation": Route(Action.VIEW),
    "case-repatriation-offer": Route(Action.OFFER_REPATRIATION),
    "case-repatriation-decision": Route(Action.DECIDE_REPATRIATION),
    "case-repatriation-plan": Route(Action.RECORD_REINTEGRATION),
    "case-repatriation-support": Route(Action.RECORD_REINTEGRATION),
    "case-repatriation-return": Route(Action.RECORD_RETURN),
    "case-follow-up-reports": Route(Action.READ_ATTACHMENT, methods=(("POST", Action.ADD_FOLLOW_UP_REPORT),)),
    # Deadline reminders and notices (reminders/).
    "reminders:list": Route(Action.NOTIFICATIONS),
    "reminders:detail": Route(Action.NOTIFICATIONS),
    "reminders:acknowledge": Route(Action.ACKNOWLEDGE_NOTICE),
    "reminders:preferences": Route(Action.NOTIFICATIONS),
    "reminders:failed": Route(Action.FAILED_REMINDERS),
    "reminders:resend": Route(Action.FAILED_REMINDERS),
    # The case summary PDF (reporting/summary_urls.py).
    "summary:case_pdf": Route(Action.PRINT_CASE_SUMMARY),
    # The working group's statistics (reporting/urls.py); a report is its requester's own (404 for others).
    "reporting:list": Route(Action.STATISTICS),
    "reporting:detail": Route(Action.STATISTICS),
    "reporting:progress": Route(Action.STATISTICS),
    "reporting:pdf": Route(Action.STATISTICS),
    "reporting:csv": Route(Action.STATISTICS),
    # Health for the container and the proxy (ops/views.py): ok or failed per check, nothing else, no session.
    "ops:health_live": PUBLIC,
    "ops:health_ready": PUBLIC,
    "job_status": Route(Action.JOB_STATUS),
    # Anonymous reports (intake/urls.py): the form and the follow-up with a receipt code are public; nothing
    # there names a report but the code, and nothing of the sender's address is kept (intake.ratelimit).
    "intake:report_form": PUBLIC,
    "intake:follow_up": PUBLIC,
    "intake:queue": Route(Action.TRIAGE),
    "intake:report": Route(Action.TRIAGE),
    "intake:referral": Route(Action.TRIAGE),
    "intake:hotline_call": Route(Action.LOG_HOTLINE_CALL),
    # Police operations and outreach tallies (outreach/urls.py).
    "outreach:notice_create": Route(Action.NOTIFY_OPERATION),
    "outreach:own_notices": Route(Action.NOTIFY_OPERATION),
    "outreach:operations": Route(Action.OPERATIONS),
    "outreach:operation_detail": Route(Action.OPERATIONS, methods=(("POST", Action.ASSIGN_OPERATION_STAFF),)),
    "outreach:tallies": Route(Action.OUTREACH_TALLIES),
    "outreach:tally_create": Route(Action.OUTREACH_TALLIES),
}
# URL namespaces whose many URLs share one rule (none: the Django admin is not mounted, see cmm/urls.py).
ROUTE_NAMESPACES: dict[str, Route] = {}


def route_for(view_name: str) -> Route | None:
    """The policy entry for a resolved URL name, or None (then the URL is refused)."""
    if view_name in ROUTES:
        return ROUTES[view_name]
    namespace = view_name.split(":", 1)[0] if ":" in view_name else ""
    return ROUTE_NAMESPACES.get(namespace)


def is_staff_member(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.role)


def role_may(user, action: str) -> bool:
    """May the user's role take this action at all (before looking at any case)?"""
    return is_staff_member(user) and POLICY[action].role_may(user)


def view_permission_id() -> int:
    """The id of cases.view_case, for writing a grant."""
    return Permission.objects.get(codename="view_case", content_type__app_label="cases").pk


# cases.view_case's id, looked up in the statement itself (ids differ between databases, and a test flush
# renumbers them, so it is not cached). Written as SQL: as a queryset the lookup costs about 0.5 ms to build and
# compile in every scoped query, twice on the start page (measured with bench/run.py).
_VIEW_PERMISSION_SQL = (
    "SELECT p.id FROM auth_permission p JOIN django_content_type t ON t.id = p.content_type_id"
    " WHERE p.codename = %s AND t.app_label = %s"
)


def view_permission() -> RawSQL:
    """cases.view_case's id as an uncorrelated subquery: PostgreSQL evaluates it once per statement."""
    return RawSQL(_VIEW_PERMISSION_SQL, ("view_case", "cases"), output_field=IntegerField())  # noqa: S611 - constant


def _unexpired(now) -> Q:
    return Q(expires_at__isnull=True) | Q(expires_at__gt=now)


class _AmongArray(Func):
    """`column = ANY(ARRAY(subquery))`: the subquery read first, once per statement."""

    arg_joiner = " = ANY("
    template = "%(expressions)s)"
    output_field = BooleanField()


def _listed(case_ids: QuerySet) -> _AmongArray:
    """The cases as an array PostgreSQL reads first, once per statement (`id = ANY(ARRAY(SELECT ...))`, an
    InitPlan), after which the whole condition (an OR of indexed columns and this array) can be answered from
    indexes, as a bitmap. A count over the scope needs that: with the EXISTS the planner must test every case
    of the table."""
    return _AmongArray(F("pk"), ArraySubquery(case_ids))


def user_grant(user, now=None, *, listed: bool = False) -> Exists | _AmongArray:
    """A per-user grant (break-the-glass) that has not lapsed, as one EXISTS on the direct-FK table."""
    grants = CaseUserObjectPermission.objects.filter(
        _unexpired(now or timezone.now()), user_id=user.pk, permission_id=view_permission()
    )
    return (
        _listed(grants.values("content_object_id"))
        if listed
        else Exists(grants.filter(content_object_id=OuterRef("pk")))
    )


def team_grant(user, now=None, *, listed: bool = False) -> Exists | _AmongArray | None:
    """A grant to the user's organisation (a consented share) that has not lapsed."""
    if user.team is None or user.team.group_id is None:
        return None
    grants = CaseGroupObjectPermission.objects.filter(
        _unexpired(now or timezone.now()), group_id=user.team.group_id, permission_id=view_permission()
    )
    return (
        _listed(grants.values("content_object_id"))
        if listed
        else Exists(grants.filter(content_object_id=OuterRef("pk")))
    )


def visible_cases(user, *, listed: bool = False, now=None) -> QuerySet[Case]:
    """The cases this user may see: relations as indexed filters, per-object grants as one EXISTS each.

    `listed`: the grants (and pending hand-overs) as arrays of case ids the statement reads first, for a COUNT
    over the whole scope (see _listed); the same cases either way. `now`: the moment grants are valid at
    (the request's, for a query that takes its time as a parameter: cmm.compiled_sql).
    """
    if not role_may(user, Action.VIEW):
        return Case.objects.none()
    now = now or timezone.now()
    if user.role in SHARED_WITH_ROLES:
        shared = team_grant(user, now, listed=listed)
        return Case.objects.filter(shared) if shared is not None else Case.objects.none()
    if user.role == Role.CMM_CONTACT_PERSON:
        scope = Q(contact_person_id=user.pk)
        if user.team_id:
            scope |= Q(team_id=user.team_id)
    elif user.role == Role.CMM_COORDINATOR:
        scope = (
            Q(competent_authority=Agency.CMM)
            | Q(team__isnull=False)
            | Q(contact_person__isnull=False)
            | handover_pending_to(Agency.CMM, listed=listed)
            # A victim's case of DIS's with no CMM contact person yet: the coordinator assigns one (after
            # which contact_person__isnull=False keeps it in scope).
            | Q(status__in=VICTIM_STATES, contact_person__isnull=True)
        )
    elif user.role in DIS_ROLES:
        scope = Q(competent_authority=Agency.DIS) | handover_pending_to(Agency.DIS, listed=listed)
    else:
        return Case.objects.none()
    return Case.objects.filter(scope | user_grant(user, now, listed=listed))


def handover_pending_to(agency: str, *, listed: bool = False) -> Exists | _AmongArray:
    """A hand-over of the case to the agency awaits its decision: the deciders must see the case to decide."""
    from grants.models import Handover  # grants builds on cases; imported late to avoid a cycle

    pending = Handover.objects.filter(status=Handover.Status.PENDING, to_authority=agency)
    if listed:
        return _listed(pending.values("case_id"))
    return Exists(pending.filter(case=OuterRef("pk")))


# What a case number looks like (cases.services.case_number_next): CMM-<year>-<serial>.
CASE_NUMBER_FORM = re.compile(r"CMM-\d{4}-\d{4,6}")


def case_for_view(user, number: str, queryset: QuerySet[Case] | None = None) -> Case:
    """The case with this number if the user may see it; Http404 otherwise, as if it did not exist.

    Every read of one case starts here, so the read-rate limit is checked here (audit.read_rate).
    """
    from audit.read_rate import read_rate_check

    qs = visible_cases(user) if queryset is None else queryset & visible_cases(user)
    try:
        case = qs.get(number=number)
    except Case.DoesNotExist:
        # A look-up outside one's scope is a security event; one for a number that does not exist looks the
        # same, and is logged the same way, so the log is no existence oracle either.
        from audit.models import AuditEvent
        from audit.services import audit_record

        # The number is kept only if it looks like one: a look-up by a name or a document number typed into the
        # address must not become an undeletable row of the log.
        shown = number if CASE_NUMBER_FORM.fullmatch(number) else None
        audit_record(
            actor=user,
            action=AuditEvent.Action.DENIED,
            what="case_lookup",
            detail={"number": shown} if shown else {"malformed": True},
        )
        raise Http404 from None
    # Too many distinct cases read within the hour: ReadLimited (429) instead of the case.
    read_rate_check(user, case)
    return case


def can_register_referral(user) -> bool:
    return role_may(user, Action.REGISTER_REFERRAL)


def pending_handover_to(case: Case) -> str | None:
    """The agency a pending hand-over of the case goes to, if any (annotated by the case page's query)."""
    if hasattr(case, "pending_handover_to"):
        return case.pending_handover_to
    from grants.models import Handover

    return (
        Handover.objects.filter(case=case, status=Handover.Status.PENDING)
        .values_list("to_authority", flat=True)
        .first()
    )


# Why an action that needs no pending hand-over is refused while one is pending (the services refuse alike).
HANDOVER_PENDING = gettext_lazy("Der afventer allerede en anmodning om overdragelse af sagen.")
RESIDENCE_CHANGE_HANDOVER_PENDING = gettext_lazy(
    "Der afventer en anmodning om overdragelse af sagen. Opholdsgrundlaget kan ændres, når den er accepteret "
    "eller afvist."
)


def notification_refusal(case: Case) -> str | None:
    """Why no notification can be recorded: it already is (the same rule as cases.services.notification_record).

    Reads the case's deadlines (prefetched on the case page): the notification deadline closes when it is recorded.
    """
    from cases.deadlines import DeadlineKind
    from cases.models import Deadline

    if getattr(case, "notification_pending", False):
        return None  # a list that loads many cases says so in an annotation instead (cases.worklist)
    deadlines = [d for d in case.deadlines.all() if d.kind == DeadlineKind.NOT_VICTIM_NOTIFICATION]
    pending = (Deadline.Status.OPEN, Deadline.Status.MISSED)
    if any(d.status in pending and d.closed_at is None for d in deadlines):
        return None
    recorded = max((d.closed_at for d in deadlines if d.closed_at is not None), default=None)
    if recorded is None:
        return _("Underretningen er allerede registreret.")
    return _("Underretningen af politi og Udlændingestyrelsen er registreret %(when)s.") % {
        "when": date_format(timezone.localtime(recorded), "DATETIME_FORMAT")
    }


# The actions past identification that an unaccompanied minor's case takes only with a representative recorded:
# the period's grant and the support and exit actions. Not the representative's own recording, the contact
# person or closing the case; and not a period's extension (a period granted to a minor was granted with one,
# and refusing its extension would cut the child's period short) or reading an attachment.
MINOR_GATED = frozenset(
    {
        Action.GRANT_PERIOD,
        Action.RECORD_SUPPORT,
        Action.EDIT_ACTION_PLAN,
        Action.PRINT_ACTION_PLAN,
        Action.RECORD_DUBLIN,
        Action.OFFER_REPATRIATION,
        Action.DECIDE_REPATRIATION,
        Action.RECORD_REINTEGRATION,
        Action.RECORD_RETURN,
        Action.ADD_FOLLOW_UP_REPORT,
    }
)


def minor_representative_refusal(case: Case, action: str | None = None) -> str | None:
    """Why an unaccompanied minor's case cannot go on: no personal representative (or person with parental
    responsibility) recorded. None for an adult, an accompanied minor, or a minor with one.

    Reads the case's person and referral (the case page's query brings both) and its current representative
    (cases.lifecycle.current_representative: annotated on the case page, else one query). The services of the
    gated actions refuse with this same text.
    """
    from cases.lifecycle import current_representative  # the representatives are case data, read there

    if not case.unaccompanied_minor or current_representative(case) is not None:
        return None
    if action is None:
        return _(
            "Personen er uledsaget mindreårig: registrér en personlig repræsentant eller en person med "
            "forældremyndighed, før sagen går videre."
        )
    return _(
        "Personen er uledsaget mindreårig: registrér en personlig repræsentant eller en person med "
        "forældremyndighed, før du kan: %(action)s."
    ) % {"action": str(POLICY[action].description).lower()}


def refusal(user, action: str, case: Case | None = None) -> str | None:
    """Why this user may not take this action (on this case, in its current state); None if they may.

    The one rule for the case page's buttons, the action pages (whose 403 says this reason) and `can`.
    """
    rule = POLICY[action]
    if not role_may(user, action):
        return _("Din rolle giver ikke adgang til denne handling.")
    if not rule.on_case:
        return None
    if case is None:
        return _("Handlingen gælder en bestemt sag.")
    if rule.states is not None and case.status not in rule.states:
        return _("Handlingen er ikke mulig, når sagen har status “%(status)s”.") % {"status": case.get_status_display()}
    if rule.authority == "competent" and user.agency != case.competent_authority:
        return _("%(authority)s er kompetent myndighed i sagen, så kun %(authority)s kan: %(action)s.") % {
            "authority": case.get_competent_authority_display(),
            "action": str(rule.description).lower(),
        }
    if action in (Action.SHARE, Action.WITHDRAW_SHARE) and getattr(case, "emergency_access", False):
        # Break-the-glass is for reading: a case outside one's scope is not one's to share.
        return _("Nødadgang giver kun adgang til at læse sagen, ikke til at dele den.")
    return _case_condition_refusal(user, action, case)


def _case_condition_refusal(user, action: str, case: Case) -> str | None:
    """The further conditions of the actions whose rule names one (Rule.extra), or that the domain sets."""
    if action == Action.RECORD_NOTIFICATION:
        if case.exit_reason != Case.ExitReason.NOT_VICTIM:
            return _("Der er ingen afgørelse om “ikke offer” at underrette om.")
        return notification_refusal(case)
    if action == Action.EXTEND_PERIOD:
        from identification.services import period_extension_refusal  # the service's own rule

        try:
            period = case.period
        except ObjectDoesNotExist:
            return _("Sagen har ingen periode at forlænge.")
        return period_extension_refusal(period)
    if action == Action.REQUEST_HANDOVER and pending_handover_to(case) is not None:
        return str(HANDOVER_PENDING)
    if action == Action.CHANGE_RESIDENCE_STATUS and pending_handover_to(case) is not None:
        return str(RESIDENCE_CHANGE_HANDOVER_PENDING)
    if action in MINOR_GATED:
        refused = minor_representative_refusal(case, action)
        if refused:
            return refused
    if action == Action.RECORD_REPRESENTATIVE:
        from cases.lifecycle import representative_refusal  # the service's own rule

        return representative_refusal(case)
    if action == Action.PRINT_ACTION_PLAN:
        from support.queries import has_action_plan  # support builds on cases; imported late to avoid a cycle

        if not has_action_plan(case):
            return _("Sagen har ingen handlingsplan at udskrive.")
    if action == Action.PRINT_CASE_SUMMARY:
        return summary_refusal(user, case)
    if action == Action.DECIDE_HANDOVER:
        pending = pending_handover_to(case)
        if pending is None:
            return _("Der er ingen anmodning om overdragelse at tage stilling til.")
        if pending != user.agency:
            return _("Kun den myndighed, sagen overdrages til, kan tage stilling til anmodningen.")
    if action in REPATRIATION_ACTIONS:
        from repatriation import rules  # the app's own rule, which its services apply alike

        return rules.condition_refusal(
            action,
            user=user,
            case=case,
            repatriation=rules.repatriation_of(case),
            repatriation_share=getattr(case, "share_scope", None) == "repatriation",
        )
    return None


def summary_refusal(user, case: Case) -> str | None:
    """Why this caseworker may not print the case's summary: it is not their own case.

    A case is DIS's own where DIS is the competent authority, CMM's where CMM is, or where a CMM contact person or
    team works on it. The other cases in a scope are there for a decision (a pending hand-over, a contact person
    to assign), and break-the-glass is for reading: none of them is the user's to take out of the system.
    """
    if getattr(case, "emergency_access", False):
        return _("Nødadgang giver kun adgang til at læse sagen, ikke til at udskrive den.")
    if user.agency in (Agency.CMM, Agency.DIS) and case.competent_authority == user.agency:
        return None
    if user.agency == Agency.CMM and (case.contact_person_id is not None or case.team_id is not None):
        return None
    return _("Sagsresuméet kan kun udskrives af sagens egne sagsbehandlere.")


# The prepared repatriation's actions, whose conditions repatriation.rules states.
REPATRIATION_ACTIONS = frozenset(
    {
        Action.RECORD_DUBLIN,
        Action.OFFER_REPATRIATION,
        Action.DECIDE_REPATRIATION,
        Action.RECORD_REINTEGRATION,
        Action.RECORD_RETURN,
        Action.ADD_FOLLOW_UP_REPORT,
        Action.READ_ATTACHMENT,
    }
)


def can(user, action: str, case: Case | None = None) -> bool:
    """May this user take this action (on this case, which they can see, in its current state)?"""
    return refusal(user, action, case) is None


# The actions a case page offers as buttons (the others are pages of their own).
CASE_PAGE_ACTIONS = (
    Action.ASSESS,
    Action.GRANT_PERIOD,
    Action.EXTEND_PERIOD,
    Action.RECORD_NOTIFICATION,
    Action.SHARE,
    Action.REQUEST_HANDOVER,
    Action.DECIDE_HANDOVER,
    Action.CHANGE_RESIDENCE_STATUS,
    Action.ASSIGN_CONTACT_PERSON,
    Action.RECORD_REPRESENTATIVE,
    Action.CLOSE_CASE,
    Action.RECORD_DUBLIN,
    Action.OFFER_REPATRIATION,
    Action.DECIDE_REPATRIATION,
    Action.RECORD_REINTEGRATION,
    Action.RECORD_RETURN,
    Action.ADD_FOLLOW_UP_REPORT,
)


def allowed_actions(user, case: Case) -> set[str]:
    return {action for action in CASE_PAGE_ACTIONS if can(user, action, case)}


# The actions whose absence the case page explains when the case is at their stage: the hand-over request and
# decision are not among them (the page already says a hand-over is pending, and there is nothing to decide
# otherwise).
EXPLAINED_ACTIONS = (
    Action.ASSESS,
    Action.GRANT_PERIOD,
    Action.EXTEND_PERIOD,
    Action.RECORD_NOTIFICATION,
    Action.SHARE,
    Action.CHANGE_RESIDENCE_STATUS,
    Action.OFFER_REPATRIATION,
)


def unavailable_reasons(user, case: Case) -> list[str]:
    """Why the actions a user would look for at the case's stage are not offered: one sentence each, no repeats.

    An action of another stage (an assessment on a case in its period) is not looked for and not explained; one
    the other authority takes is explained once for all ("Udlændingestyrelsen er kompetent myndighed ...").
    """
    reasons: list[str] = []
    for action in EXPLAINED_ACTIONS:
        rule = POLICY[action]
        if not role_may(user, action) or (rule.states is not None and case.status not in rule.states):
            continue
        if action == Action.RECORD_NOTIFICATION and case.exit_reason != Case.ExitReason.NOT_VICTIM:
            continue
        if rule.authority == "competent" and user.agency != case.competent_authority:
            reason = _("%(authority)s er kompetent myndighed i sagen og tager dens afgørelser.") % {
                "authority": case.get_competent_authority_display()
            }
        else:
            reason = refusal(user, action, case)
        if reason and reason not in reasons:
            reasons.append(reason)
    return reasons


def require(user, action: str) -> None:
    """Raise NotAllowed unless the role may take the action; state rules are the services' to explain."""
    if not role_may(user, action):
        raise NotAllowed(_("Din rolle giver ikke adgang til denne handling."))


def require_referral(user) -> None:
    if not can_register_referral(user):
        raise NotAllowed(_("Din rolle giver ikke adgang til at registrere henvisninger."))
