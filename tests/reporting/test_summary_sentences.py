"""The summary's sentences add up: read by someone who sums their numbers, they stay true (issue 20)."""

import re

import pytest
from django.utils import translation

from reporting.bilan import Cell, FigureUnit, Indicator
from reporting.summary import summary_sentences
from tests.reporting.samples import MASK, bilan_of, sample_bilan


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def persons_by_place(total, *cells):
    return (
        Indicator(id="B1", label="Personnes", unit=FigureUnit.PERSONS, total=total),
        Indicator(
            id="B9", label="Par lieu", unit=FigureUnit.PERSONS, total=total, breakdown=cells, is_multi_valued=True
        ),
    )


def numbers(sentence: str) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", sentence.replace("\u202f", "").replace("\xa0", ""))]


def test_places_adding_up_above_the_persons_met_say_a_person_counts_in_each_place(english):
    bilan = bilan_of(
        *persons_by_place(
            174,
            Cell("police_station", "Commissariat", 122),
            Cell("town_hall", "Mairie", 91),
            Cell("remote", "À distance", 115),
        )
    )
    headline = summary_sentences(bilan)[0]
    assert sum(numbers(headline)[1:]) > numbers(headline)[0]  # 328 places for 174 persons…
    assert headline == (
        "174 persons were met, each counted once in every place where they were met: "
        "122 at the police station, 91 at the town hall or CCAS and 115 remotely."
    )


def test_places_in_french_say_it_too():
    bilan = bilan_of(*persons_by_place(10, Cell("home", "Domicile", 6), Cell("remote", "À distance", 7)))
    with translation.override("fr"):
        headline = summary_sentences(bilan)[0]
    assert headline == (
        "10 personnes ont été rencontrées, chacune comptée une fois dans chaque lieu de rencontre : "
        "6 à domicile et 7 à distance."
    )


def test_a_single_place_needs_no_warning(english):
    bilan = bilan_of(*persons_by_place(12, Cell("police_station", "Commissariat", 12), Cell("home", "Domicile", 0)))
    assert summary_sentences(bilan) == ["12 persons were met: 12 at the police station."]


def test_durations_never_mix_days_and_months_in_one_figure(english):
    f2 = Indicator(
        id="F2",
        label="Durée des suivis clos (jours)",
        unit=FigureUnit.DAYS,
        total=55,
        details=(
            ("measured", "Suivis mesurés", 12, FigureUnit.FOLLOWUPS),
            ("mean_days", "Moyenne (jours)", 55, FigureUnit.DAYS),
            ("median_days", "Médiane (jours)", 40, FigureUnit.DAYS),
            ("mean_months", "Moyenne (mois)", 1.8, FigureUnit.RATIO),
            ("median_months", "Médiane (mois)", 1.3, FigureUnit.RATIO),
        ),
    )
    assert summary_sentences(bilan_of(f2)) == [
        "12 follow-ups closed lasted 55 days on average (1.8 months) and 40 days at the median (1.3 months), "
        "from their first held intervention."
    ]
    with translation.override("fr"):
        assert summary_sentences(bilan_of(f2)) == [
            "12 suivis clos ont duré en moyenne 55 jours (1,8 mois), et 40 jours en médiane (1,3 mois), "
            "depuis leur première intervention réalisée."
        ]


def test_durations_of_a_masked_count_of_follow_ups(english):
    f2 = Indicator(
        id="F2",
        label="Durée",
        unit=FigureUnit.DAYS,
        total=30.4,
        details=(
            ("measured", "Suivis mesurés", MASK, FigureUnit.FOLLOWUPS),
            ("mean_days", "Moyenne", 30.4, FigureUnit.DAYS),
        ),
    )
    assert summary_sentences(bilan_of(f2, masked=True)) == [
        "Fewer than 11 follow-ups closed lasted 30.4 days on average (1.0 months), from their first held intervention."
    ]


def test_a_multi_valued_breakdown_says_a_person_counts_in_several(english):
    sentences = summary_sentences(sample_bilan())
    problems = next(sentence for sentence in sentences if sentence.startswith("Personnes rencontrées par problém"))
    assert "(a person can count in several categories)" in problems
