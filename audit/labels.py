"""The access log in words: every code a row keeps (what, detail keys, field names, values), as the auditor reads it.

A row keeps codes ("case_lookup", {"team": 3}, "person.cpr_number"): they do not change with the wording or
the language. The auditor's pages show them through this module, in the active language. Field names come
from the models' own verbose names, choices from the models' choices; the rest is named here. A code with no
label still shows, as it stands (tests/audit/test_labels.py checks that every code the system writes has one).
"""

import datetime as dt

from django.apps import apps
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Agency

# What a row was about.
WHAT_LABELS = {
    "home": gettext_lazy("Forsiden (egne sager og frister)"),
    "case_list": gettext_lazy("Sagslisten"),
    "my_cases": gettext_lazy("Mine sager"),
    "case_page": gettext_lazy("Sagen"),
    "case_lookup": gettext_lazy("Opslag af en sag, der ikke findes eller ikke er synlig"),
    "route": gettext_lazy("Side, rollen ikke har adgang til"),
    "own_referrals": gettext_lazy("Egne henvisninger"),
    "assess_form": gettext_lazy("Formular: vurdering"),
    "grant_period_form": gettext_lazy("Formular: periode"),
    "extend_period_form": gettext_lazy("Formular: forlængelse"),
    "record_notification_form": gettext_lazy("Formular: underretning"),
    "share_form": gettext_lazy("Formular: deling"),
    "request_handover_form": gettext_lazy("Formular: anmodning om overdragelse"),
    "decide_handover_form": gettext_lazy("Formular: afgørelse om overdragelse"),
    "change_residence_status_form": gettext_lazy("Formular: ændret opholdsgrundlag"),
    "assess_confirm": gettext_lazy("Bekræftelse: vurdering"),
    "withdraw_share_confirm": gettext_lazy("Bekræftelse: stop deling"),
    "api_case_list": gettext_lazy("API: sagsliste"),
    "api_case_search": gettext_lazy("API: søgning"),
    "api_case_detail": gettext_lazy("API: sagen"),
    "api_case_events": gettext_lazy("API: sagens hændelser"),
    "api_deadlines": gettext_lazy("API: frister"),
    "api_own_referrals": gettext_lazy("API: egne henvisninger"),
    "referral_register": gettext_lazy("Henvisning registreret"),
    "assessment_record": gettext_lazy("Vurdering registreret"),
    "period_grant": gettext_lazy("Periode givet"),
    "period_extend": gettext_lazy("Periode forlænget"),
    "notification_record": gettext_lazy("Underretning registreret"),
    "deadlines_mark_missed": gettext_lazy("Frister markeret som overskredet"),
    "share_create": gettext_lazy("Sagen delt"),
    "share_withdraw": gettext_lazy("Deling tilbagekaldt"),
    "break_the_glass": gettext_lazy("Nødadgang"),
    "break_the_glass_review": gettext_lazy("Nødadgang gennemgået"),
    "handover_request": gettext_lazy("Overdragelse anmodet"),
    "handover_decide": gettext_lazy("Overdragelse afgjort"),
    "residence_status_change": gettext_lazy("Opholdsgrundlag ændret"),
    "audit_log_search": gettext_lazy("Søgning i adgangsloggen"),
    "access_report": gettext_lazy("Indsigtsrapport (art. 15)"),
    "audit_head_export": gettext_lazy("Kædehoved eksporteret"),
    "csrf_failed": gettext_lazy("Formular afvist af CSRF-tjekket"),
    "stale_write": gettext_lazy("Skrivning afvist: sagen var ændret"),
    "session_replayed": gettext_lazy("Afsluttet session genbrugt"),
    "sessions_ended": gettext_lazy("Sessioner afsluttet"),
    "login_failed": gettext_lazy("Mislykket log ind"),
    "login_locked_out": gettext_lazy("Log ind sat på pause efter for mange forsøg"),
    "login_unlocked": gettext_lazy("Pause i log ind ophævet"),
    "otp_failed": gettext_lazy("Forkert kode til to-faktor-godkendelse"),
    "otp_enrolled": gettext_lazy("Godkendelsesapp sat op"),
    "otp_recovery_code_used": gettext_lazy("Gendannelseskode brugt"),
    "otp_reset": gettext_lazy("To-faktor-godkendelse nulstillet"),
    "user_created": gettext_lazy("Bruger oprettet"),
    "role_changed": gettext_lazy("Rolle ændret"),
    "role_change_requested": gettext_lazy("Rolle anmodet (afventer godkendelse)"),
    "role_change_approved": gettext_lazy("Rolle godkendt"),
    "role_change_rejected": gettext_lazy("Rolle afvist"),
    "role_change_cancelled": gettext_lazy("Rolleanmodning annulleret"),
    "set_password_link_sent": gettext_lazy("Link til adgangskode sendt"),
    "password_reset": gettext_lazy("Adgangskode nulstillet"),
    "password_set": gettext_lazy("Adgangskode valgt"),
    "user_deactivated": gettext_lazy("Bruger deaktiveret"),
    "team_created": gettext_lazy("Team oprettet"),
    "step_up": gettext_lazy("Identitet bekræftet med ny kode"),
    "emergency_review": gettext_lazy("Alarmer til gennemgang"),
    "read_alert_raised": gettext_lazy("Alarm: usædvanligt mange sager læst"),
    "read_alert_review": gettext_lazy("Alarm om mange sager gennemgået"),
    "read_limit_reached": gettext_lazy("Spærret: for mange sager læst"),
    "read_limited": gettext_lazy("Afvist under spærring for mange sager læst"),
    "retention_dry_run": gettext_lazy("Sletning efter opbevaringsperioden: prøvekørsel"),
    "retention_anonymised": gettext_lazy("Personer anonymiseret efter opbevaringsperioden"),
    # Support and exit: contact person, minors' representatives, closing.
    "assign_contact_person_form": gettext_lazy("Formular: kontaktperson"),
    "record_representative_form": gettext_lazy("Formular: repræsentant"),
    "close_case_form": gettext_lazy("Formular: afslutning af sag"),
    "close_case_confirm": gettext_lazy("Bekræftelse: afslutning af sag"),
    "contact_person_assign": gettext_lazy("Kontaktperson tildelt"),
    "cases_move": gettext_lazy("Sager flyttet fra en fratrådt kontaktperson"),
    "representative_record": gettext_lazy("Repræsentant registreret"),
    "case_close": gettext_lazy("Sag afsluttet"),
    # Support services and the action plan (support/).
    "support_service_record": gettext_lazy("Støtte registreret"),
    "support_service_update": gettext_lazy("Støtte ændret"),
    "support_services": gettext_lazy("Sagens støtte"),
    "record_support_form": gettext_lazy("Formular: støtte"),
    "action_plan_version_save": gettext_lazy("Ny udgave af handlingsplan gemt"),
    "edit_action_plan_form": gettext_lazy("Formular: handlingsplan"),
    "action_plan_history": gettext_lazy("Handlingsplanens udgaver"),
    "action_plan_version": gettext_lazy("En udgave af handlingsplanen"),
    "action_plan_pdf": gettext_lazy("Handlingsplan udskrevet som PDF"),
    "api_support_services": gettext_lazy("API: sagens støtte"),
    "api_action_plan_versions": gettext_lazy("API: handlingsplanens udgaver"),
    # Prepared repatriation (repatriation/).
    "dublin_record": gettext_lazy("Dublinsag registreret"),
    "repatriation_offer": gettext_lazy("Forberedt hjemrejse tilbudt"),
    "repatriation_decide": gettext_lazy("Svar på forberedt hjemrejse registreret"),
    "reintegration_plan_save": gettext_lazy("Reintegrationsplan gemt"),
    "reintegration_support_add": gettext_lazy("Reintegrationsstøtte registreret"),
    "return_record": gettext_lazy("Hjemrejse registreret"),
    "follow_up_report_add": gettext_lazy("Opfølgningsrapport tilføjet"),
    "follow_up_reports": gettext_lazy("Opfølgningsrapporterne"),
    "follow_up_attachment": gettext_lazy("Bilag til opfølgningsrapport hentet"),
    "api_repatriation": gettext_lazy("API: forberedt hjemrejse"),
    "api_follow_up_reports": gettext_lazy("API: opfølgningsrapporter"),
    "record_dublin_form": gettext_lazy("Formular: Dublinsag"),
    "record_dublin_confirm": gettext_lazy("Bekræftelse: Dublinsag"),
    "offer_repatriation_form": gettext_lazy("Formular: tilbud om forberedt hjemrejse"),
    "decide_repatriation_form": gettext_lazy("Formular: svar på forberedt hjemrejse"),
    "record_reintegration_form": gettext_lazy("Formular: reintegrationsplan eller -støtte"),
    "record_return_form": gettext_lazy("Formular: hjemrejse"),
    "record_return_confirm": gettext_lazy("Bekræftelse: hjemrejse"),
    "add_follow_up_report_form": gettext_lazy("Formular: opfølgningsrapport"),
    "read_attachment_form": gettext_lazy("Opfølgningsrapporterne"),
    # Deadline reminders and notices (reminders/).
    "notification_list": gettext_lazy("Varsler"),
    "notification": gettext_lazy("Et varsel"),
    "notice_acknowledge": gettext_lazy("Underretning om “ikke offer” kvitteret"),
    "failed_reminders": gettext_lazy("Påmindelser, der ikke kunne sendes"),
    "reminder_resend": gettext_lazy("Påmindelse sendt igen"),
    "case_summary_pdf": gettext_lazy("Sagsresumé (PDF)"),
    # The working group's statistics (reporting/): ordered (create) or downloaded (export).
    "statistics_report": gettext_lazy("Statistikrapport"),
    # Anonymous reports and hotline calls (intake/).
    "intake_report_received": gettext_lazy("Anonym indberetning modtaget"),
    "intake_information_added": gettext_lazy("Indberetteren tilføjede information"),
    "intake_hotline_call_logged": gettext_lazy("Hotlineopkald registreret"),
    "intake_queue": gettext_lazy("Visitationen"),
    "intake_report": gettext_lazy("Indberetning eller hotlineopkald"),
    "intake_reply_written": gettext_lazy("Svar til indberetteren"),
    "intake_report_dismissed": gettext_lazy("Indberetning afsluttet uden sag"),
    "intake_report_linked": gettext_lazy("Indberetning knyttet til en sag"),
    "intake_report_referred": gettext_lazy("Indberetning gjort til en henvisning"),
    "intake_reports_expired": gettext_lazy("Indberetninger slettet efter opbevaringsperioden"),
    # Possible duplicates at a referral (cases.duplicates).
    "duplicate_warning": gettext_lazy("Mulig dublet vist ved henvisning"),
    "duplicate_match_queue": gettext_lazy("Mulig dublet sendt til koordinatorerne"),
    "duplicate_match_decide": gettext_lazy("Mulig dublet afgjort"),
    "duplicate_queue": gettext_lazy("Mulige dubletter"),
    # Police operations and outreach (outreach/): no person data.
    "operation_notice": gettext_lazy("Politiaktion meldt"),
    "operation_staff": gettext_lazy("Politiaktion bemandet"),
    "outreach_tally": gettext_lazy("Optælling fra opsøgende arbejde"),
}

# The keys of a row's detail.
DETAIL_LABELS = {
    "fields": gettext_lazy("felter"),
    "reminder": gettext_lazy("påmindelse"),
    "channel": gettext_lazy("kanal"),
    "lead": gettext_lazy("tidspunkt"),
    "filters": gettext_lazy("filtre"),
    "page": gettext_lazy("side"),
    "status": gettext_lazy("svar"),
    "staff_names": gettext_lazy("medarbejdernes navne vist"),
    "deadlines": gettext_lazy("frister"),
    "distinct": gettext_lazy("forskellige sager"),
    "limit": gettext_lazy("grænse"),
    "limited": gettext_lazy("spærret"),
    "read_alert": gettext_lazy("alarm nr."),
    "read_alerts": gettext_lazy("alarmer nr."),
    "team": gettext_lazy("team"),
    "scope": gettext_lazy("formål"),
    "emergency_access": gettext_lazy("nødadgang nr."),
    "handover_to": gettext_lazy("overdrages til"),
    "accepted": gettext_lazy("accepteret"),
    "reason": gettext_lazy("årsag"),
    "session": gettext_lazy("session"),
    "seq": gettext_lazy("løbenummer"),
    "hash": gettext_lazy("hash"),
    "action": gettext_lazy("handling"),
    "version_sent": gettext_lazy("version i formularen"),
    "version": gettext_lazy("sagens version"),
    "route": gettext_lazy("side"),
    "number": gettext_lazy("sagsnummer"),
    "malformed": gettext_lazy("ikke et sagsnummer"),
    "retention_run": gettext_lazy("kørsel nr."),
    "people": gettext_lazy("personer"),
    "closed_before": gettext_lazy("sager afsluttet før"),
    "user": gettext_lazy("bruger"),
    "agency": gettext_lazy("myndighed"),
    "method": gettext_lazy("metode"),
    "throttled": gettext_lazy("bremset"),
    "failures": gettext_lazy("fejlede forsøg"),
    "device": gettext_lazy("app sat op"),
    "remaining": gettext_lazy("gendannelseskoder tilbage"),
    "recovery_codes": gettext_lazy("gendannelseskoder"),
    "username_hash": gettext_lazy("brugernavn (som nøglet hash)"),
    "previous_user": gettext_lazy("tidligere bruger"),
    "plan_version": gettext_lazy("handlingsplanens udgave"),
    "language": gettext_lazy("sprog"),
    "attachment": gettext_lazy("bilag nr."),
    "attachments": gettext_lazy("bilag"),
    "reports": gettext_lazy("rapporter"),
    "start": gettext_lazy("fra og med"),
    "end": gettext_lazy("til og med"),
    "format": gettext_lazy("filtype"),
    "intake_report": gettext_lazy("indberetning nr."),
    "intake_reports": gettext_lazy("indberetninger nr."),
    "received_before": gettext_lazy("modtaget før"),
    "reasons": gettext_lazy("grunde"),
    "matches": gettext_lazy("mulige dubletter"),
    "decision": gettext_lazy("afgørelse"),
    "operation": gettext_lazy("politiaktion nr."),
}

# The filters a search used: the same words as the filters' own labels (cases.filters, audit.forms).
FILTER_LABELS = {
    "q": gettext_lazy("Søg"),
    "status": gettext_lazy("Status"),
    "competent_authority": gettext_lazy("Kompetent myndighed"),
    "exploitation_form": gettext_lazy("Udnyttelsesform"),
    "nationality": gettext_lazy("Statsborgerskab"),
    "deadline": gettext_lazy("Frist"),
    "user": gettext_lazy("Medarbejder"),
    "case_number": gettext_lazy("Sag"),
    "person": gettext_lazy("Person"),
    "date_from": gettext_lazy("Fra og med"),
    "date_to": gettext_lazy("Til og med"),
}

# The pages and actions of the access policy (access.policy.Action): a refused page, a refused write.
ACTION_LABELS = {
    "home": gettext_lazy("Forsiden"),
    "list_cases": gettext_lazy("Sagslisten"),
    "register_referral": gettext_lazy("Registrér henvisning"),
    "own_referrals": gettext_lazy("Egne henvisninger"),
    "break_the_glass": gettext_lazy("Nødadgang"),
    "audit_log": gettext_lazy("Adgangsloggen"),
    "manage_users": gettext_lazy("Brugeradministration"),
    "security_reports": gettext_lazy("CSP-rapporter"),
    "decide_role_request": gettext_lazy("Rolleanmodninger"),
    "step_up": gettext_lazy("Bekræft identitet"),
    "api_docs": gettext_lazy("API-dokumentation"),
    "view": gettext_lazy("Sagen"),
    "assess": gettext_lazy("Vurdering"),
    "grant_period": gettext_lazy("Periode"),
    "extend_period": gettext_lazy("Forlængelse"),
    "record_notification": gettext_lazy("Underretning"),
    "share": gettext_lazy("Deling"),
    "withdraw_share": gettext_lazy("Tilbagekald deling"),
    "request_handover": gettext_lazy("Anmodning om overdragelse"),
    "decide_handover": gettext_lazy("Afgørelse om overdragelse"),
    "change_residence_status": gettext_lazy("Ændret opholdsgrundlag"),
    "assign_contact_person": gettext_lazy("Kontaktperson"),
    "move_cases": gettext_lazy("Flyt sager fra en fratrådt medarbejder"),
    "record_representative": gettext_lazy("Repræsentant"),
    "close_case": gettext_lazy("Afslutning af sag"),
    "record_support": gettext_lazy("Støtte"),
    "edit_action_plan": gettext_lazy("Handlingsplan"),
    "print_action_plan": gettext_lazy("Udskriv handlingsplan"),
    "print_case_summary": gettext_lazy("Udskriv sagsresumé"),
    "record_dublin": gettext_lazy("Dublinsag"),
    "offer_repatriation": gettext_lazy("Tilbud om forberedt hjemrejse"),
    "decide_repatriation": gettext_lazy("Svar på forberedt hjemrejse"),
    "record_reintegration": gettext_lazy("Reintegrationsplan og -støtte"),
    "record_return": gettext_lazy("Hjemrejse"),
    "add_follow_up_report": gettext_lazy("Opfølgningsrapport"),
    "read_attachment": gettext_lazy("Opfølgningsrapporter og bilag"),
    "notifications": gettext_lazy("Varsler"),
    "acknowledge_notice": gettext_lazy("Kvittering for underretning"),
    "failed_reminders": gettext_lazy("Påmindelser, der ikke kunne sendes"),
    "statistics": gettext_lazy("Statistik"),
    "job_status": gettext_lazy("Periodiske job"),
    "triage": gettext_lazy("Visitation"),
    "log_hotline_call": gettext_lazy("Hotlineopkald"),
    "duplicate_queue": gettext_lazy("Mulige dubletter"),
    "notify_operation": gettext_lazy("Meld politiaktion"),
    "operations": gettext_lazy("Politiaktioner"),
    "assign_operation_staff": gettext_lazy("Bemanding af politiaktion"),
    "outreach_tallies": gettext_lazy("Opsøgende arbejde"),
}

# Values that are codes of their own (the key they belong to, then the code).
VALUE_LABELS = {
    "status": {
        400: gettext_lazy("formularen havde fejl"),
        403: gettext_lazy("ingen adgang"),
        404: gettext_lazy("ikke fundet"),
        409: gettext_lazy("sagen var ændret"),
    },
    "reason": {
        "no_cookie": gettext_lazy("ingen CSRF-cookie"),
        "cookie_malformed": gettext_lazy("ugyldig CSRF-cookie"),
        "token_missing": gettext_lazy("token mangler"),
        "token_malformed": gettext_lazy("ugyldigt token"),
        "token_incorrect": gettext_lazy("forkert token"),
        "bad_origin": gettext_lazy("forkert oprindelse (Origin)"),
        "no_referer": gettext_lazy("ingen Referer"),
        "malformed_referer": gettext_lazy("ugyldig Referer"),
        "insecure_referer": gettext_lazy("usikker Referer"),
        "bad_referer": gettext_lazy("forkert Referer"),
        "other": gettext_lazy("anden årsag"),
    },
    "session": {"expired": gettext_lazy("udløbet"), "unknown": gettext_lazy("ukendt")},
    "method": {
        "totp": gettext_lazy("kode fra app"),
        "recovery": gettext_lazy("gendannelseskode"),
        "enrolment": gettext_lazy("opsætning af app"),
    },
}

# The models a field name ("person.cpr_number") starts with.
FIELD_MODELS = {
    "person": "cases.Person",
    "case": "cases.Case",
    "referral": "cases.Referral",
    "deadline": "cases.Deadline",
    "assessment": "identification.Assessment",
    "period": "identification.Period",
    "period_extension": "identification.PeriodExtension",
    "representative": "cases.Representative",
    "support_service": "support.SupportService",
    "action_plan_version": "support.ActionPlanVersion",
    "repatriation": "repatriation.Repatriation",
    "reintegration_support": "repatriation.ReintegrationSupport",
    "follow_up_report": "repatriation.FollowUpReport",
    "notification": "reminders.Notification",
    "duplicate_match": "cases.DuplicateMatch",
    "operation": "outreach.Operation",
    "outreach_tally": "outreach.OutreachTally",
}


def what_label(code: str) -> str:
    return str(WHAT_LABELS.get(code, code))


def field_label(name: str) -> str:
    """A field name as the log keeps it ("person.cpr_number") in words: "CPR-nummer (person)"."""
    prefix, _dot, field_name = name.partition(".")
    label = FIELD_MODELS.get(prefix)
    if label is None or not field_name:
        return name
    model = apps.get_model(label)
    try:
        field = model._meta.get_field(field_name)
    except LookupError:
        return name
    verbose = getattr(field, "verbose_name", field_name)
    return f"{verbose} ({model._meta.verbose_name})"


def _route_label(view_name: str) -> str:
    from access.policy import route_for  # the policy sits above the log; only this label asks it

    route = route_for(view_name)
    label = ACTION_LABELS.get(route.action) if route else None
    if label is None:
        return view_name
    return str(label) if ":" in view_name else _("API: %(page)s") % {"page": label}


def _value_text(key: str, value, teams: dict[int, str]) -> str:
    if isinstance(value, bool):
        return _("ja") if value else _("nej")
    if key == "fields":
        return ", ".join(field_label(name) for name in value) or "–"
    if key == "filters":
        return ", ".join(str(FILTER_LABELS.get(name, name)) for name in value) or _("ingen")
    if key == "deadlines":
        return str(len(value))
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "–"
    if key == "team":
        return teams.get(value, str(value))
    if key == "scope":
        return str(dict(apps.get_model("grants.Share")._meta.get_field("scope").choices).get(value, value))
    if key in {"handover_to", "agency"}:
        return str(dict(Agency.choices).get(value, value))
    if key == "action":
        return str(ACTION_LABELS.get(value, value))
    if key == "route":
        return _route_label(value)
    if key == "closed_before":
        try:
            return date_format(dt.date.fromisoformat(value), "DATE_FORMAT")
        except (TypeError, ValueError):
            return str(value)
    if key == "username_hash":
        return f"{str(value)[:12]}…"
    return str(VALUE_LABELS.get(key, {}).get(value, value))


def detail_parts(detail: dict, teams: dict[int, str] | None = None) -> list[tuple[str, str]]:
    """A row's detail as (label, value) pairs in words, in the active language."""
    return [
        (str(DETAIL_LABELS.get(key, key)).capitalize(), _value_text(key, value, teams or {}))
        for key, value in detail.items()
    ]


def team_ids(details) -> set[int]:
    """The teams the rows name by id: their names come in one query (accounts.Team)."""
    return {detail["team"] for detail in details if isinstance(detail.get("team"), int)}
