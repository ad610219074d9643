"""The demo's bilan of last year against a year before whose activity starts late (issue 20: it printed
"+357,9 %"): the comparison says the previous period is incomplete and gives no change in %."""

import re

import pytest
from django.utils import translation

from demo.data import TERRITORY
from reporting.bilan import BilanScope, Period, ScopeKind
from reporting.indicators import compute_bilan
from reporting.summary import summary_sentences

pytestmark = pytest.mark.usefixtures("seeded_demo", "db")


def test_the_demo_comparison_with_a_partial_year_is_no_trend(last_year):
    code = next(iter(TERRITORY))
    with translation.override("fr"):
        bilan = compute_bilan(scope=BilanScope(ScopeKind.DEPARTMENT, code, code), period=Period(*last_year))
        sentences = summary_sentences(bilan)
    assert bilan.incomplete_comparison.startswith(
        "période de comparaison incomplète : activité enregistrée à partir du"
    )
    compared = [
        sentence for sentence in sentences if "période" in sentence.lower() and str(last_year[0].year - 1) in sentence
    ]
    assert compared and all(bilan.incomplete_comparison in sentence for sentence in compared)
    assert not any(re.search(r"[+−]\d[\d,]* %", sentence) for sentence in sentences)
