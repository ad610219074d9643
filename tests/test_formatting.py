"""The one money formatter (iscg.formatting.euros): every page, PDF, sentence and warning reads it."""

from django.template import Context, Template
from django.utils import translation

from conventions.templatetags import money
from iscg.formatting import euros
from reporting import exports, summary
from reporting.bilan import FigureUnit
from reporting.indicators import cofinancing


def test_cents_show_two_decimals_with_a_decimal_comma():
    with translation.override("fr"):
        assert euros(5) == "0,05\xa0€"
        assert euros(120) == "1,20\xa0€"
        assert euros(0) == "0,00\xa0€"


def test_thousands_are_grouped_with_an_unbreakable_space():
    with translation.override("fr"):
        assert euros(1_234_567) == "12\xa0345,67\xa0€"
        assert euros(123_456_789_00) == "123\xa0456\xa0789,00\xa0€"


def test_negative_amounts_keep_their_sign():
    with translation.override("fr"):
        assert euros(-123_456) == "-1\xa0234,56\xa0€"
        assert euros(-5) == "-0,05\xa0€"


def test_english_reads_its_own_separators():
    with translation.override("en"):
        assert euros(1_234_567) == "12,345.67\xa0€"


def test_empty_amounts_show_a_dash():
    assert euros(None) == "—"
    assert euros("") == "—"


def test_strings_of_cents_from_templates_are_read_as_integers():
    with translation.override("fr"):
        assert euros("250000") == "2\xa0500,00\xa0€"


def test_the_template_filter_the_summary_exports_and_indicators_all_use_the_same_function():
    assert money.euros is euros
    assert summary.euros is euros
    assert exports.euros is euros
    assert cofinancing.euros is euros
    with translation.override("fr"):
        assert Template("{% load money %}{{ amount|euros }}").render(Context({"amount": 1_234_567})) == (
            "12\xa0345,67\xa0€"
        )
        assert summary.format_value(1_234_567, FigureUnit.CENTS) == "12\xa0345,67\xa0€"
