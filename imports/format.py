"""The import format (docs/import.md): one sheet per record type, French column headers, and the
vocabularies of each enumerated column. The headers and sheet names are part of the file format,
not of the UI: they are plain French strings, the same whatever the language of the page.

Enumerations are accepted as their code, their French label (from the translation catalogue) or a
few usual spellings, case- and accent-insensitive (``casework.normalise.normalise_text``).
"""

import functools
from dataclasses import dataclass

from django.utils import translation

from casework.enums import (
    AgeClass,
    FollowUpClosingReason,
    FollowUpRole,
    InterventionKind,
    InterventionStatus,
    KnownToSocialServices,
    OrientationKind,
    OrientationStatus,
    Place,
    Sex,
)
from casework.normalise import normalise_text
from imports.enums import RecordType
from referrals.enums import PersonRole, ReferralClosingReason, ReferralStatus, Source, Urgency


@dataclass(frozen=True)
class Column:
    key: str  # the name the parser uses
    header: str  # the French header of the file
    required: bool = False
    help: str = ""  # one line for docs/import.md and the template's "aide" sheet
    # An enumerated column: the vocabulary its cells take (``vocabulary()``, or a reference list of
    # REFERENCE_LISTS); the template offers its French labels as a drop-down list.
    enum: str = ""
    multiple: bool = False  # several values separated by « | » or « ; »


@dataclass(frozen=True)
class Sheet:
    record_type: str
    name: str  # the sheet name in the XLSX, the file name (without .csv) in a zip
    columns: tuple[Column, ...]

    def column(self, key: str) -> Column:
        return next(column for column in self.columns if column.key == key)


ID = Column("external_id", "identifiant", True, "Identifiant choisi par le service, unique dans la feuille.")
AUTO_ID = Column(
    "external_id",
    "identifiant",
    False,
    "Facultatif ; sans identifiant, une ligne identique d'un nouvel envoi n'est pas réimportée.",
)
DATE_HELP = "jj/mm/aaaa ou aaaa-mm-jj"
TIME_HELP = "hh:mm (midi si vide)"

SHEETS: tuple[Sheet, ...] = (
    Sheet(
        RecordType.PERSON,
        "personnes",
        (
            ID,
            Column("sex", "sexe", False, "« Non renseigné » si vide", enum="sex"),
            Column("birth_year", "année de naissance", False, "aaaa ; sinon la classe d'âge"),
            Column("age_class", "classe d'âge", False, "Si l'année de naissance est inconnue", enum="age_class"),
            Column(
                "is_anonymous", "anonyme", False, "« Oui » si vide (aucun nom n'est jamais importé)", enum="boolean"
            ),
            Column(
                "known_to_social_services",
                "connu des services sociaux",
                False,
                "« Ne sait pas » si vide",
                enum="known_to_social_services",
            ),
        ),
    ),
    Sheet(
        RecordType.REFERRAL,
        "saisines",
        (
            ID,
            Column("date", "date", True, DATE_HELP),
            Column("time", "heure", False, TIME_HELP),
            Column("unit", "unité", True, "Nom d'une unité couverte par le poste"),
            Column("source", "canal", True, "", enum="source"),
            Column("urgency", "urgence", False, "« Normale » si vide", enum="urgency"),
            Column("status", "statut", True, "", enum="referral_status"),
            Column("status_date", "date du statut", False, DATE_HELP + " (la date de la saisine si vide)"),
            Column("status_time", "heure du statut", False, TIME_HELP),
            Column(
                "closing_reason",
                "motif de clôture",
                False,
                "Pour une saisine « Clôturée sans suite »",
                enum="referral_closing_reason",
            ),
            Column("persons", "personnes", False, "identifiant:rôle, séparés par « | » (ex. P1:victime | P2:enfant)"),
            Column("followup", "suivi", False, "Identifiant du suivi qui l'a prise en charge"),
        ),
    ),
    Sheet(
        RecordType.FOLLOWUP,
        "suivis",
        (
            ID,
            Column("person", "personne", True, "Identifiant de la feuille « personnes »"),
            Column("opened_on", "ouvert le", True, DATE_HELP),
            Column("closed_on", "clos le", False, DATE_HELP),
            Column(
                "closing_reason", "motif de clôture", False, "Obligatoire si le suivi est clos", enum="closing_reason"
            ),
            Column("person_role", "rôle", False, "« Victime » si vide", enum="followup_role"),
            Column(
                "problems",
                "problématiques",
                False,
                "Codes ou libellés, séparés par « | »",
                enum="problem",
                multiple=True,
            ),
        ),
    ),
    Sheet(
        RecordType.INTERVENTION,
        "interventions",
        (
            AUTO_ID,
            Column("followup", "suivi", True, "Identifiant de la feuille « suivis »"),
            Column("date", "date", True, DATE_HELP),
            Column("time", "heure", False, TIME_HELP),
            Column("duration", "durée (minutes)", False, "1 à 720 ; 30 par défaut"),
            Column("kind", "type", True, "", enum="intervention_kind"),
            Column("place", "lieu", True, "", enum="place"),
            Column("status", "statut", True, "", enum="intervention_status"),
        ),
    ),
    Sheet(
        RecordType.ORIENTATION,
        "orientations",
        (
            AUTO_ID,
            Column("followup", "suivi", True, "Identifiant de la feuille « suivis »"),
            Column("date", "date", True, DATE_HELP),
            Column(
                "partner_type",
                "type de partenaire",
                False,
                "Code ou libellé ; ou le nom d'un partenaire",
                enum="partner_type",
            ),
            Column("partner", "partenaire", False, "Nom exact d'un partenaire de l'annuaire du département"),
            Column("status", "statut", True, "", enum="orientation_status"),
            Column("outcome_on", "date du résultat", False, DATE_HELP + " (la date de l'orientation si vide)"),
        ),
    ),
    Sheet(
        RecordType.TRANSMISSION,
        "transmissions",
        (
            AUTO_ID,
            Column("followup", "suivi", True, "Identifiant de la feuille « suivis »"),
            Column("date", "date", True, DATE_HELP),
            Column("kind", "nature", True, "", enum="transmission_kind"),
            Column("recipient", "destinataire", False, "CRIP du département ou Procureur de la République par défaut"),
            Column("status", "statut", False, "« Proposée » si vide", enum="orientation_status"),
            Column("outcome_on", "date du résultat", False, DATE_HELP),
        ),
    ),
    Sheet(
        RecordType.ASSESSMENT,
        "evaluations",
        (
            AUTO_ID,
            Column("followup", "suivi", True, "Identifiant de la feuille « suivis »"),
            Column("date", "date", True, DATE_HELP),
            Column(
                "violence_forms",
                "formes de violence",
                False,
                "Codes ou libellés, séparés par « ; »",
                enum="violence_form",
                multiple=True,
            ),
            Column("is_very_serious_danger", "très grand danger", False, "« Non » si vide", enum="boolean"),
            Column("children_exposed", "enfants exposés", False, "0 à 30"),
        ),
    ),
)
SHEETS_BY_TYPE = {sheet.record_type: sheet for sheet in SHEETS}
# The order records are created in (and deleted in reverse): each refers only to earlier ones.
CREATION_ORDER = (
    RecordType.PERSON,
    RecordType.FOLLOWUP,
    RecordType.REFERRAL,
    RecordType.INTERVENTION,
    RecordType.ORIENTATION,
    RecordType.TRANSMISSION,
    RecordType.ASSESSMENT,
)

LIST_SEPARATORS = ("|", ";", "\n")
DEFAULT_RECIPIENTS = {
    OrientationKind.CONCERN_REPORT: "CRIP du département",
    OrientationKind.PROSECUTOR_REPORT: "Procureur de la République",
}


def sheet_for_name(name: str) -> Sheet | None:
    """The sheet a tab or a CSV file name stands for ("Suivis", "suivis.csv", "02 - suivis"…)."""
    key = normalise_text(name.rsplit(".", 1)[0] if name.lower().endswith(".csv") else name)
    for sheet in SHEETS:
        if key == sheet.name or key.endswith(" " + sheet.name):
            return sheet
    return None


# ---- Vocabularies -------------------------------------------------------------------------------

YES = "yes"
NO = "no"

SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "sex": {
        Sex.FEMALE: ("femme", "feminin", "f", "fille"),
        Sex.MALE: ("homme", "masculin", "m", "h", "garcon"),
        Sex.OTHER: ("autre",),
        Sex.UNKNOWN: ("non renseigne", "nr", "inconnu", "ne sait pas"),
    },
    "boolean": {YES: ("oui", "o", "vrai", "1", "x"), NO: ("non", "n", "faux", "0")},
    "known_to_social_services": {
        KnownToSocialServices.YES: ("oui", "connu", "connue", "o"),
        KnownToSocialServices.NO: ("non", "inconnu", "inconnue", "n"),
        KnownToSocialServices.UNKNOWN: ("ne sait pas", "nsp", "non renseigne"),
    },
    "age_class": {
        AgeClass.AGE_0_10: ("0 10", "0 a 10"),
        AgeClass.AGE_11_14: ("11 14", "11 a 14"),
        AgeClass.AGE_15_17: ("15 17", "15 a 17"),
        AgeClass.AGE_18_25: ("18 25", "18 a 25"),
        AgeClass.AGE_26_40: ("26 40", "26 a 40"),
        AgeClass.AGE_41_60: ("41 60", "41 a 60"),
        AgeClass.AGE_61_74: ("61 74", "61 a 74"),
        AgeClass.AGE_75_PLUS: ("75 et plus", "75", "75 ans et plus", "plus de 75"),
        AgeClass.UNKNOWN: ("non renseigne", "nr", "inconnu"),
    },
    "source": {
        Source.COMPLAINT: ("plainte",),
        Source.LOGBOOK: ("main courante", "mc"),
        Source.CALL_OUT: ("intervention", "intervention a domicile", "intervention sur la voie publique"),
        Source.SCREENING: ("reperage", "reperage par l iscg"),
        Source.PARTNER: ("partenaire", "service social", "service social ou partenaire"),
        Source.SELF_REFERRAL: ("venue spontanee", "appel spontane", "venue ou appel spontane", "spontane"),
        Source.OTHER: ("autre",),
    },
    "urgency": {
        Urgency.IMMEDIATE: ("immediate", "urgent", "urgente"),
        Urgency.WITHIN_48H: ("sous 48 h", "sous 48h", "48h", "48 h"),
        Urgency.NORMAL: ("normale", "normal"),
    },
    "referral_status": {
        ReferralStatus.SUBMITTED: ("transmise", "deposee", "envoyee"),
        ReferralStatus.RECEIVED: ("recue",),
        ReferralStatus.TAKEN_UP: ("prise en charge", "pec"),
        ReferralStatus.CLOSED: ("cloturee", "cloturee sans suivi", "close", "classee"),
        ReferralStatus.WITHDRAWN: ("retiree",),
    },
    "referral_closing_reason": {
        ReferralClosingReason.UNREACHABLE: ("injoignable", "personne injoignable"),
        ReferralClosingReason.REFUSED: ("refus", "refus de la personne"),
        ReferralClosingReason.OUT_OF_SCOPE: ("hors champ",),
        ReferralClosingReason.REDIRECTED: ("reorientee", "reorientee sans contact"),
        ReferralClosingReason.DUPLICATE: ("doublon",),
    },
    "person_role": {
        PersonRole.VICTIM: ("victime",),
        PersonRole.ACCUSED: ("mis en cause", "mise en cause", "auteur", "auteure"),
        PersonRole.WITNESS: ("temoin",),
        PersonRole.HOUSEHOLD_CHILD: ("enfant", "enfant du foyer"),
        PersonRole.OTHER: ("autre",),
    },
    "followup_role": {
        FollowUpRole.VICTIM: ("victime",),
        FollowUpRole.ACCUSED: ("mis en cause", "mise en cause", "auteur", "auteure"),
        FollowUpRole.BOTH: ("les deux",),
        FollowUpRole.OTHER: ("autre",),
    },
    "closing_reason": {
        FollowUpClosingReason.HANDED_OVER: ("relais passe", "relais"),
        FollowUpClosingReason.RESOLVED: ("situation resolue", "resolue"),
        FollowUpClosingReason.LOST_CONTACT: ("perte de contact",),
        FollowUpClosingReason.REFUSED: ("refus",),
        FollowUpClosingReason.MOVED: ("demenagement",),
    },
    "intervention_kind": {
        InterventionKind.INTERVIEW: ("entretien",),
        InterventionKind.PHONE_CALL: ("appel", "appel telephonique", "telephone"),
        InterventionKind.ACCOMPANIMENT: ("accompagnement", "accompagnement physique"),
        InterventionKind.HOME_VISIT: ("visite a domicile", "vad"),
        InterventionKind.WRITTEN: ("ecrit", "courrier"),
        InterventionKind.THIRD_PARTY: ("contact avec un tiers", "tiers"),
    },
    "place": {
        Place.POLICE_STATION: ("commissariat",),
        Place.GENDARMERIE: ("brigade", "gendarmerie", "brigade de gendarmerie"),
        Place.TOWN_HALL: ("mairie", "ccas", "mairie ccas"),
        Place.HOME: ("domicile",),
        Place.OUTSIDE: ("autre lieu exterieur", "exterieur", "autre lieu"),
        Place.REMOTE: ("a distance", "distance", "visio"),
    },
    "intervention_status": {
        InterventionStatus.PLANNED: ("planifie", "prevu", "a venir"),
        InterventionStatus.HELD: ("realise", "fait", "honore"),
        InterventionStatus.NO_SHOW: ("non honore", "absent", "lapin"),
        InterventionStatus.CANCELLED: ("annule",),
    },
    "orientation_status": {
        OrientationStatus.PROPOSED: ("proposee",),
        OrientationStatus.ACCEPTED: ("acceptee",),
        OrientationStatus.DONE: ("realisee", "faite"),
        OrientationStatus.REFUSED_BY_PERSON: ("refusee par la personne",),
        OrientationStatus.REFUSED_BY_PARTNER: ("refusee par le partenaire",),
        OrientationStatus.NO_NEWS: ("sans nouvelles",),
    },
    "transmission_kind": {
        OrientationKind.CONCERN_REPORT: ("information preoccupante", "ip", "crip"),
        OrientationKind.PROSECUTOR_REPORT: ("signalement", "signalement au procureur", "procureur", "parquet"),
    },
}

ENUMS = {
    "sex": Sex,
    "known_to_social_services": KnownToSocialServices,
    "age_class": AgeClass,
    "source": Source,
    "urgency": Urgency,
    "referral_status": ReferralStatus,
    "referral_closing_reason": ReferralClosingReason,
    "person_role": PersonRole,
    "followup_role": FollowUpRole,
    "closing_reason": FollowUpClosingReason,
    "intervention_kind": InterventionKind,
    "place": Place,
    "intervention_status": InterventionStatus,
    "orientation_status": OrientationStatus,
    "transmission_kind": OrientationKind,
}


@functools.cache
def vocabulary(name: str) -> dict[str, str]:
    """normalised spelling → code, from the codes, the English and French labels and the synonyms."""
    words: dict[str, str] = {}
    choices = ENUMS.get(name)
    if choices is not None:
        allowed = set(SYNONYMS.get(name, {})) if name == "transmission_kind" else set(choices.values)
        for value, label in choices.choices:
            if value not in allowed:
                continue
            words[normalise_text(value)] = value
            words[normalise_text(str(label))] = value
            with translation.override("fr"):
                words[normalise_text(str(label))] = value
    for value, spellings in SYNONYMS.get(name, {}).items():
        for spelling in spellings:
            words.setdefault(normalise_text(spelling), value)
    return words


def french_label(choices, value: str) -> str:
    """The French label of a code (what the exporter and the template write)."""
    with translation.override("fr"):
        return str(choices(value).label)


YES_NO_LABELS = {YES: "Oui", NO: "Non"}
# Enumerations kept in tables (seeded, editable by administrators): model, by position and name.
REFERENCE_LISTS = {
    "problem": ("referrals", "Problem"),
    "partner_type": ("organisation", "PartnerType"),
    "violence_form": ("casework", "ViolenceForm"),
}


def enum_labels(name: str) -> list[str]:
    """The French labels a column's cells take, as the application's forms show them (the template's
    drop-down lists and the « aide » sheet). Reference lists: their active entries (a database read)."""
    if name == "boolean":
        return list(YES_NO_LABELS.values())
    if name in REFERENCE_LISTS:
        from django.apps import apps

        model = apps.get_model(*REFERENCE_LISTS[name])
        return list(model.objects.filter(is_active=True).order_by("position", "name").values_list("name", flat=True))
    choices = ENUMS[name]
    allowed = SYNONYMS[name] if name == "transmission_kind" else choices.values
    return [french_label(choices, value) for value in choices.values if value in allowed]


# One fictitious line per sheet in the downloadable template, identified « EXEMPLE »: the reader skips
# any line whose identifier is « EXEMPLE » (reading.EXAMPLE_ID), so a template sent back with its
# examples left in imports only the service's own lines.
EXAMPLE_ID = "EXEMPLE"
EXAMPLE_ROWS: dict[str, dict[str, str]] = {
    RecordType.PERSON: {
        "sex": "Femme",
        "birth_year": "1985",
        "is_anonymous": "Oui",
        "known_to_social_services": "Non",
    },
    RecordType.REFERRAL: {
        "date": "03/02/2025",
        "time": "09:30",
        "unit": "Commissariat (exemple)",
        "source": "Plainte",
        "urgency": "Normale",
        "status": "Prise en charge",
        "status_date": "04/02/2025",
        "persons": "EXEMPLE:Victime",
        "followup": "EXEMPLE",
    },
    RecordType.FOLLOWUP: {
        "person": "EXEMPLE",
        "opened_on": "04/02/2025",
        "closed_on": "30/06/2025",
        "closing_reason": "Situation résolue",
        "person_role": "Victime",
        "problems": "Violences conjugales",
    },
    RecordType.INTERVENTION: {
        "followup": "EXEMPLE",
        "date": "05/02/2025",
        "time": "10:00",
        "duration": "45",
        "kind": "Entretien",
        "place": "Commissariat",
        "status": "Réalisé",
    },
    RecordType.ORIENTATION: {
        "followup": "EXEMPLE",
        "date": "12/02/2025",
        "partner_type": "CCAS",
        "status": "Réalisée",
        "outcome_on": "20/02/2025",
    },
    RecordType.TRANSMISSION: {
        "followup": "EXEMPLE",
        "date": "06/02/2025",
        "kind": "Information préoccupante (CRIP)",
        "status": "Proposée",
    },
    RecordType.ASSESSMENT: {
        "followup": "EXEMPLE",
        "date": "05/02/2025",
        "violence_forms": "Physiques ; Psychologiques",
        "is_very_serious_danger": "Oui",
        "children_exposed": "2",
    },
}
