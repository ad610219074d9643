"""The situations the demo is made of, and the words the demo social workers write. All fictional.

An archetype is a kind of situation (conjugal violence reported by the victim, an elderly person
isolated after a neighbour conflict…): its problems, who the followed person usually is, how the
situation reaches the ISCG and the short factual texts of its referrals. demo.activity draws
situations from these tables with a seeded random generator.
"""

from dataclasses import dataclass

from casework.enums import AgeClass, FollowUpRole, InterventionKind
from referrals.enums import Source

A = AgeClass


@dataclass(frozen=True)
class Archetype:
    code: str
    weight: float  # share of the referrals
    walk_in_weight: float  # share of the people who come on their own, without a referral
    problems: tuple[str, ...]  # always there
    extras: tuple[tuple[str, float], ...]  # (problem, probability)
    roles: tuple[tuple[str, float], ...]  # role of the followed person
    ages: tuple[tuple[str, float], ...]  # age class of the followed person
    female: float  # probability that the followed person is a woman (men otherwise, a few "autre")
    sources: tuple[tuple[str, float], ...]
    grid: float  # probability that the police fill a danger grid with the referral
    children: tuple[int, int]  # children in the household (min, max)
    other_party: str  # who else the referral names: partner, relative, parent, neighbour or ""
    descriptions: tuple[str, ...]


ADULTS = ((A.AGE_18_25, 16), (A.AGE_26_40, 42), (A.AGE_41_60, 32), (A.AGE_61_74, 7), (A.AGE_75_PLUS, 3))
MINORS = ((A.AGE_0_10, 30), (A.AGE_11_14, 35), (A.AGE_15_17, 35))
ELDERLY = ((A.AGE_41_60, 10), (A.AGE_61_74, 45), (A.AGE_75_PLUS, 45))
POLICE_CHANNELS = ((Source.COMPLAINT, 45), (Source.CALL_OUT, 25), (Source.LOGBOOK, 15), (Source.SCREENING, 10))

ARCHETYPES = (
    Archetype(
        "conjugal_victim",
        40,
        14,
        ("violences_conjugales",),
        (("logement", 0.2), ("precarite", 0.15), ("sante_mentale", 0.1), ("violences_sexuelles", 0.06)),
        ((FollowUpRole.VICTIM, 1),),
        ADULTS,
        0.9,
        (*POLICE_CHANNELS, (Source.SELF_REFERRAL, 6), (Source.PARTNER, 4), (Source.OTHER, 1)),
        0.55,
        (0, 4),
        "partner",
        (
            "Plainte pour coups portés par le conjoint, départ du domicile envisagé.",
            "Intervention au domicile de nuit pour une dispute violente, enfants présents.",
            "Menaces répétées par messages, la victime a peur de rentrer chez elle.",
            "Main courante : l'ex-conjoint attend la victime à la sortie du travail.",
            "Plainte pour violences psychologiques et contrôle des dépenses.",
            "Violences verbales et bousculades depuis l'annonce de la séparation.",
            "La victime a été empêchée de sortir pendant plusieurs jours.",
            "Plainte pour violences, tentative d'étranglement rapportée.",
        ),
    ),
    Archetype(
        "conjugal_author",
        6,
        1,
        ("violences_conjugales",),
        (("addictions", 0.35), ("sante_mentale", 0.15), ("logement", 0.15)),
        ((FollowUpRole.ACCUSED, 1),),
        ADULTS,
        0.12,
        ((Source.COMPLAINT, 35), (Source.CALL_OUT, 30), (Source.LOGBOOK, 15), (Source.PARTNER, 15), (Source.OTHER, 5)),
        0.3,
        (0, 3),
        "partner",
        (
            "Auteur évincé du domicile, sans solution d'hébergement, demande d'aide.",
            "Mis en cause en garde à vue, souhaite un accompagnement pour ses consommations.",
            "Auteur ayant lui-même appelé les secours après une dispute.",
        ),
    ),
    Archetype(
        "conjugal_mutual",
        3,
        0,
        ("violences_conjugales",),
        (("addictions", 0.3),),
        ((FollowUpRole.BOTH, 1),),
        ADULTS,
        0.6,
        ((Source.CALL_OUT, 60), (Source.LOGBOOK, 30), (Source.COMPLAINT, 10)),
        0.2,
        (0, 3),
        "partner",
        ("Violences réciproques lors d'une dispute sur la voie publique.", "Plaintes croisées des deux conjoints."),
    ),
    Archetype(
        "family_violence",
        8,
        3,
        ("violences_intrafamiliales",),
        (("adulte_vulnerable", 0.35), ("addictions", 0.2), ("logement", 0.1)),
        ((FollowUpRole.VICTIM, 0.85), (FollowUpRole.OTHER, 0.15)),
        ELDERLY,
        0.65,
        ((Source.COMPLAINT, 30), (Source.CALL_OUT, 30), (Source.LOGBOOK, 20), (Source.PARTNER, 15), (Source.OTHER, 5)),
        0,
        (0, 1),
        "relative",
        (
            "Intervention au domicile pour une dispute entre une mère et son fils majeur.",
            "Un fils majeur exige de l'argent à ses parents avec menaces.",
            "Conflit violent entre frère et sœur au domicile familial.",
            "Personne âgée bousculée par un proche qui vit chez elle.",
        ),
    ),
    Archetype(
        "child_in_danger",
        6,
        1,
        ("mineur", "violences_intrafamiliales"),
        (("violences_conjugales", 0.3),),
        ((FollowUpRole.VICTIM, 1),),
        MINORS,
        0.55,
        ((Source.CALL_OUT, 30), (Source.COMPLAINT, 25), (Source.PARTNER, 25), (Source.LOGBOOK, 15), (Source.OTHER, 5)),
        0,
        (1, 4),
        "parent",
        (
            "Enfant témoin de violences répétées entre ses parents.",
            "L'école signale des traces de coups sur un élève.",
            "Mineur laissé seul plusieurs jours au domicile.",
            "Dispute violente entre un père et son fils adolescent.",
        ),
    ),
    Archetype(
        "runaway",
        3,
        0,
        ("fugue", "mineur"),
        (("violences_intrafamiliales", 0.25),),
        ((FollowUpRole.VICTIM, 0.8), (FollowUpRole.OTHER, 0.2)),
        ((A.AGE_11_14, 35), (A.AGE_15_17, 65)),
        0.6,
        ((Source.CALL_OUT, 40), (Source.LOGBOOK, 40), (Source.OTHER, 20)),
        0,
        (1, 3),
        "parent",
        ("Mineure retrouvée après une fugue de deux jours.", "Troisième fugue de l'année signalée par les parents."),
    ),
    Archetype(
        "sexual_violence",
        5,
        1,
        ("violences_sexuelles",),
        (("mineur", 0.15), ("sante_mentale", 0.3)),
        ((FollowUpRole.VICTIM, 1),),
        ((A.AGE_15_17, 15), (A.AGE_18_25, 40), (A.AGE_26_40, 35), (A.AGE_41_60, 10)),
        0.9,
        ((Source.COMPLAINT, 70), (Source.PARTNER, 15), (Source.SELF_REFERRAL, 15)),
        0,
        (0, 2),
        "",
        ("Plainte pour agression sexuelle, la victime souhaite être accompagnée.", "Dépôt de plainte pour viol."),
    ),
    Archetype(
        "vulnerable_adult",
        7,
        4,
        ("adulte_vulnerable",),
        (("precarite", 0.3), ("sante_mentale", 0.25), ("logement", 0.15)),
        ((FollowUpRole.VICTIM, 0.7), (FollowUpRole.OTHER, 0.3)),
        ELDERLY,
        0.6,
        ((Source.LOGBOOK, 30), (Source.CALL_OUT, 30), (Source.SCREENING, 20), (Source.PARTNER, 20)),
        0,
        (0, 0),
        "",
        (
            "Personne âgée isolée, retrouvée désorientée sur la voie publique.",
            "Escroquerie par téléphone au préjudice d'une personne âgée.",
            "Repérage en lecture des mains courantes : personne sans ressources.",
        ),
    ),
    Archetype(
        "mental_distress",
        6,
        3,
        ("sante_mentale",),
        (("addictions", 0.25), ("precarite", 0.2)),
        ((FollowUpRole.VICTIM, 0.5), (FollowUpRole.OTHER, 0.5)),
        ADULTS,
        0.5,
        ((Source.CALL_OUT, 35), (Source.LOGBOOK, 25), (Source.PARTNER, 25), (Source.SELF_REFERRAL, 15)),
        0,
        (0, 2),
        "",
        (
            "Signalement du CCAS : détresse psychologique après un deuil.",
            "Propos suicidaires tenus lors d'une intervention au domicile.",
            "Appels répétés au commissariat d'une personne très angoissée.",
        ),
    ),
    Archetype(
        "addiction",
        3,
        1,
        ("addictions",),
        (("precarite", 0.4), ("sante_mentale", 0.2)),
        ((FollowUpRole.OTHER, 0.6), (FollowUpRole.ACCUSED, 0.4)),
        ADULTS,
        0.25,
        ((Source.LOGBOOK, 50), (Source.CALL_OUT, 40), (Source.OTHER, 10)),
        0,
        (0, 2),
        "",
        ("Ivresse sur la voie publique, troisième fois ce mois-ci.", "Consommations quotidiennes, famille épuisée."),
    ),
    Archetype(
        "housing",
        5,
        6,
        ("logement", "precarite"),
        (("sante_mentale", 0.1),),
        ((FollowUpRole.VICTIM, 0.4), (FollowUpRole.OTHER, 0.6)),
        ADULTS,
        0.65,
        ((Source.SELF_REFERRAL, 40), (Source.PARTNER, 30), (Source.LOGBOOK, 20), (Source.OTHER, 10)),
        0,
        (0, 3),
        "",
        (
            "Appel après remise de la carte de l'ISCG : expulsion annoncée.",
            "Famille hébergée dans une voiture depuis une semaine.",
            "Coupure d'électricité, factures impayées depuis plusieurs mois.",
        ),
    ),
    Archetype(
        "neighbours",
        4,
        3,
        ("voisinage",),
        (("adulte_vulnerable", 0.3), ("sante_mentale", 0.15)),
        ((FollowUpRole.VICTIM, 0.6), (FollowUpRole.ACCUSED, 0.2), (FollowUpRole.OTHER, 0.2)),
        ((A.AGE_26_40, 25), (A.AGE_41_60, 35), (A.AGE_61_74, 25), (A.AGE_75_PLUS, 15)),
        0.6,
        ((Source.LOGBOOK, 50), (Source.COMPLAINT, 30), (Source.SELF_REFERRAL, 20)),
        0,
        (0, 2),
        "neighbour",
        (
            "Main courante pour nuisances répétées, personne âgée isolée.",
            "Conflit de voisinage ancien, insultes et dégradations.",
        ),
    ),
    Archetype(
        "radicalisation",
        0.4,
        0,
        ("radicalisation",),
        (("mineur", 0.5),),
        ((FollowUpRole.OTHER, 1),),
        ((A.AGE_41_60, 70), (A.AGE_26_40, 30)),
        0.7,
        ((Source.PARTNER, 60), (Source.SELF_REFERRAL, 40)),
        0,
        (1, 3),
        "",
        ("Parent inquiet du changement brutal de comportement de son adolescent.",),
    ),
    Archetype(
        "other",
        1.6,
        2,
        ("autre",),
        (("precarite", 0.3),),
        ((FollowUpRole.OTHER, 0.7), (FollowUpRole.VICTIM, 0.3)),
        ADULTS,
        0.55,
        ((Source.OTHER, 50), (Source.SELF_REFERRAL, 30), (Source.PARTNER, 20)),
        0,
        (0, 2),
        "",
        ("Demande d'information sur les démarches après un vol avec violence.", "Situation à préciser."),
    ),
)

CONJUGAL = ("conjugal_victim", "conjugal_author", "conjugal_mutual")

# Problems → the partner types people with them are usually oriented to.
PARTNER_TYPES_OF_PROBLEM = {
    "violences_conjugales": (
        "aide_aux_victimes",
        "cidff",
        "violences_conjugales",
        "acces_au_droit",
        "hebergement_urgence",
        "justice",
        "sante",
    ),
    "violences_intrafamiliales": ("aide_aux_victimes", "service_social_departemental", "acces_au_droit", "justice"),
    "violences_sexuelles": ("aide_aux_victimes", "sante", "cidff", "sante_mentale"),
    "mineur": ("service_social_departemental", "pmi", "education_nationale", "sante_mentale"),
    "adulte_vulnerable": ("service_social_departemental", "ccas", "sante", "mairie"),
    "sante_mentale": ("sante_mentale", "sante"),
    "addictions": ("addictologie", "sante"),
    "logement": ("hebergement_urgence", "bailleur_social", "ccas", "service_social_departemental"),
    "precarite": ("ccas", "caf", "france_travail", "service_social_departemental"),
    "voisinage": ("mairie", "acces_au_droit", "bailleur_social"),
    "fugue": ("education_nationale", "service_social_departemental", "sante_mentale"),
    "radicalisation": ("autre", "education_nationale"),
    "autre": ("autre", "acces_au_droit", "mairie"),
}

VIOLENCE_PROBLEMS = ("violences_conjugales", "violences_intrafamiliales", "violences_sexuelles")

SUMMARIES = {
    InterventionKind.INTERVIEW: (
        "Premier entretien : écoute, information sur les droits et les démarches.",
        "Entretien de suivi : point sur la situation et les démarches en cours.",
        "Entretien : élaboration d'un plan de mise en sécurité.",
        "Entretien avec la personne et sa fille majeure.",
        "Entretien : préparation de l'audience devant le juge aux affaires familiales.",
        "Entretien : bilan des orientations proposées.",
    ),
    InterventionKind.PHONE_CALL: (
        "Premier contact téléphonique, rendez-vous proposé.",
        "Point téléphonique sur l'avancée des démarches.",
        "Appel pour rappeler le rendez-vous de la semaine prochaine.",
        "Appel de la personne : inquiétude après la remise en liberté du conjoint.",
    ),
    InterventionKind.ACCOMPANIMENT: (
        "Accompagnement au dépôt de plainte.",
        "Accompagnement à l'unité médico-judiciaire.",
        "Accompagnement au centre d'hébergement d'urgence.",
        "Accompagnement à la permanence de l'avocat.",
    ),
    InterventionKind.HOME_VISIT: (
        "Visite à domicile avec le service social de secteur.",
        "Visite à domicile : évaluation des conditions de vie.",
    ),
    InterventionKind.WRITTEN: (
        "Courrier au bailleur pour une demande de relogement.",
        "Rédaction d'une attestation pour le dossier d'aide juridictionnelle.",
        "Note transmise au service social départemental.",
    ),
    InterventionKind.THIRD_PARTY: (
        "Échange avec l'assistante sociale du secteur.",
        "Échange avec l'association d'aide aux victimes.",
        "Appel au SIAO pour une mise à l'abri.",
        "Échange avec l'enquêteur en charge de la procédure.",
    ),
}
PRIVATE_NOTES = (
    "Note personnelle de travail (fictive).",
    "À vérifier : la personne semblait inquiète en fin d'entretien.",
    "Rappeler avant la date d'audience.",
)
NEEDS = (
    "Mise en sécurité, accès aux droits, soutien psychologique.",
    "Hébergement, ouverture des droits sociaux.",
    "Information juridique, accompagnement dans la procédure.",
    "Soutien à la parentalité, lien avec l'école.",
    "Soins, lien avec le médecin traitant.",
    "Médiation, apaisement du conflit.",
)
RISK_COMMENTS = (
    "",
    "Violences en augmentation depuis la séparation.",
    "Auteur toujours présent dans le quartier.",
    "Situation apaisée depuis l'éviction du conjoint.",
)
ORIENTATION_REASONS = (
    "Orientation proposée lors de l'entretien.",
    "Accompagnement juridique pour la procédure.",
    "Besoin d'un suivi dans la durée.",
    "Demande d'hébergement.",
    "Soutien psychologique.",
)
BEST_TIMES = (
    "En semaine, entre 10 h et 16 h",
    "En semaine, en matinée",
    "Le midi uniquement",
    "Après 18 h, par SMS d'abord",
    "",
)
# (family situation, weight) of the followed person, for conjugal violence and for the other situations.
FAMILY_OF_ROLE = {
    "conjugal": (
        ("couple", 30), ("separated", 35), ("single_parent", 20), ("single", 5), ("other", 3), ("unknown", 7),
    ),
    "other": (
        ("single", 30), ("couple", 25), ("separated", 12), ("widowed", 10), ("single_parent", 10), ("unknown", 13),
    ),
}  # fmt: skip
CALLBACK_CONTACTS = ("Standard de l'unité, poste 210", "Brigade — permanence, poste 115", "Officier de permanence")
