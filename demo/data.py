"""The demo territory: five departments with units, posts, partners and staff. All names are fictional."""

DEMO_PASSWORD = "demo-iscg-2026"  # noqa: S105 - documented demo password, local use only
DEMO_EMAIL_DOMAIN = "demo.example"

# code: (units [(kind, name, commune)], posts [(name, fte, employer, zone, unit indexes)], staff names).
# "police" holds the first two police or gendarmerie units, "police2" the others: every post's units
# have an officer who files referrals.
TERRITORY = {
    "80": {
        "units": [
            ("commissariat", "Commissariat d'Amiens", "Amiens"),
            ("commissariat", "Commissariat d'Abbeville", "Abbeville"),
            ("brigade", "Brigade de gendarmerie de Péronne", "Péronne"),
            ("brigade", "Brigade de gendarmerie d'Albert", "Albert"),
            ("company", "Compagnie de gendarmerie de Montdidier", "Montdidier"),
            ("town_hall", "Mairie de Ham — accueil ISCG", "Ham"),
        ],
        "posts": [
            ("ISCG Amiens Métropole", "1.00", "Conseil départemental de la Somme", "police", [0, 1]),
            ("ISCG Est Somme", "0.80", "Association Somme Médiation", "gendarmerie", [2, 3, 4, 5]),
        ],
        "staff": {
            "police": ("Julien", "Marchand"),
            "police2": ("Éric", "Vasseur"),
            "iscg": ("Claire", "Dupuis"),
            "iscg2": ("Nadia", "Benali"),
            "coordinator": ("Sophie", "Lefebvre"),
            "funder": ("Marc", "Aubert"),
        },
    },
    "42": {
        "units": [
            ("commissariat", "Commissariat de Saint-Étienne", "Saint-Étienne"),
            ("commissariat", "Commissariat de Roanne", "Roanne"),
            ("brigade", "Brigade de gendarmerie de Montbrison", "Montbrison"),
            ("brigade", "Brigade de gendarmerie de Feurs", "Feurs"),
            ("ccas", "CCAS de Rive-de-Gier — accueil ISCG", "Rive-de-Gier"),
        ],
        "posts": [
            ("ISCG Saint-Étienne", "1.00", "Association Loire Aide aux victimes", "police", [0, 4]),
            ("ISCG Forez", "1.00", "Conseil départemental de la Loire", "mixed", [1, 2, 3]),
        ],
        "staff": {
            "police": ("Thomas", "Girard"),
            "police2": ("Sébastien", "Rochette"),
            "iscg": ("Amélie", "Roux"),
            "iscg2": ("Karim", "Haddad"),
            "coordinator": ("Isabelle", "Fournier"),
            "funder": ("Pierre", "Chevalier"),
        },
    },
    "06": {
        "units": [
            ("commissariat", "Commissariat de Nice", "Nice"),
            ("commissariat", "Commissariat de Cannes", "Cannes"),
            ("commissariat", "Commissariat d'Antibes", "Antibes"),
            ("brigade", "Brigade de gendarmerie de Puget-Théniers", "Puget-Théniers"),
            ("france_services", "Maison France services de Carros", "Carros"),
        ],
        "posts": [
            ("ISCG Nice Côte d'Azur", "1.00", "Ville de Nice", "police", [0]),
            ("ISCG Ouest Alpes-Maritimes", "0.50", "Association Azur Victimes", "mixed", [1, 2, 3, 4]),
        ],
        "staff": {
            "police": ("Lucas", "Bertrand"),
            "police2": ("Mathieu", "Castellani"),
            "iscg": ("Émilie", "Garnier"),
            "iscg2": ("Yasmine", "Ferrand"),
            "coordinator": ("Laurent", "Mercier"),
            "funder": ("Hélène", "Blanc"),
        },
    },
    "71": {
        "units": [
            ("commissariat", "Commissariat de Chalon-sur-Saône", "Chalon-sur-Saône"),
            ("commissariat", "Commissariat de Mâcon", "Mâcon"),
            ("brigade", "Brigade de gendarmerie d'Autun", "Autun"),
            ("brigade", "Brigade de gendarmerie de Louhans", "Louhans"),
            ("company", "Compagnie de gendarmerie de Charolles", "Charolles"),
        ],
        "posts": [
            ("ISCG Chalon-Mâcon", "1.00", "Conseil départemental de Saône-et-Loire", "police", [0, 1]),
            ("ISCG Bresse-Morvan", "1.00", "Conseil départemental de Saône-et-Loire", "gendarmerie", [2, 3, 4]),
        ],
        "staff": {
            "police": ("Nicolas", "Perrin"),
            "police2": ("Damien", "Brunet"),
            "iscg": ("Camille", "Morel"),
            "iscg2": ("Océane", "Lambert"),
            "coordinator": ("Valérie", "Roussel"),
            "funder": ("Olivier", "Guerin"),
        },
    },
    "94": {
        "units": [
            ("commissariat", "Commissariat de Créteil", "Créteil"),
            ("commissariat", "Commissariat de Vitry-sur-Seine", "Vitry-sur-Seine"),
            ("commissariat", "Commissariat de Champigny-sur-Marne", "Champigny-sur-Marne"),
            ("commissariat", "Commissariat de Villejuif", "Villejuif"),
            ("town_hall", "Mairie d'Ivry-sur-Seine — accueil ISCG", "Ivry-sur-Seine"),
        ],
        "posts": [
            ("ISCG Créteil-Champigny", "1.00", "Association Val-de-Marne Médiation", "police", [0, 2]),
            ("ISCG Vitry-Villejuif", "1.00", "Ville de Vitry-sur-Seine", "police", [1, 3, 4]),
        ],
        "staff": {
            "police": ("Antoine", "Fabre"),
            "police2": ("Romain", "Lacombe"),
            "iscg": ("Léa", "Caron"),
            "iscg2": ("Fatou", "Diallo"),
            "coordinator": ("Nathalie", "Gauthier"),
            "funder": ("Bruno", "Renaud"),
        },
    },
}

# Partners seeded in every department: (partner type code, name pattern, accepts)
PARTNERS = [
    ("service_social_departemental", "Service social départemental — {city}", "Accompagnement social global, sur rendez-vous."),
    ("ccas", "CCAS de {city}", "Aides facultatives, domiciliation, aide alimentaire."),
    ("pmi", "PMI de {city}", "Femmes enceintes et enfants de moins de 6 ans."),
    ("ase_crip", "Cellule de recueil des informations préoccupantes (CRIP)", "Informations préoccupantes concernant des mineurs."),
    ("aide_aux_victimes", "France Victimes — antenne de {city}", "Accueil et accompagnement de toute victime d'infraction."),
    ("cidff", "CIDFF de {city}", "Information juridique, accompagnement des femmes victimes de violences."),
    ("hebergement_urgence", "SIAO — 115", "Mise à l'abri et hébergement d'urgence, 24 h/24."),
    ("sante_mentale", "Centre médico-psychologique de {city}", "Consultations adultes sans avance de frais."),
    ("acces_au_droit", "Point-justice de {city}", "Consultations gratuites d'avocat, sur rendez-vous."),
]  # fmt: skip

ROLE_LOCAL_PARTS = {
    "police": "police",
    "police2": "police2",
    "iscg": "iscg",
    "iscg2": "iscg2",
    "coordinator": "coordination",
    "funder": "financeur",
}


def demo_email(key: str, code: str) -> str:
    return f"{ROLE_LOCAL_PARTS[key]}.{code}@{DEMO_EMAIL_DOMAIN}"


ADMIN_EMAIL = f"admin@{DEMO_EMAIL_DOMAIN}"
