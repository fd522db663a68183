"""Planned police operations (advance notice to CMM) and outreach tallies: neither holds a person's data.

An operation notice says when, in which police district, at what kind of place, how many people are expected and
which languages are needed; CMM's coordinators assign staff, who are reminded before it (outreach.services). An
outreach tally counts contacts made on a day at a kind of place, for the statistics. No free text: a name, an
address or a plate typed into a note would be person data in a record that is not a case.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import language_choices
from cmm import validators as checks
from cmm.choices import choice_display

LANGUAGES_MAX = 10
# An operation is announced at most a year ahead; a tally is of a day that has been.
OPERATION_YEARS_AHEAD = 1
operation_time = checks.DateRange(checks.EARLIEST_EVENT, years_ahead=OPERATION_YEARS_AHEAD)
tally_date = checks.DateRange(checks.EARLIEST_EVENT, future_message=_("Optællingen kan ikke gælde en dag i fremtiden."))
PEOPLE_MAX = 1000
CONTACTS_MAX = 10000


class PoliceDistrict(models.TextChoices):
    NORDJYLLAND = "nordjylland", _("Nordjyllands Politi")
    OSTJYLLAND = "ostjylland", _("Østjyllands Politi")
    MIDT_VESTJYLLAND = "midt_vestjylland", _("Midt- og Vestjyllands Politi")
    SYDOSTJYLLAND = "sydostjylland", _("Sydøstjyllands Politi")
    SYD_SONDERJYLLAND = "syd_sonderjylland", _("Syd- og Sønderjyllands Politi")
    FYN = "fyn", _("Fyns Politi")
    SYDSJAELLAND = "sydsjaelland", _("Sydsjællands og Lolland-Falsters Politi")
    MIDT_VESTSJAELLAND = "midt_vestsjaelland", _("Midt- og Vestsjællands Politi")
    NORDSJAELLAND = "nordsjaelland", _("Nordsjællands Politi")
    KOBENHAVNS_VESTEGN = "kobenhavns_vestegn", _("Københavns Vestegns Politi")
    KOBENHAVN = "kobenhavn", _("Københavns Politi")
    BORNHOLM = "bornholm", _("Bornholms Politi")
    NEC = "nec", _("Nationalt Efterforskningscenter (NEC)")


class PlaceKind(models.TextChoices):
    BROTHEL = "brothel", _("Bordel eller klinik")
    MASSAGE = "massage", _("Massageklinik")
    STREET = "street", _("Gadeprostitution")
    PRIVATE = "private", _("Privat bolig")
    RESTAURANT = "restaurant", _("Restaurant eller café")
    CONSTRUCTION = "construction", _("Byggeplads")
    AGRICULTURE = "agriculture", _("Landbrug eller gartneri")
    CLEANING = "cleaning", _("Rengøring eller bilvask")
    DROP_IN = "drop_in", _("Værested eller sundhedsklinik")
    ONLINE = "online", _("Online")
    OTHER = "other", _("Andet")


def _languages(verbose_name):
    return ArrayField(
        models.CharField(max_length=100, choices=language_choices),
        verbose_name=verbose_name,
        default=list,
        blank=True,
        size=LANGUAGES_MAX,
        validators=[checks.unique_items],
    )


class Operation(models.Model):
    """A police liaison's notice of a planned operation where victims may be met."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Modtaget af CMM")
        STAFFED = "staffed", _("CMM deltager")

    starts_at = models.DateTimeField(_("tidspunkt"), validators=[operation_time])
    district = models.CharField(_("politikreds"), max_length=24, choices=PoliceDistrict.choices)
    place_kind = models.CharField(_("type sted"), max_length=16, choices=PlaceKind.choices)
    expected_people = models.PositiveIntegerField(
        _("forventet antal personer"), validators=[MinValueValidator(1), MaxValueValidator(PEOPLE_MAX)]
    )
    languages = _languages(_("sprog, der er brug for"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("indsendt af")
    )
    submitted_at = models.DateTimeField(_("indsendt"), default=timezone.now, editable=False)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="operations", verbose_name=_("CMM-medarbejdere")
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.RECEIVED)

    class Meta:
        verbose_name = _("politiaktion")
        verbose_name_plural = _("politiaktioner")
        indexes = [
            models.Index(fields=["starts_at"], name="operation_starts"),
            models.Index(fields=["submitted_by", "-starts_at"], name="operation_submitter"),
        ]

    def __str__(self) -> str:
        return f"{self.get_district_display()}, {self.starts_at:%Y-%m-%d %H:%M}"

    get_district_display = choice_display("district", PoliceDistrict.choices)
    get_place_kind_display = choice_display("place_kind", PlaceKind.choices)
    get_status_display = choice_display("status", Status.choices)

    @property
    def language_names(self) -> list[str]:
        names = dict(language_choices())
        return [names.get(code, code) for code in self.languages]


class OutreachTally(models.Model):
    """Contacts made in outreach on one day at one kind of place: counts only, for the statistics."""

    date = models.DateField(_("dato"), validators=[tally_date])
    district = models.CharField(_("område (politikreds)"), max_length=24, choices=PoliceDistrict.choices)
    place_kind = models.CharField(_("type sted"), max_length=16, choices=PlaceKind.choices)
    contacts = models.PositiveIntegerField(_("antal kontakter"), validators=[MaxValueValidator(CONTACTS_MAX)])
    languages = _languages(_("sprog"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("registreret af")
    )
    created_at = models.DateTimeField(_("registreret"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("opsøgende optælling")
        verbose_name_plural = _("opsøgende optællinger")
        indexes = [models.Index(fields=["-date", "-id"], name="tally_recent")]

    def __str__(self) -> str:
        return f"{self.date}: {self.contacts}"

    get_district_display = choice_display("district", PoliceDistrict.choices)
    get_place_kind_display = choice_display("place_kind", PlaceKind.choices)

    @property
    def language_names(self) -> list[str]:
        names = dict(language_choices())
        return [names.get(code, code) for code in self.languages]
