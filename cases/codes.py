"""Code lists: HTCDS 2.0 where it fits, with the Danish extensions (Criminal Code s. 262a, referral channels)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Gender(models.TextChoices):
    # HTCDS prs_Gender
    FEMININE = "Feminine", _("Kvinde")
    MASCULINE = "Masculine", _("Mand")
    TRANSGENDER_FEMININE = "TransgenderFeminine", _("Transkønnet kvinde")
    TRANSGENDER_MASCULINE = "TransgenderMasculine", _("Transkønnet mand")
    NON_CONFORMING = "NonConforming", _("Nonbinær")
    UNKNOWN = "NonSpecifiedUnknown", _("Ikke oplyst")


class ResidenceStatus(models.TextChoices):
    ASYLUM_SEEKER = "asylum_seeker", _("Asylansøger")
    NO_LEGAL_RESIDENCE = "no_legal_residence", _("Ulovligt ophold")
    LEGAL_RESIDENCE = "legal_residence", _("Lovligt ophold")
    LEGAL_RESIDENCE_EXPULSION = (
        "legal_residence_expulsion",
        _("Lovligt ophold, mulig administrativ udvisning"),
    )


class ExploitationForm(models.TextChoices):
    # Criminal Code s. 262a, mapped to HTCDS vic_TypeOfExploitation (forced criminality is a Danish extension).
    SEXUAL = "SexualExploitation", _("Prostitution / seksuel udnyttelse")
    PORNOGRAPHY = "Pornography", _("Pornografiske optagelser eller forestillinger")
    FORCED_LABOUR = "ForcedLabour", _("Tvangsarbejde")
    SLAVERY = "Servitude", _("Slaveri eller slaverilignende forhold")
    FORCED_CRIMINALITY = "ForcedCriminality", _("Strafbare handlinger (tvungen kriminalitet)")
    ORGAN_REMOVAL = "OrganRemoval", _("Fjernelse af organer")
    OTHER = "Other", _("Andet")


class MeansOfControl(models.TextChoices):
    # HTCDS vic_MethodsOfControl
    PHYSICAL_THREATS = "PhysicalThreats", _("Fysiske trusler")
    THREATS_LAW_ENFORCEMENT = "ThreatsLawEnforcement", _("Trusler om politi eller myndigheder")
    THREATENS_FAMILY = "ThreatensChildrenFamily", _("Trusler mod børn eller familie")
    DEBT_BONDAGE = "DebtBondage", _("Gældsslaveri")
    FALSE_PROMISES = "FalsePromises", _("Falske løfter")
    PHYSICAL_ABUSE = "PhysicalAbuse", _("Fysisk vold")
    SEXUAL_ABUSE = "SexualAbuse", _("Seksuelle overgreb")
    TAKES_EARNINGS = "TakesEarnings", _("Tager indtjeningen")
    RESTRICTS_FINANCES = "RestrictsFinancialAccess", _("Begrænser adgang til penge")
    RESTRICTS_MEDICAL = "RestrictsMedicalCare", _("Begrænser adgang til lægehjælp")
    WITHHOLDS_NECESSITIES = "WithholdsNecessities", _("Tilbageholder fornødenheder")
    PSYCHOLOGICAL_ABUSE = "PsychologicalAbuse", _("Psykisk vold")
    SUBSTANCES = "PsychoactiveSubstance", _("Rusmidler")
    EXCESSIVE_HOURS = "ExcessiveWorkingHours", _("Urimeligt lange arbejdstider")
    WITHHOLDS_DOCUMENTS = "WithholdsDocuments", _("Tilbageholder dokumenter")
    RESTRICTS_MOVEMENT = "RestrictsMovement", _("Begrænser bevægelsesfrihed")
    OTHER = "Other", _("Andet")


class RecruiterRelation(models.TextChoices):
    # CTDC granularity (intimate partner: the "loverboy" pattern), mapped to HTCDS vic_RelationshipToTrafficker.
    INTIMATE_PARTNER = "IntimatePartner", _("Kæreste eller partner")
    FRIEND = "Friend", _("Ven eller bekendt")
    FAMILY = "Family", _("Familie")
    OTHER = "Other", _("Anden")
    UNKNOWN = "Unknown", _("Ukendt")


class ReferralSource(models.TextChoices):
    POLICE = "POLICE", _("Politiet")
    DIS = "DIS", _("Udlændingestyrelsen")
    SKAT = "SKAT", _("Skattestyrelsen")
    WEA = "WEA", _("Arbejdstilsynet")
    SIRI = "SIRI", _("SIRI")
    NGO = "NGO", _("NGO")
    TRADE_UNION = "TRADE_UNION", _("Fagforening")
    HEALTH = "HEALTH", _("Sundhedsvæsenet")
    MUNICIPALITY = "MUNICIPALITY", _("Kommune")
    CMM_OUTREACH = "CMM_OUTREACH", _("CMM opsøgende arbejde")
    SELF = "SELF", _("Personen selv")
    EMBASSY = "EMBASSY", _("Ambassade")
    OTHER = "OTHER", _("Andet")


class ReferralChannel(models.TextChoices):
    POLICE_OPERATION = "police_operation", _("Politiaktion")
    INSPECTION = "inspection", _("Kontrol eller tilsyn")
    CASE_PROCESSING = "case_processing", _("Sagsbehandling")
    OUTREACH = "outreach", _("Opsøgende arbejde")
    HOTLINE = "hotline", _("CMM's hotline")
    ANONYMOUS_WEB = "anonymous_web", _("Anonym indberetning")
    IN_PERSON = "in_person", _("Personligt fremmøde")
    WRITTEN = "written", _("Skriftlig henvisning")
    OTHER = "other", _("Andet")


class AgeBand(models.TextChoices):
    # CTDC's ageBroad bands (as in its k-anonymised public data set): the age at referral, kept for the
    # statistics when the date of birth is anonymised.
    UNDER_9 = "0-8", _("0-8 år")
    FROM_9 = "9-17", _("9-17 år")
    FROM_18 = "18-20", _("18-20 år")
    FROM_21 = "21-23", _("21-23 år")
    FROM_24 = "24-26", _("24-26 år")
    FROM_27 = "27-29", _("27-29 år")
    FROM_30 = "30-38", _("30-38 år")
    FROM_39 = "39-47", _("39-47 år")
    FROM_48 = "48+", _("48 år og derover")


def age_band(age: int | None) -> str:
    """The band an age in whole years falls in; "" if the age is unknown."""
    if age is None or age < 0:
        return ""
    for band in reversed(AgeBand):
        if age >= int(band.value.split("-")[0].rstrip("+")):
            return band.value
    return ""


def labels(choices: type[models.TextChoices], values) -> list[str]:
    """The display labels of a list of stored codes, in the choices' order."""
    chosen = set(values or ())
    return [label for value, label in choices.choices if value in chosen]
