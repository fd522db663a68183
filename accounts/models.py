from django.contrib.auth.models import AbstractUser, Group
from django.db import models
from django.utils.translation import gettext_lazy as _

from cmm.choices import choice_display

# The second factors' models live in their own module; importing them here registers them with the app.
from .devices import AuthenticatorDevice, RecoveryCode, RecoveryCodeDevice  # noqa: F401


class Agency(models.TextChoices):
    CMM = "CMM", _("Center mod Menneskehandel")
    DIS = "DIS", _("Udlændingestyrelsen")
    POLICE = "POLICE", _("Politiet")
    SKAT = "SKAT", _("Skattestyrelsen")
    WEA = "WEA", _("Arbejdstilsynet")
    SIRI = "SIRI", _("Styrelsen for International Rekruttering og Integration")
    NGO = "NGO", _("Civilsamfundsorganisation (NGO)")
    IOM = "IOM", _("Den Internationale Organisation for Migration")
    IMG = "IMG", _("Den tværministerielle arbejdsgruppe")


# The two authorities that assess and own cases.
COMPETENT_AUTHORITIES = [(Agency.CMM.value, Agency.CMM.label), (Agency.DIS.value, Agency.DIS.label)]


class Role(models.TextChoices):
    CMM_CONTACT_PERSON = "cmm_contact_person", _("CMM-kontaktperson")
    CMM_COORDINATOR = "cmm_coordinator", _("CMM-koordinator")
    DIS_CASEWORKER = "dis_caseworker", _("Sagsbehandler i Udlændingestyrelsen")
    POLICE_LIAISON = "police_liaison", _("Politiets kontaktperson")
    REFERRING_AUTHORITY = "referring_authority", _("Henvisende myndighed")
    NGO_WORKER = "ngo_worker", _("NGO-medarbejder")
    IOM_OFFICER = "iom_officer", _("IOM-medarbejder")
    IMG_MEMBER = "img_member", _("Medlem af den tværministerielle arbejdsgruppe")
    DP_AUDITOR = "dp_auditor", _("Revisor af adgangslog")
    SYSTEM_ADMIN = "system_admin", _("Systemadministrator")


class Team(models.Model):
    """A group of colleagues in one agency who share each other's caseload."""

    agency = models.CharField(_("myndighed"), max_length=8, choices=Agency.choices)
    name = models.CharField(_("navn"), max_length=100)
    # The team's permission group: cases shared with the organisation are granted to it (guardian).
    group = models.OneToOneField(Group, null=True, blank=True, on_delete=models.PROTECT, editable=False)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="team_unique_name_per_agency")]

    def __str__(self) -> str:
        return f"{self.get_agency_display()}: {self.name}"

    get_agency_display = choice_display("agency", Agency.choices)

    def save(self, *args, **kwargs):
        if self.group_id is None:
            self.group = Group.objects.create(name=f"team:{self.agency}:{self.name}"[:150])
        super().save(*args, **kwargs)


class User(AbstractUser):
    """A member of staff: one agency, one role, optionally one team."""

    agency = models.CharField(_("myndighed"), max_length=8, choices=Agency.choices, blank=True)
    role = models.CharField(_("rolle"), max_length=32, choices=Role.choices, blank=True)
    team = models.ForeignKey(
        Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )

    class Meta:
        verbose_name = _("medarbejder")
        verbose_name_plural = _("medarbejdere")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    # Every page's header shows the signed-in user's role and agency.
    get_agency_display = choice_display("agency", Agency.choices)
    get_role_display = choice_display("role", Role.choices)
