import datetime as dt
import functools

from babel import Locale
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from accounts.models import COMPETENT_AUTHORITIES
from cmm import validators as checks
from cmm.choices import choice_display
from privacy.fields import EncryptedCharField, EncryptedDateField, EncryptedTextField

from .codes import (
    AgeBand,
    ExploitationForm,
    Gender,
    MeansOfControl,
    RecruiterRelation,
    ReferralChannel,
    ReferralSource,
    ResidenceStatus,
)
from .deadlines import DAY_DEADLINES, LEGAL_SOURCES, DeadlineKind, LegalSource
from .validators import cpr_number_clean, document_number_clean


@functools.cache
def _country_choices(language: str) -> tuple[tuple[str, str], ...]:
    return tuple((country.code, country.name) for country in countries)


def country_choices() -> tuple[tuple[str, str], ...]:
    """ISO 3166 countries named and sorted in the active language (built once per language)."""
    return _country_choices(translation.get_language() or settings.LANGUAGE_CODE)


@functools.cache
def _country_names(language: str) -> dict[str, str]:
    return dict(_country_choices(language))


def country_name(code: str) -> str:
    """A country's name in the active language; the code itself if it names none.

    From a dict built once per language: django-countries' `name()` translates on every call (20 µs), which a
    list page pays per row.
    """
    name = _country_names(translation.get_language() or settings.LANGUAGE_CODE).get(code)
    return name or countries.name(code) or code


# ISO 639-3 languages without a two-letter code that people referred in Denmark speak (Nigeria, the Philippines,
# Kurdistan); the rest of the list is ISO 639-1.
_MORE_LANGUAGES = ("bin", "pcm", "efi", "ibb", "fil", "ckb")


@functools.cache
def _language_choices(language: str) -> tuple[tuple[str, str], ...]:
    danish, names = Locale("da").languages, Locale.parse(language).languages
    codes = [code for code in danish if len(code) == 2 or code in _MORE_LANGUAGES]
    # Stored by its Danish name, as the field held free text before (and the API still takes it).
    choices = {danish[code]: (names.get(code) or danish[code]) for code in codes if code in danish}
    return tuple(
        sorted(
            ((value, label[:1].upper() + label[1:]) for value, label in choices.items()),
            key=lambda choice: choice[1].casefold(),
        )
    )


def language_choices() -> tuple[tuple[str, str], ...]:
    """Languages (ISO 639, as Babel names them) for the primary-language field, named in the active language."""
    return _language_choices(translation.to_locale(translation.get_language() or settings.LANGUAGE_CODE))


# What a referral records about the person and the referral: the form and the API take exactly these.
PERSON_FIELDS = [
    "given_name",
    "family_name",
    "aliases",
    "date_of_birth",
    "date_of_birth_estimated",
    "gender",
    "nationalities",
    "primary_language",
    "cpr_number",
    "document_number",
    "phone",
    "address",
    "notes",
]
REFERRAL_FIELDS = [
    "received_at",
    "source",
    "channel",
    "referring_organisation",
    "referrer_reference",
    "residence_status",
    "exploitation_forms",
    "means_of_control",
    "recruiter_relation",
    "detained",
    "detained_at",
    "circumstances",
    "unaccompanied",
    "age_estimate",
]
# A person under this age on the day of the referral is a minor (by the date of birth, else the estimate).
ADULT_AGE = 18
AGE_ESTIMATE_MAX = 120


class Person(models.Model):
    """The potential victim. Identifying data lives here, encrypted (privacy.fields), and nowhere else.

    `search_keys` holds the blind indexes of names and identity numbers (cases.services.person_search_keys)
    for an exact-match search; the retention job clears the identifying fields and sets `anonymised_at`.
    """

    given_name = EncryptedCharField(_("fornavn(e)"), max_length=200, validators=[checks.one_line_text])
    family_name = EncryptedCharField(_("efternavn"), max_length=200, blank=True, validators=[checks.one_line_text])
    aliases = EncryptedCharField(_("andre navne"), max_length=500, blank=True, validators=[checks.one_line_text])
    # Encrypted, so no check constraint can see it: its range is the validator's alone.
    date_of_birth = EncryptedDateField(_("fødselsdato"), null=True, blank=True, validators=[checks.birth_date])
    date_of_birth_estimated = models.BooleanField(_("fødselsdato er anslået"), default=False)
    gender = models.CharField(_("køn"), max_length=32, choices=Gender.choices, default=Gender.UNKNOWN)
    nationalities = ArrayField(
        models.CharField(max_length=2, choices=country_choices),
        verbose_name=_("statsborgerskab"),
        default=list,
        blank=True,
        size=checks.NATIONALITIES_MAX,
        validators=[checks.unique_items],
    )
    primary_language = models.CharField(_("sprog"), max_length=100, blank=True, validators=[checks.one_line_text])
    cpr_number = EncryptedCharField(_("CPR-nummer"), max_length=11, blank=True, validators=[cpr_number_clean])
    document_number = EncryptedCharField(
        _("pas- eller ID-nummer"), max_length=50, blank=True, validators=[document_number_clean]
    )
    phone = EncryptedCharField(_("telefon"), max_length=40, blank=True, validators=[checks.one_line_text])
    address = EncryptedTextField(_("adresse"), blank=True, validators=[checks.free_text, checks.address_length])
    notes = EncryptedTextField(_("noter om personen"), blank=True, validators=checks.FREE_TEXT)
    search_keys = ArrayField(models.CharField(max_length=64), default=list, blank=True, editable=False)
    anonymised_at = models.DateTimeField(_("anonymiseret"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("personer")
        indexes = [
            GinIndex(fields=["nationalities"], name="person_nationalities_gin"),
            GinIndex(fields=["search_keys"], name="person_search_keys_gin"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    get_gender_display = choice_display("gender", Gender.choices)

    def age_on(self, day: dt.date) -> int | None:
        if self.date_of_birth is None:
            return None
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    @property
    def nationality_names(self) -> list[str]:
        return [country_name(code) for code in self.nationalities]

    @property
    def is_minor(self) -> bool:
        age = self.age_on(timezone.localdate())
        return age is not None and age < 18


class Case(models.Model):
    class Status(models.TextChoices):
        REFERRED = "referred", _("Henvist, afventer identifikation")
        IDENTIFIED = "identified", _("Vurderet som offer")
        PERIOD = "period", _("I refleksions-/restitutionsperiode")
        # Returned home on a prepared repatriation: reintegration support, then follow-up, until closed.
        RETURNED = "returned", _("Hjemrejst: reintegration og opfølgning")
        CLOSED = "closed", _("Afsluttet")

    class ExitReason(models.TextChoices):
        NOT_VICTIM = "not_victim", _("Ikke vurderet som offer")
        PREPARED_REPATRIATION = "prepared_repatriation", _("Forberedt hjemrejse")
        SIMPLE_RETURN = "simple_return", _("Hjemrejse med betalt flybillet")
        DUBLIN_TRANSFER = "dublin_transfer", _("Overført efter Dublinforordningen")
        RESIDENCE_DENMARK = "residence_denmark", _("Ophold i Danmark")
        DISAPPEARED = "disappeared", _("Forsvundet")
        OTHER = "other", _("Andet")

    number = models.CharField(_("sagsnummer"), max_length=20, unique=True, editable=False)
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="cases")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.REFERRED)
    competent_authority = models.CharField(
        _("kompetent myndighed"),
        max_length=8,
        choices=COMPETENT_AUTHORITIES,
    )
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    contact_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("kontaktperson"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contact_cases",
    )
    exit_reason = models.CharField(_("afslutningsårsag"), max_length=32, choices=ExitReason.choices, blank=True)
    # The day the person left the system's care (a departure, a disappearance), which may precede the closing.
    exit_on = models.DateField(_("afslutningsdato"), null=True, blank=True)
    # The exit in words: required for "other", and for closing before a follow-up has ended.
    exit_note = EncryptedTextField(_("afslutning, bemærkning"), blank=True, validators=checks.FREE_TEXT)
    # A Dublin Regulation case exits by transfer to the responsible Member State, not by prepared repatriation.
    dublin_regulation = models.BooleanField(_("Dublinsag"), default=False)
    closed_at = models.DateTimeField(_("afsluttet"), null=True, blank=True)
    # Optimistic locking: every write bumps it; a writer holding an older version is refused.
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("oprettet"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("ændret"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("sag")
        verbose_name_plural = _("sager")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["team", "-id"], name="case_team_recent"),
            models.Index(fields=["contact_person", "-id"], name="case_contact_recent"),
            models.Index(fields=["competent_authority", "-id"], name="case_authority_recent"),
            models.Index(fields=["status"], name="case_status"),
        ]

    def __str__(self) -> str:
        return self.number

    get_status_display = choice_display("status", Status.choices)
    get_competent_authority_display = choice_display("competent_authority", COMPETENT_AUTHORITIES)

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED

    @property
    def age_at_referral(self) -> int | None:
        """The age in whole years on the referral's received day: by the date of birth, else the estimate."""
        referral = self.referral
        age = self.person.age_on(timezone.localdate(referral.received_at))
        return referral.age_estimate if age is None else age

    @property
    def minor_at_referral(self) -> bool:
        age = self.age_at_referral
        return age is not None and age < ADULT_AGE

    @property
    def unaccompanied_minor(self) -> bool:
        """Under 18 at referral and unaccompanied: needs a personal representative before support begins."""
        return self.referral.unaccompanied and self.minor_at_referral

    @property
    def exit_prepared(self) -> bool:
        """The person has accepted a prepared repatriation and not yet returned (repatriation.models.Repatriation).

        The case page selects the repatriation with the case; elsewhere this reads it.
        """
        try:
            repatriation = self.repatriation
        except models.ObjectDoesNotExist:
            return False
        return repatriation.answer == "accepted" and repatriation.returned_on is None


class CaseNumberCounter(models.Model):
    """The last case number issued in a year; locked row by row so numbers never repeat or skip."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Referral(models.Model):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="referral", primary_key=True)
    received_at = models.DateTimeField(_("modtaget"), validators=[checks.received])
    source = models.CharField(_("henvist af"), max_length=16, choices=ReferralSource.choices)
    channel = models.CharField(_("kanal"), max_length=20, choices=ReferralChannel.choices)
    referring_organisation = models.CharField(
        _("henvisende myndighed/organisation"), max_length=200, blank=True, validators=[checks.one_line_text]
    )
    # The referrer's own reference (a police journal number, say), so they can tell their referrals apart.
    referrer_reference = models.CharField(
        _("henviserens reference"), max_length=100, blank=True, validators=[checks.one_line_text]
    )
    residence_status = models.CharField(_("opholdsgrundlag"), max_length=32, choices=ResidenceStatus.choices)
    # The status the case was referred with, which the statistics count; `residence_status` follows later
    # changes (grants.services.residence_status_change), each one a timeline event holding the old and new status.
    residence_status_at_referral = models.CharField(
        _("opholdsgrundlag ved henvisning"), max_length=32, choices=ResidenceStatus.choices, editable=False
    )
    exploitation_forms = ArrayField(
        models.CharField(max_length=32, choices=ExploitationForm.choices),
        verbose_name=_("formodede udnyttelsesformer"),
        default=list,
        size=len(ExploitationForm.choices),
        validators=[checks.unique_items],
    )
    means_of_control = ArrayField(
        models.CharField(max_length=32, choices=MeansOfControl.choices),
        verbose_name=_("kontrolmidler"),
        default=list,
        blank=True,
        size=len(MeansOfControl.choices),
        validators=[checks.unique_items],
    )
    recruiter_relation = models.CharField(
        _("relation til rekrutteringsperson"),
        max_length=20,
        choices=RecruiterRelation.choices,
        default=RecruiterRelation.UNKNOWN,
    )
    detained = models.BooleanField(_("frihedsberøvet"), default=False)
    detained_at = models.DateTimeField(_("frihedsberøvet siden"), null=True, blank=True, validators=[checks.detained])
    circumstances = EncryptedTextField(_("omstændigheder"), blank=True, validators=checks.FREE_TEXT)
    # Whether the person came without a parent or other adult responsible for them (a minor's representative).
    unaccompanied = models.BooleanField(_("uledsaget"), default=False)
    # Where the date of birth is unknown: the age the person was judged to be when referred, in whole years. On
    # the referral, not the person: an estimate is an age on a day, and the referral's day is the one it is for.
    age_estimate = models.PositiveSmallIntegerField(
        _("anslået alder ved henvisning"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(AGE_ESTIMATE_MAX)],
    )
    # Derived from the date of birth (or the estimate) when the referral is registered; survives anonymisation for
    # the statistics.
    age_band = models.CharField(_("alder ved henvisning"), max_length=8, choices=AgeBand.choices, blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("henvisning")
        verbose_name_plural = _("henvisninger")
        indexes = [GinIndex(fields=["exploitation_forms"], name="referral_forms_gin")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(detained=False, detained_at__isnull=True)
                | models.Q(detained=True, detained_at__isnull=False),
                name="referral_detention_time_iff_detained",
            ),
            models.CheckConstraint(condition=~models.Q(exploitation_forms=[]), name="referral_has_exploitation_form"),
            models.CheckConstraint(condition=checks.time_in_range("received_at"), name="referral_received_in_range"),
            models.CheckConstraint(
                condition=models.Q(detained_at__isnull=True) | checks.time_in_range("detained_at"),
                name="referral_detained_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(age_estimate__isnull=True) | models.Q(age_estimate__lte=AGE_ESTIMATE_MAX),
                name="referral_age_estimate_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.number}: {self.get_channel_display()}"

    # The case page shows all four.
    get_source_display = choice_display("source", ReferralSource.choices)
    get_channel_display = choice_display("channel", ReferralChannel.choices)
    get_residence_status_display = choice_display("residence_status", ResidenceStatus.choices)
    get_recruiter_relation_display = choice_display("recruiter_relation", RecruiterRelation.choices)


class Deadline(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Åben")
        MET = "met", _("Overholdt")
        MISSED = "missed", _("Overskredet")
        CANCELLED = "cancelled", _("Annulleret")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deadlines")
    kind = models.CharField(_("frist"), max_length=32, choices=DeadlineKind.choices)
    due_at = models.DateTimeField(_("senest"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    legal_source = models.CharField(_("hjemmel"), max_length=32, choices=LegalSource.choices)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("frist")
        verbose_name_plural = _("frister")
        ordering = ["due_at"]
        indexes = [
            models.Index(fields=["due_at"], name="deadline_open_due", condition=models.Q(status="open")),
            # The reminder scan asks per kind for the open deadlines due within a lead time: a range of this
            # index, however many deadlines of other kinds are open.
            models.Index(fields=["kind", "due_at"], name="deadline_open_kind_due", condition=models.Q(status="open")),
            # Deadlines still to act on, soonest first (the start page and the deadline API walk it in order).
            models.Index(
                fields=["due_at"],
                name="deadline_pending_due",
                condition=models.Q(closed_at__isnull=True, status__in=["open", "missed"]),
            ),
            models.Index(fields=["case", "status"], name="deadline_case_status"),
            # The start page's tasks: the pending deadlines of the user's own cases, found case by case.
            models.Index(
                fields=["case", "due_at"],
                name="deadline_pending_case",
                condition=models.Q(closed_at__isnull=True, status__in=["open", "missed"]),
            ),
        ]
        constraints = [
            # An action plan's review dates are deadlines of one kind, several open at once (deadlines.MANY_OPEN).
            models.UniqueConstraint(
                fields=["case", "kind"],
                condition=models.Q(status="open") & ~models.Q(kind="action_plan_review"),
                name="deadline_one_open_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.number}: {self.get_kind_display()}"

    get_kind_display = choice_display("kind", DeadlineKind.choices)
    get_status_display = choice_display("status", Status.choices)
    get_legal_source_display = choice_display("legal_source", LegalSource.choices)

    def save(self, *args, **kwargs):
        if not self.legal_source:
            self.legal_source = LEGAL_SOURCES[DeadlineKind(self.kind)]
        super().save(*args, **kwargs)

    @property
    def is_overdue(self) -> bool:
        """Still to act on and past due: a deadline met late is closed, not overdue."""
        if self.closed_at is not None:
            return False
        return self.status == self.Status.MISSED or (self.status == self.Status.OPEN and self.due_at < timezone.now())

    @property
    def last_day(self):
        """For a deadline of days (a period's end, due at midnight after it): the last day, as people count it.

        None for a deadline of hours, which is read by its time.
        """
        if self.kind not in DAY_DEADLINES:
            return None
        return timezone.localtime(self.due_at - dt.timedelta(microseconds=1)).date()

    @property
    def met_late(self) -> bool:
        return self.status == self.Status.MISSED and self.closed_at is not None


class Representative(models.Model):
    """A minor's personal representative or person with parental responsibility. A new one ends the one before."""

    class Kind(models.TextChoices):
        PERSONAL_REPRESENTATIVE = "personal_representative", _("Personlig repræsentant")
        PARENTAL_RESPONSIBILITY = "parental_responsibility", _("Forældremyndighedsindehaver")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="representatives")
    kind = models.CharField(_("type"), max_length=32, choices=Kind.choices)
    name = EncryptedCharField(_("navn"), max_length=200, validators=[checks.one_line_text])
    phone = EncryptedCharField(_("telefon"), max_length=40, blank=True, validators=[checks.one_line_text])
    organisation = models.CharField(_("organisation"), max_length=200, blank=True, validators=[checks.one_line_text])
    appointed_on = models.DateField(_("beskikket"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("registreret"), default=timezone.now, editable=False)
    ended_at = models.DateTimeField(_("ophørt"), null=True, blank=True)

    class Meta:
        verbose_name = _("repræsentant")
        verbose_name_plural = _("repræsentanter")
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["case", "-recorded_at"], name="representative_case_recent")]
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(ended_at__isnull=True), name="representative_one_current"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.number}: {self.get_kind_display()}"

    get_kind_display = choice_display("kind", Kind.choices)


class CaseEvent(models.Model):
    """The case timeline: who did what, when and why. Written by the service in the same transaction."""

    class Type(models.TextChoices):
        REFERRAL_REGISTERED = "referral_registered", _("Henvisning registreret")
        ASSESSMENT_RECORDED = "assessment_recorded", _("Vurdering registreret")
        PERIOD_GRANTED = "period_granted", _("Periode givet")
        PERIOD_EXTENDED = "period_extended", _("Periode forlænget")
        NOTIFICATION_RECORDED = "notification_recorded", _("Politi og Udlændingestyrelsen underrettet")
        DEADLINE_MISSED = "deadline_missed", _("Frist overskredet")
        SHARED = "shared", _("Delt med organisation")
        SHARE_WITHDRAWN = "share_withdrawn", _("Deling tilbagekaldt")
        HANDOVER_REQUESTED = "handover_requested", _("Overdragelse anmodet")
        HANDOVER_ACCEPTED = "handover_accepted", _("Overdragelse accepteret")
        HANDOVER_REJECTED = "handover_rejected", _("Overdragelse afvist")
        RESIDENCE_STATUS_CHANGED = "residence_status_changed", _("Opholdsgrundlag ændret")
        CONTACT_PERSON_ASSIGNED = "contact_person_assigned", _("Kontaktperson tildelt")
        REPRESENTATIVE_RECORDED = "representative_recorded", _("Personlig repræsentant registreret")
        SUPPORT_SERVICE_RECORDED = "support_service_recorded", _("Støtte registreret")
        SUPPORT_SERVICE_CHANGED = "support_service_changed", _("Støtte ændret")
        ACTION_PLAN_SAVED = "action_plan_saved", _("Handlingsplan gemt")
        DUBLIN_RECORDED = "dublin_recorded", _("Dublinsag registreret")
        REPATRIATION_OFFERED = "repatriation_offered", _("Forberedt hjemrejse tilbudt")
        REPATRIATION_ACCEPTED = "repatriation_accepted", _("Forberedt hjemrejse accepteret")
        REPATRIATION_DECLINED = "repatriation_declined", _("Forberedt hjemrejse afslået")
        REINTEGRATION_PLAN_SAVED = "reintegration_plan_saved", _("Reintegrationsplan gemt")
        REINTEGRATION_SUPPORT_ADDED = "reintegration_support_added", _("Reintegrationsstøtte registreret")
        RETURN_RECORDED = "return_recorded", _("Hjemrejse registreret")
        FOLLOW_UP_REPORT_ADDED = "follow_up_report_added", _("Opfølgningsrapport tilføjet")
        CASE_CLOSED = "case_closed", _("Sag afsluttet")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    event_type = models.CharField(max_length=32, choices=Type.choices)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    reason = EncryptedTextField(blank=True)  # copies the free text of the decision it records
    data = models.JSONField(default=dict, encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = _("hændelse")
        verbose_name_plural = _("hændelser")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["case", "-created_at"], name="event_case_recent")]

    def __str__(self) -> str:
        return f"{self.get_event_type_display()} ({self.created_at:%Y-%m-%d %H:%M})"

    get_event_type_display = choice_display("event_type", Type.choices)


class CaseUserObjectPermission(UserObjectPermissionBase):
    """A grant to one user (break-the-glass), with a real foreign key so lookups use the index.

    Grants may lapse: `expires_at` is checked in the same EXISTS that finds the grant.
    """

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)
    expires_at = models.DateTimeField(null=True, blank=True)


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    """A grant to an organisation's group (a consented share with an NGO or the IOM)."""

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)
    expires_at = models.DateTimeField(null=True, blank=True)


class Submission(models.Model):
    """A referral registered once per key: the referral form's one-time token or the API's Idempotency-Key.

    The same form posted twice, or a request retried with its key, gets the first case back instead of a
    second one (cases.submissions). The key is claimed before the case is written, in the same transaction,
    so a repeat sent at the same moment waits for the first and then finds it.
    """

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=120)  # "form:" or "api:" and the token or key
    # A keyed hash of the API request: a key sent again with other input is refused, not answered wrongly.
    fingerprint = models.CharField(max_length=64, blank=True)
    case = models.ForeignKey(Case, null=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["actor", "key"], name="submission_one_per_key")]

    def __str__(self) -> str:
        return self.key


class DuplicateMatch(models.Model):
    """A possible match between a newly referred person and a case the registrant may not see (cases.duplicates).

    The registrant is told nothing (their response is the same as for a new person); the coordinators of the
    matching case's competent authority decide whether it is the same person.
    """

    class Reason(models.TextChoices):
        IDENTIFIER = "identifier", _("Samme CPR- eller pas-/ID-nummer")
        NAME_BIRTH_DATE = "name_birth_date", _("Lignende navn og samme fødselsdato")

    class Status(models.TextChoices):
        OPEN = "open", _("Afventer")
        SAME_PERSON = "same_person", _("Samme person")
        DIFFERENT_PEOPLE = "different_people", _("Ikke samme person")

    new_case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+", verbose_name=_("ny sag"))
    existing_case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="+", verbose_name=_("eksisterende sag")
    )
    reasons = ArrayField(models.CharField(max_length=20, choices=Reason.choices), verbose_name=_("grunde"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(_("fundet"), default=timezone.now, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("afgjort"), null=True, blank=True)

    class Meta:
        verbose_name = _("mulig dublet")
        verbose_name_plural = _("mulige dubletter")
        constraints = [
            models.UniqueConstraint(fields=["new_case", "existing_case"], name="duplicate_match_once_per_pair"),
        ]
        indexes = [models.Index(fields=["status", "-id"], name="duplicate_match_status")]

    def __str__(self) -> str:
        return f"{self.new_case_id}~{self.existing_case_id}: {self.status}"

    get_status_display = choice_display("status", Status.choices)

    @property
    def reason_labels(self) -> list[str]:
        labels = dict(self.Reason.choices)
        return [labels.get(reason, reason) for reason in self.reasons]
