"""Invented identities for the demo: names drawn from fixed lists, fictional phone numbers
(06 00 00 xx xx) and e-mail addresses at demo.example. Nothing here touches the database."""

import datetime
import random
from dataclasses import dataclass, replace

from casework.enums import AgeClass, age_class_for
from casework.normalise import normalise_text
from demo.data import DEMO_EMAIL_DOMAIN
from referrals.enums import Sex

FEMALE_FIRST_NAMES = (
    "Adèle", "Agathe", "Aïcha", "Alice", "Amandine", "Anaïs", "Audrey", "Aurélie", "Bérénice", "Brigitte",
    "Capucine", "Carole", "Céline", "Chantal", "Chloé", "Cindy", "Coralie", "Delphine", "Elsa", "Émilienne",
    "Estelle", "Fanny", "Fatima", "Gaëlle", "Hélène", "Inès", "Jade", "Jessica", "Josiane", "Julie",
    "Karine", "Laetitia", "Laura", "Léna", "Lina", "Louise", "Lucie", "Maëlys", "Malika", "Manon",
    "Marine", "Maryse", "Mélanie", "Mireille", "Nadège", "Naïma", "Noémie", "Océane", "Ophélie", "Pauline",
    "Rose", "Samia", "Sandrine", "Sarah", "Solène", "Soraya", "Stéphanie", "Sylvie", "Virginie", "Yvette",
    "Zoé", "Aminata", "Fabienne", "Ginette", "Huguette", "Jeannine", "Leïla", "Monique", "Nathalie", "Odile",
)  # fmt: skip
MALE_FIRST_NAMES = (
    "Adrien", "Alain", "Armand", "Bastien", "Benoît", "Bernard", "Cédric", "Christophe", "Cyril", "David",
    "Enzo", "Fabrice", "Florian", "Franck", "Gérard", "Grégory", "Hugo", "Jacques", "Jérôme", "Jordan",
    "Kevin", "Killian", "Lionel", "Louis", "Ludovic", "Malik", "Marcel", "Mehdi", "Nathan", "Noah",
    "Olivier", "Pascal", "Patrick", "Quentin", "Rachid", "Raymond", "Rémi", "Samir", "Serge", "Sofiane",
    "Teddy", "Théo", "Thierry", "Tony", "Yanis", "Yannick", "Youssef", "Marius", "Léon", "Moussa",
)  # fmt: skip
EPICENE_FIRST_NAMES = ("Camille", "Dominique", "Alex", "Sacha", "Charlie", "Claude", "Lou", "Morgan", "Eden", "Noa")
LAST_NAMES = (
    "Carpentier", "Delattre", "Vasseur", "Lemaire", "Benhamou", "Pruvost", "Traoré", "Caudron", "Leclercq",
    "Duflos", "Obert", "Tellier", "Boulanger", "Deneux", "Cuvelier", "Hennebert", "Wattebled", "Kaddouri",
    "Poiret", "Lenglet", "Froment", "Moreau", "Lefèvre", "Garnier", "Rolland", "Marchal", "Berthier",
    "Arnaud", "Perrot", "Vidal", "Delmas", "Fontaine", "Leroux", "Maillard", "Collin", "Gillet", "Barbier",
    "Lacroix", "Renard", "Hamon", "Huet", "Bouvier", "Cordier", "Dumont", "Brun", "Marty", "Aubry",
    "Benard", "Carré", "Dufour", "Gaillard", "Hoarau", "Jacob", "Laine", "Lebrun", "Mallet", "Meunier",
    "Noël", "Pelletier", "Poulain", "Prévost", "Rey", "Riviere", "Roche", "Royer", "Schmitt", "Tessier",
    "Tissot", "Vallée", "Weber", "Yilmaz", "Zimmer", "Belkacem", "Diallo", "Nguyen", "Ferreira", "Da Costa",
    "Mendy", "Kone", "Ouali", "Benali", "Chérif", "Sanchez", "Lopes", "Bertin", "Charpentier", "Delorme",
    "Ducrocq", "Flament", "Gosselin", "Herbaut", "Lambin", "Mortier", "Quénu", "Sarrazin", "Turpin", "Viard",
)  # fmt: skip
# Ages (inclusive) of each class, to draw an age or a date of birth from the class.
AGE_RANGES = {
    AgeClass.AGE_0_10: (1, 10),
    AgeClass.AGE_11_14: (11, 14),
    AgeClass.AGE_15_17: (15, 17),
    AgeClass.AGE_18_25: (18, 25),
    AgeClass.AGE_26_40: (26, 40),
    AgeClass.AGE_41_60: (41, 60),
    AgeClass.AGE_61_74: (61, 74),
    AgeClass.AGE_75_PLUS: (75, 93),
}


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same day ``years`` earlier (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


@dataclass(frozen=True)
class Identity:
    """What is known of someone: as a referral states it, and as the follow-up's person record keeps it."""

    sex: str
    first_name: str = ""
    last_name: str = ""
    birth_date: datetime.date | None = None
    age: int | None = None  # stated age, when the date of birth is not known
    phone: str = ""
    email: str = ""
    best_time: str = ""

    @property
    def is_anonymous(self) -> bool:
        return not (self.first_name or self.last_name)

    @property
    def age_class(self) -> str:
        """The class the casework service derives from a referral (the stated age only)."""
        return age_class_for(self.age) if self.age is not None else AgeClass.UNKNOWN

    def age_on(self, on: datetime.date) -> int | None:
        if self.birth_date is None:
            return self.age
        return on.year - self.birth_date.year - ((on.month, on.day) < (self.birth_date.month, self.birth_date.day))

    def without_contact(self) -> "Identity":
        return replace(self, phone="", email="", best_time="")


class Directory:
    """Draws identities for one department. Phone numbers never repeat within the department."""

    def __init__(self, *, first_number: int):
        self._number = first_number

    def _next_number(self) -> int:
        self._number += 1
        return self._number % 10_000

    def phone(self) -> str:
        number = self._next_number()
        return f"06 00 00 {number // 100:02d} {number % 100:02d}"  # the fictional range of the demo

    def email(self, first_name: str, last_name: str) -> str:
        local = normalise_text(f"{first_name} {last_name}").replace(" ", ".") or "contact"
        return f"{local}.{self._next_number():04d}@{DEMO_EMAIL_DOMAIN}"

    def identity(
        self,
        rng: random.Random,
        *,
        sex: str,
        age_class: str,
        on: datetime.date,
        last_name: str = "",
        anonymous: bool = False,
        reachable: bool = False,
        best_times: tuple[str, ...] = ("",),
    ) -> Identity:
        """Someone of this sex and age class on ``on``; ``reachable``: with a safe phone (sometimes an e-mail)."""
        first_name = last = ""
        if not anonymous:
            names = {Sex.FEMALE: FEMALE_FIRST_NAMES, Sex.MALE: MALE_FIRST_NAMES}.get(sex, EPICENE_FIRST_NAMES)
            first_name, last = rng.choice(names), last_name or rng.choice(LAST_NAMES)
        birth_date = age = None
        if age_class != AgeClass.UNKNOWN:
            low, high = AGE_RANGES[age_class]
            years = rng.randint(low, high)
            known = rng.random()
            if not anonymous and known < 0.64:
                birth_date = years_before(on, years) - datetime.timedelta(days=rng.randint(0, 364))
            elif known < 0.93:
                age = years
        phone = email = best_time = ""
        if reachable and not anonymous:
            phone = self.phone()
            best_time = rng.choice(best_times)
            if rng.random() < 0.15:
                email = self.email(first_name, last)
        return Identity(sex, first_name, last, birth_date, age, phone, email, best_time)
