"""Fictional staff and cases in every stage built so far. Safe to run twice."""

import datetime as dt
from decimal import Decimal

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
        create_repatriation_stages(users)

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


# Prepared repatriation, one DIS case per stage: (given, family, gender, nationality, stage, days since the return).
REPATRIATION_CASES = [
    ("Faith", "Adebayo", Gender.FEMININE, "NG", "offered", None),
    ("Ama", "Mensah", Gender.FEMININE, "GH", "declined", None),
    ("Somchai", "Boonmee", Gender.MASCULINE, "TH", "accepted", None),
    ("Esther", "Nambi", Gender.FEMININE, "UG", "reintegration", 61),
    ("Precious", "Obi", Gender.FEMININE, "NG", "follow_up", 243),
    ("Dritan", "Hoxha", Gender.MASCULINE, "AL", "dublin", None),
]


def _demo_png() -> bytes:
    """A small generated picture, as a follow-up report's attachment."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 200), (236, 240, 244))
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 120, 300, 180), fill=(0, 91, 140))
    draw.text((24, 24), "Fiktivt bilag: ny bolig", fill=(20, 20, 20))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def create_repatriation_stages(users: dict[str, User]) -> None:
    """DIS cases offered, declined, accepted with a plan, returned (reintegration, follow-up) and a Dublin case.

    The returned cases are shared with the IOM for prepared repatriation on the person's consent.
    """
    from repatriation import services as repatriation

    registrar, dis, iom = users["cmm.kontakt"], users["us.sagsbehandler"], users["iom"]
    now, today = timezone.now(), timezone.localdate()

    def fresh(case):
        return Case.objects.get(pk=case.pk)

    for given, family, gender, nationality, stage, returned_days in REPATRIATION_CASES:
        start = (returned_days or 0) + 40
        case = services.referral_register(
            actor=registrar,
            person={"given_name": given, "family_name": family, "gender": gender, "nationalities": [nationality]},
            referral={
                "received_at": now - dt.timedelta(days=start + 5),
                "source": ReferralSource.NGO,
                "channel": ReferralChannel.OUTREACH,
                "residence_status": ResidenceStatus.NO_LEGAL_RESIDENCE
                if stage != "dublin"
                else ResidenceStatus.ASYLUM_SEEKER,
                "exploitation_forms": [
                    ExploitationForm.SEXUAL if gender == Gender.FEMININE else ExploitationForm.FORCED_LABOUR
                ],
            },
        )
        decided_on = today - dt.timedelta(days=start)
        identification.assessment_record(
            case=case,
            actor=dis,
            expected_version=case.version,
            decision="victim",
            decided_on=decided_on,
            reasons="Fiktiv demosag: vurderet på baggrund af samtale og indikatorer.",
        )
        identification.period_grant(case=case, actor=dis, expected_version=case.version, starts_on=decided_on)
        if stage == "dublin":
            repatriation.dublin_record(case=case, actor=dis, expected_version=case.version)
            continue
        offered_on = decided_on + dt.timedelta(days=10)
        repatriation.repatriation_offer(case=case, actor=dis, expected_version=case.version, offered_on=offered_on)
        if stage == "offered":
            continue
        answered_on = offered_on + dt.timedelta(days=5)
        repatriation.repatriation_decide(
            case=case,
            actor=dis,
            expected_version=case.version,
            answer="declined" if stage == "declined" else "accepted",
            answered_on=answered_on,
            reasons="Fiktiv demosag: personen vil blive i Danmark."
            if stage == "declined"
            else "Fiktiv demosag: personen vil hjem til sin familie.",
        )
        if stage == "declined":
            continue
        if stage != "accepted":
            share = fresh(case)
            grants.share_create(
                case=share,
                actor=registrar,
                expected_version=share.version,
                team=iom.team,
                scope=Share.Scope.REPATRIATION,
                consent_given_on=answered_on,
                expires_on=min(answered_on + dt.timedelta(days=700), today + dt.timedelta(days=400)),
            )
        writer = dis if stage == "accepted" else iom
        planned = today + dt.timedelta(days=21) if stage == "accepted" else answered_on + dt.timedelta(days=10)
        case = fresh(case)
        repatriation.reintegration_plan_save(
            case=case,
            actor=writer,
            expected_version=case.version,
            reintegration_plan="Fiktiv demosag: bolig de første måneder, kursus i syning, hjælp til at starte en lille "
            "forretning og skolepenge til datteren.",
            destination=nationality,
            planned_departure_on=planned,
        )
        for kind, amount, currency, family_reason in (
            ("housing", "1200.00", "EUR", ""),
            ("business", "800.00", "EUR", ""),
            ("school_fees", "150000.00", "NGN" if nationality == "NG" else "EUR", "Datteren bor hos mormoren."),
        ):
            case = fresh(case)
            repatriation.reintegration_support_add(
                case=case,
                actor=writer,
                expected_version=case.version,
                kind=kind,
                amount=Decimal(amount),
                currency=currency,
                paid_to_family_member=bool(family_reason),
                family_member_reason=family_reason,
            )
        if stage == "accepted":
            continue
        case = fresh(case)
        returned_on = today - dt.timedelta(days=returned_days)
        repatriation.return_record(case=case, actor=iom, expected_version=case.version, returned_on=returned_on)
        if stage == "follow_up":
            case = fresh(case)
            repatriation.follow_up_report_add(
                case=case,
                actor=iom,
                expected_version=case.version,
                written_on=returned_on + dt.timedelta(days=170),
                text="Fiktiv demosag: personen bor i egen bolig, syr tøj til salg, og datteren går i skole.",
                attachments=[("bolig.png", _demo_png())],
            )
