"""Fictional staff and cases in every stage built so far. Safe to run twice."""

import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import Agency, Role, Team, User
from cases import lifecycle, services
from cases.codes import (
    ExploitationForm,
    Gender,
    MeansOfControl,
    ReferralChannel,
    ReferralSource,
    ResidenceStatus,
)
from cases.models import Case, Representative
from grants import services as grants
from grants.models import Share
from identification import services as identification

DEMO_PASSWORD = "demo-adgang-til-cmm-2026"  # noqa: S105 - fictional demo staff only, printed by the command

DEMO_USERS = [
    ("cmm.kontakt", "Karen", "Kontaktperson", Agency.CMM, Role.CMM_CONTACT_PERSON, "Team Øst"),
    ("cmm.kontakt2", "Jonas", "Kontaktperson", Agency.CMM, Role.CMM_CONTACT_PERSON, "Team Vest"),
    ("cmm.koordinator", "Mette", "Koordinator", Agency.CMM, Role.CMM_COORDINATOR, "Team Øst"),
    ("us.sagsbehandler", "Ali", "Sagsbehandler", Agency.DIS, Role.DIS_CASEWORKER, None),
    ("us.koordinator", "Lene", "Koordinator", Agency.DIS, Role.DIS_COORDINATOR, None),
    ("politi", "Peter", "Politi", Agency.POLICE, Role.POLICE_LIAISON, None),
    ("skat", "Sofie", "Skat", Agency.SKAT, Role.REFERRING_AUTHORITY, None),
    ("ngo", "Nadia", "NGO", Agency.NGO, Role.NGO_WORKER, "Reden International"),
    ("iom", "Ivan", "IOM", Agency.IOM, Role.IOM_OFFICER, "IOM Danmark"),
    ("arbejdsgruppe", "Anne", "Arbejdsgruppe", Agency.IMG, Role.IMG_MEMBER, None),
    ("revisor", "Rasmus", "Revisor", "", Role.DP_AUDITOR, None),
    ("admin", "Ada", "Administrator", "", Role.SYSTEM_ADMIN, None),
]

# Fictional people: (given, family, birth, gender, nationalities, residence, forms, detained hours ago, stage)
DEMO_CASES = [
    (
        "Grace",
        "Okafor",
        "1998-04-12",
        Gender.FEMININE,
        ["NG"],
        ResidenceStatus.NO_LEGAL_RESIDENCE,
        [ExploitationForm.SEXUAL],
        30,
        "referred",
    ),
    (
        "Malee",
        "Srisuk",
        "1990-09-02",
        Gender.FEMININE,
        ["TH"],
        ResidenceStatus.LEGAL_RESIDENCE,
        [ExploitationForm.SEXUAL],
        None,
        "referred",
    ),
    (
        "Andrei",
        "Popescu",
        "1985-01-20",
        Gender.MASCULINE,
        ["RO"],
        ResidenceStatus.LEGAL_RESIDENCE,
        [ExploitationForm.FORCED_LABOUR],
        None,
        "identified",
    ),
    (
        "Joy",
        "Nakato",
        "2009-06-15",
        Gender.FEMININE,
        ["UG"],
        ResidenceStatus.ASYLUM_SEEKER,
        [ExploitationForm.SEXUAL, ExploitationForm.FORCED_CRIMINALITY],
        None,
        "period",
    ),
    (
        "Blessing",
        "Eze",
        "1996-11-30",
        Gender.FEMININE,
        ["NG"],
        ResidenceStatus.NO_LEGAL_RESIDENCE,
        [ExploitationForm.SEXUAL],
        80,
        "extended",
    ),
    (
        "Tomasz",
        "Nowak",
        "1979-03-08",
        Gender.MASCULINE,
        ["PL"],
        ResidenceStatus.LEGAL_RESIDENCE,
        [ExploitationForm.FORCED_LABOUR],
        None,
        "not_victim",
    ),
    (
        "Nguyen",
        "Van An",
        "2001-07-21",
        Gender.MASCULINE,
        ["VN"],
        ResidenceStatus.LEGAL_RESIDENCE_EXPULSION,
        [ExploitationForm.FORCED_CRIMINALITY],
        None,
        "period",
    ),
]


class Command(BaseCommand):
    help = "Create demo staff (one per role) and fictional cases in every stage."

    def handle(self, *args, **options):
        if not settings.DEMO_DATA_ALLOWED:
            # Fictional staff with a printed password would be real logins on a production system.
            raise CommandError(
                "demo_data refuses to run under production settings: it creates staff with a known password."
            )
        with transaction.atomic():
            users = self.create_users()
            if not Case.objects.exists():
                self.create_cases(users)
        self.stdout.write(f"Demo users (password for all: {DEMO_PASSWORD}):")
        for username, _first, _last, _agency, role, _team in DEMO_USERS:
            self.stdout.write(f"  {username:18} {Role(role).label}")
        self.stdout.write(
            "Two-factor authentication: at each user's first login a QR code is shown; scan it with an "
            "authenticator app (FreeOTP, Google or Microsoft Authenticator), type the code, and keep the "
            "recovery codes shown once. The administrator (admin) manages users under Brugere; a role that reads "
            "cases takes effect when a coordinator (cmm.koordinator, us.koordinator) approves it."
        )

    def create_users(self) -> dict[str, User]:
        users = {}
        for username, first, last, agency, role, team_name in DEMO_USERS:
            team = Team.objects.get_or_create(agency=agency, name=team_name)[0] if team_name else None
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "agency": agency,
                    "role": role,
                    "team": team,
                },
            )
            if created:
                # Demo staff are fixtures: written directly, with a known password. Real users are created
                # by the administrator (accounts.services.user_create) and choose their own password.
                user.set_password(DEMO_PASSWORD)
                user.save()
            users[username] = user
        return users

    def create_cases(self, users: dict[str, User]) -> None:
        created = self.create_stage_cases(users)
        self.create_cooperation(users, created)
        self.create_support_and_exit_cases(users)
        create_support(users, created["Joy"])

    def create_support_and_exit_cases(self, users: dict[str, User]) -> None:
        """A DIS victim without a contact person; two unaccompanied minors, one with a representative and one
        without; two closed cases (a disappearance, a Dublin transfer)."""
        now, today = timezone.now(), timezone.localdate()
        dis = users["us.sagsbehandler"]

        def victim(given, family, *, person=None, **referral):
            case = services.referral_register(
                actor=users["politi"],
                person={"given_name": given, "family_name": family, "gender": Gender.FEMININE, **(person or {})},
                referral={
                    "received_at": now - dt.timedelta(days=12),
                    "source": ReferralSource.POLICE,
                    "channel": ReferralChannel.POLICE_OPERATION,
                    "residence_status": ResidenceStatus.NO_LEGAL_RESIDENCE,
                    "exploitation_forms": [ExploitationForm.SEXUAL],
                    **referral,
                },
            )
            return identification.assessment_record(
                case=case,
                actor=dis,
                expected_version=case.version,
                decision="victim",
                decided_on=today - dt.timedelta(days=8),
                reasons="Fiktiv demosag: vurderet på baggrund af samtale og indikatorer.",
            )

        victim("Faith", "Adeyemi", person={"nationalities": ["NG"]})  # no contact person: the coordinator's task
        victim("Esther", "Achieng", person={"nationalities": ["KE"]}, unaccompanied=True, age_estimate=15)
        minor = victim(
            "Mary",
            "Owusu",
            person={"nationalities": ["GH"], "date_of_birth": today.replace(year=today.year - 16)},
            unaccompanied=True,
        )
        lifecycle.representative_record(
            case=minor,
            actor=dis,
            expected_version=minor.version,
            kind=Representative.Kind.PERSONAL_REPRESENTATIVE,
            name="Fiktiv Repræsentant",
            organisation="Røde Kors",
            appointed_on=today - dt.timedelta(days=5),
        )
        for given, family, reason in (
            ("Hope", "Mensah", Case.ExitReason.DISAPPEARED),
            ("Anna", "Kowalska", Case.ExitReason.DUBLIN_TRANSFER),
        ):
            case = victim(given, family)
            lifecycle.case_close(
                case=case,
                actor=dis,
                expected_version=case.version,
                exit_reason=reason,
                exit_on=today - dt.timedelta(days=2),
            )

    def create_cooperation(self, users: dict[str, User], created: dict[str, Case]) -> None:
        """A police referral, a case shared with an NGO on consent, and a pending hand-over to DIS."""
        today = timezone.localdate()
        services.referral_register(
            actor=users["politi"],
            person={"given_name": "Rosa", "family_name": "Mendes", "gender": Gender.FEMININE, "nationalities": ["BR"]},
            referral={
                "source": ReferralSource.POLICE,
                "channel": ReferralChannel.POLICE_OPERATION,
                "referring_organisation": "Københavns Politi",
                "residence_status": ResidenceStatus.NO_LEGAL_RESIDENCE,
                "exploitation_forms": [ExploitationForm.SEXUAL],
                "detained": True,
                "detained_at": timezone.now() - dt.timedelta(hours=6),
            },
        )
        shared = Case.objects.get(pk=created["Joy"].pk)
        grants.share_create(
            case=shared,
            actor=users["cmm.kontakt"],
            expected_version=shared.version,
            team=users["ngo"].team,
            scope=Share.Scope.SUPPORT,
            consent_given_on=today,
            expires_on=today + dt.timedelta(days=180),
        )
        moving = Case.objects.get(pk=created["Malee"].pk)
        grants.handover_request(
            case=moving,
            actor=users["cmm.kontakt"],
            expected_version=moving.version,
            reason="Fiktiv demosag: personen har fået afslag på opholdstilladelse.",
        )

    def create_stage_cases(self, users: dict[str, User]) -> dict[str, Case]:
        """One case per stage; returned by the person's given name."""
        now = timezone.now()
        today = timezone.localdate()
        created = {}
        for given, family, born, gender, nationalities, residence, forms, detained_hours, stage in DEMO_CASES:
            dis = residence != ResidenceStatus.LEGAL_RESIDENCE
            registrar = users["cmm.kontakt"]
            decider = users["us.sagsbehandler"] if dis else users["cmm.kontakt"]
            case = services.referral_register(
                actor=registrar,
                person={
                    "given_name": given,
                    "family_name": family,
                    "date_of_birth": dt.date.fromisoformat(born),
                    "gender": gender,
                    "nationalities": nationalities,
                },
                referral={
                    "received_at": now - dt.timedelta(days=20),
                    "source": ReferralSource.POLICE if detained_hours else ReferralSource.NGO,
                    "channel": ReferralChannel.POLICE_OPERATION if detained_hours else ReferralChannel.OUTREACH,
                    "residence_status": residence,
                    "exploitation_forms": forms,
                    "means_of_control": [MeansOfControl.DEBT_BONDAGE, MeansOfControl.WITHHOLDS_DOCUMENTS],
                    "detained": bool(detained_hours),
                    "detained_at": now - dt.timedelta(hours=detained_hours) if detained_hours else None,
                },
            )
            created[given] = case
            if stage == "referred":
                continue
            decided_on = today - dt.timedelta(days=10)
            identification.assessment_record(
                case=case,
                actor=decider,
                expected_version=case.version,
                decision="not_victim" if stage == "not_victim" else "victim",
                decided_on=decided_on,
                interview_on=decided_on,
                interpreter_language="engelsk",
                reasons="Fiktiv demosag: vurderet på baggrund af samtale og indikatorer.",
            )
            if stage in ("identified", "not_victim"):
                continue
            identification.period_grant(case=case, actor=decider, expected_version=case.version, starts_on=decided_on)
            if stage == "extended":
                identification.period_extend(
                    case=case,
                    actor=decider,
                    expected_version=case.version,
                    days=60,
                    exceptional_circumstances="Fiktiv demosag: behandling på hospital.",
                    cooperates_on_repatriation=True,
                )
        return created


def create_support(users: dict[str, User], case: Case) -> None:
    """Joy Nakato's case in support: a service in every status, and an action plan in two versions with a
    review to come."""
    from support import services as support
    from support.models import SupportService

    actor = users["cmm.kontakt"]
    today = timezone.localdate()
    start = today - dt.timedelta(days=9)
    Status = SupportService.Status
    rows = [
        (SupportService.Type.SHELTER, "Fiktivt krisecenter", Status.ACCEPTED, today + dt.timedelta(days=10), None),
        (SupportService.Type.PSYCHOLOGICAL, "Fiktiv psykologpraksis", Status.OFFERED, None, None),
        (SupportService.Type.LEGAL, "Fiktivt advokatkontor", Status.OFFERED, None, Status.DECLINED),
        (SupportService.Type.INTERPRETER, "Fiktivt tolkebureau", Status.ACCEPTED, None, Status.ENDED),
    ]
    for kind, provider, status, ends_on, then in rows:
        case.refresh_from_db()
        service = support.support_service_record(
            case=case,
            actor=actor,
            expected_version=case.version,
            type=kind,
            provider=provider,
            starts_on=start,
            status=status,
            ends_on=ends_on,
        )
        if then:
            support.support_service_update(service=service, actor=actor, expected_version=1, status=then)
    for number, goals in enumerate((["Finde en sikker bolig"], ["Finde en sikker bolig", "Begynde på dansk"]), 1):
        case.refresh_from_db()
        support.action_plan_version_save(
            case=case,
            actor=actor,
            expected_version=case.version,
            made_on=start + dt.timedelta(days=number),
            made_with_person=True,
            made_with_representative=False,
            goals=goals,
            activities=[{"text": "Samtale med psykolog", "responsible": "Kontaktpersonen", "due_on": None}],
            review_dates=[today + dt.timedelta(days=7 * number), today + dt.timedelta(days=60)],
        )
