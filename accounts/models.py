from django.contrib.auth.models import AbstractUser, Group
from django.db import models
from django.utils import timezone
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
    DIS_COORDINATOR = "dis_coordinator", _("Udlændingestyrelsens koordinator")
    POLICE_LIAISON = "police_liaison", _("Politiets kontaktperson")
    REFERRING_AUTHORITY = "referring_authority", _("Henvisende myndighed")
    NGO_WORKER = "ngo_worker", _("NGO-medarbejder")
    IOM_OFFICER = "iom_officer", _("IOM-medarbejder")
    IMG_MEMBER = "img_member", _("Medlem af den tværministerielle arbejdsgruppe")
    DP_AUDITOR = "dp_auditor", _("Revisor af adgangslog")
    SYSTEM_ADMIN = "system_admin", _("Systemadministrator")


# The agencies a role may act for: a role outside its agency would meet rules written for another authority.
# The administrator and the auditor belong to no agency of the case work (blank), or to one.
ROLE_AGENCIES: dict[str, frozenset[str]] = {
    Role.CMM_CONTACT_PERSON: frozenset({Agency.CMM}),
    Role.CMM_COORDINATOR: frozenset({Agency.CMM}),
    Role.DIS_CASEWORKER: frozenset({Agency.DIS}),
    Role.DIS_COORDINATOR: frozenset({Agency.DIS}),
    Role.POLICE_LIAISON: frozenset({Agency.POLICE}),
    Role.REFERRING_AUTHORITY: frozenset({Agency.POLICE, Agency.SKAT, Agency.WEA, Agency.SIRI}),
    Role.NGO_WORKER: frozenset({Agency.NGO}),
    Role.IOM_OFFICER: frozenset({Agency.IOM}),
    Role.IMG_MEMBER: frozenset({Agency.IMG}),
    Role.DP_AUDITOR: frozenset({"", *Agency.values}),
    Role.SYSTEM_ADMIN: frozenset({"", *Agency.values}),
}
# Roles whose cases reach them through their organisation's team (a share is granted to the team).
TEAM_REQUIRED_ROLES = frozenset({Role.NGO_WORKER, Role.IOM_OFFICER})
# Roles outside the two authorities: they see which agency a member of staff acts for, never who it is.
EXTERNAL_ROLES = frozenset(
    {Role.POLICE_LIAISON, Role.REFERRING_AUTHORITY, Role.NGO_WORKER, Role.IOM_OFFICER, Role.IMG_MEMBER}
)


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

    @property
    def organisation_name(self) -> str:
        """Whom the user acts for, as the header names it: an NGO or the IOM by its own name, else the agency."""
        if self.role in TEAM_REQUIRED_ROLES and self.team_id is not None:
            return self.team.name
        return self.get_agency_display()

    def shown_to(self, viewer) -> str:
        """This member of staff as `viewer` may see them: by name, or for an external role by agency only."""
        if viewer is None or viewer.pk == self.pk or getattr(viewer, "role", "") not in EXTERNAL_ROLES:
            return str(self)
        return self.get_agency_display() or str(_("CMM sagssystem"))


class RoleRequest(models.Model):
    """A change of a user's agency, role and team, asked by an administrator.

    A change to a role that reads cases waits for a coordinator of the agency concerned (access.policy.
    ROLE_APPROVERS); until then the user keeps what they had. Any other change is decided when it is asked.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Afventer godkendelse")
        APPROVED = "approved", _("Godkendt")
        REJECTED = "rejected", _("Afvist")
        CANCELLED = "cancelled", _("Annulleret")

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="role_requests", verbose_name=_("bruger"))
    agency = models.CharField(_("myndighed"), max_length=8, choices=Agency.choices, blank=True)
    role = models.CharField(_("rolle"), max_length=32, choices=Role.choices)
    team = models.ForeignKey(Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.PROTECT)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("anmodet af"))
    requested_at = models.DateTimeField(_("anmodet"), default=timezone.now)
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("afgjort af")
    )
    decided_at = models.DateTimeField(_("afgjort"), null=True, blank=True)

    class Meta:
        verbose_name = _("rolleanmodning")
        verbose_name_plural = _("rolleanmodninger")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(status="pending"), name="role_request_one_pending_per_user"
            ),
            # Separation of duties, also against a bug in the services: nobody asks for or decides their own.
            models.CheckConstraint(condition=~models.Q(requested_by=models.F("user")), name="role_request_not_own"),
            models.CheckConstraint(
                condition=models.Q(decided_by__isnull=True)
                | (~models.Q(decided_by=models.F("user")) & ~models.Q(decided_by=models.F("requested_by"))),
                name="role_request_second_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_role_display()} ({self.get_status_display()})"

    get_agency_display = choice_display("agency", Agency.choices)
    get_role_display = choice_display("role", Role.choices)
