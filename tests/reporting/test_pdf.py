"""The bilan's PDF (its text, read back with pypdf), the summary in sentences and the offline fetcher."""

import pytest
from django.utils import translation
from weasyprint import HTML

from reporting.bilan import SECONDARY_MASK, Cell, FigureUnit, Indicator
from reporting.pdf import StaticOnlyFetcher, bilan_pdf, bilan_pdf_context, render_pdf, static_root
from reporting.summary import highlights, masking_notice, period_label, summary_sentences
from tests.reporting.samples import MASK, THRESHOLD, UNIT_LABEL, bilan_of, normalize, pdf_pages, sample_bilan

HEADLINE = (
    "During 412 appointments, 98 persons were met, each counted once in every place where they were met: "
    "80 at the police station and 31 at the town hall or CCAS."
)


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.fixture(scope="module")
def exact_pages():
    with translation.override("en"):
        return pdf_pages(bilan_pdf(sample_bilan(with_previous=True)))


@pytest.fixture(scope="module")
def masked_pages():
    with translation.override("en"):
        return pdf_pages(bilan_pdf(sample_bilan(masked=True, with_previous=True)))


# ---- The PDF ------------------------------------------------------------------------------------


KEY_FIGURES = 2  # the cover, the contents, then the key figures


def test_cover_then_contents_then_key_figures_with_the_headline_sentence(exact_pages, english):
    cover, contents, first = exact_pages[:3]
    assert "Somme (80)" in cover and "From Jan. 1, 2024 to Dec. 31, 2024" in cover
    assert "Working version" in cover
    assert "Contents" in contents and "Annex: every indicator" in contents
    assert HEADLINE in first
    assert "Somme (80)" in first
    assert normalize(period_label(sample_bilan().period)) in first
    assert "71 of them were met for the first time." in first
    assert "A. Referrals" not in first  # the indicator tables are in the annex


def test_every_highlight_is_on_the_key_figures_page(exact_pages, english):
    for sentence in highlights(sample_bilan(with_previous=True)):
        assert normalize(sentence) in exact_pages[KEY_FIGURES]


def test_every_page_but_the_cover_has_the_scope_the_period_and_its_number(exact_pages, english):
    period = normalize(period_label(sample_bilan().period))
    for number, page in enumerate(exact_pages[1:], start=2):
        assert "Somme (80)" in page
        assert period in page
        assert f"Page {number} / {len(exact_pages)}" in page


def test_each_group_has_its_section_with_its_indicators(exact_pages, english):
    text = " ".join(exact_pages)
    for letter, title, indicators in sample_bilan().groups():
        assert f"{letter}. {title}" in text
        for indicator in indicators:
            assert normalize(f"{indicator.id} {indicator.label}") in text


def test_tables_show_values_and_percentages_with_their_denominator(exact_pages, english):
    text = " ".join(exact_pages)
    assert "Share des 98 personnes rencontrées" in text
    assert "Femme 60 61.2 %" in text
    assert "75 ans et plus 3 3.1 %" in text
    assert normalize(f"{UNIT_LABEL} 101 64.7 %") in text  # escaped in HTML, read back intact
    assert "Commune d'Amiens 15,000.50 € 16.7 %" in text  # money in euros
    assert "Total 92,500.75 €" not in text and "I3 Coût total 92,500.75 €" in text


def test_exact_bilan_says_it_is_not_for_diffusion(exact_pages, english):
    assert "Exact figures — internal diffusion" in exact_pages[0]
    assert "Exact figures — internal document, not for diffusion" in exact_pages[KEY_FIGURES]
    assert "< 11" not in " ".join(exact_pages)


def test_masked_bilan_shows_the_masked_strings_never_the_exact_numbers(masked_pages, english):
    text = " ".join(masked_pages)
    assert "75 ans et plus < 11 —" in text
    assert "75 ans et plus 3" not in text
    assert "Sexe non renseigné < 11 —" in text
    assert "Sexe non renseigné 8" not in text
    assert f"Homme {SECONDARY_MASK} —" in text
    assert "Homme 30" not in text
    assert "E4 Transmissions de protection de l'enfance < 11" in text


def test_masked_bilan_carries_the_diffusion_mention_and_threshold(masked_pages, english):
    assert "Diffusion version" in masked_pages[0]
    assert normalize(masking_notice(THRESHOLD)) in masked_pages[KEY_FIGURES]
    for page in masked_pages[1:]:
        assert f"Diffusion — masking threshold: {THRESHOLD}" in page


def test_previous_period_comparison_is_shown_when_present(exact_pages, english):
    text = " ".join(exact_pages)
    assert "Comparison with the previous period" in text
    assert "B1 Personnes rencontrées 98 85 +15.3 %" in text
    assert "Compared with the previous period (2023), the number of persons met went from 85 to 98 (+15.3 %)." in text


def test_no_comparison_without_previous_period(english):
    text = " ".join(pdf_pages(bilan_pdf(sample_bilan())))
    assert "Comparison with the previous period" not in text


def test_warnings_are_shown(exact_pages):
    assert "Année 2024 : 2 500,75 € ne sont pas financés." in exact_pages[KEY_FIGURES]


# ---- Summary sentences --------------------------------------------------------------------------


def test_summary_sentences_of_the_sample(english):
    sentences = summary_sentences(sample_bilan())
    assert sentences[0] == HEADLINE
    assert "24 persons, 24.5\xa0%, were not known to social services at first contact." in sentences
    assert "14 persons were in characterised danger or flagged in very great danger." in sentences
    assert "156 referrals were received." in sentences
    assert "6 child-protection transmissions were made." in sentences
    assert "58 follow-ups were still open at the end of the period." in sentences
    assert "Coût total: 92,500.75\xa0€." in sentences


def test_summary_uses_the_singular_for_one(english):
    bilan = bilan_of(
        Indicator(id="B1", label="Personnes", unit=FigureUnit.PERSONS, total=1),
        Indicator(
            id="C2",
            label="Rendez-vous",
            unit=FigureUnit.INTERVENTIONS,
            total=1,
            breakdown=(Cell("done", "Réalisés", 1),),
        ),
        Indicator(id="A1", label="Saisines", unit=FigureUnit.REFERRALS, total=1),
    )
    assert summary_sentences(bilan) == ["During 1 appointment, 1 person was met.", "1 referral was received."]


def test_summary_copes_with_zeros(english):
    bilan = bilan_of(
        Indicator(id="B1", label="Personnes", unit=FigureUnit.PERSONS, total=0),
        Indicator(id="B2", label="Nouvelles", unit=FigureUnit.PERSONS, total=0),
        Indicator(id="A1", label="Saisines", unit=FigureUnit.REFERRALS, total=0),
    )
    assert summary_sentences(bilan) == ["No person was met during the period.", "No referral was received."]


def test_summary_leaves_out_zero_secondary_figures(english):
    bilan = bilan_of(
        Indicator(id="B1", label="Personnes", unit=FigureUnit.PERSONS, total=5),
        Indicator(id="B2", label="Nouvelles", unit=FigureUnit.PERSONS, total=0),
        Indicator(id="E3", label="Orientées", unit=FigureUnit.PERSONS, total=0),
        Indicator(
            id="A4",
            label="Délai médian",
            unit=FigureUnit.DAYS,
            total=None,
            details=(("waiting", "En attente", 0, FigureUnit.REFERRALS),),
        ),
        Indicator(id="I3", label="Coût total", unit=FigureUnit.CENTS, total=0),
    )
    assert summary_sentences(bilan) == ["5 persons were met.", "None of them was met for the first time."]


def test_summary_says_fewer_than_for_masked_counts_and_leaves_secret_ones_out(english):
    bilan = bilan_of(
        Indicator(id="B1", label="Personnes", unit=FigureUnit.PERSONS, total=MASK),
        Indicator(
            id="B9",
            label="Par lieu",
            unit=FigureUnit.PERSONS,
            total=MASK,
            breakdown=(Cell("police_station", "Commissariat", MASK), Cell("home", "Domicile", SECONDARY_MASK)),
        ),
        Indicator(id="E3", label="Orientées", unit=FigureUnit.PERSONS, total=SECONDARY_MASK),
        Indicator(id="D2", label="Danger", unit=FigureUnit.PERSONS, total="< 5"),
        masked=True,
    )
    assert summary_sentences(bilan) == [
        "Fewer than 11 persons were met: fewer than 11 at the police station.",
        "Fewer than 5 persons were in characterised danger or flagged in very great danger.",
    ]


def test_summary_leaves_out_missing_indicators():
    assert summary_sentences(bilan_of()) == []
    only_cost = bilan_of(Indicator(id="I3", label="Coût total", unit=FigureUnit.CENTS, total=None))
    assert summary_sentences(only_cost) == []


def test_summary_of_an_unknown_place_quotes_its_label(english):
    bilan = bilan_of(
        Indicator(id="B1", label="Personnes", unit=FigureUnit.PERSONS, total=12),
        Indicator(
            id="B9",
            label="Par lieu",
            unit=FigureUnit.PERSONS,
            total=12,
            breakdown=(Cell("boat", "Péniche", 12, 100.0),),
        ),
    )
    assert summary_sentences(bilan) == ["12 persons were met: 12 (Péniche)."]


def test_pdf_of_an_empty_bilan_says_so(english):
    text = " ".join(pdf_pages(bilan_pdf(bilan_of())))
    assert "No figure is available for this period." in text


# ---- render_pdf and its fetcher -----------------------------------------------------------------


def test_render_pdf_returns_a_pdf_with_the_rendered_text(english):
    context = {**bilan_pdf_context(bilan_of()), "highlights": ["Une phrase <à> échapper & lire."]}
    content = render_pdf("reporting/pdf/bilan.html", context)
    assert "Une phrase <à> échapper & lire." in pdf_pages(content)[KEY_FIGURES]


def test_fetcher_serves_static_files():
    css = static_root() / "css" / "reporting-print.css"
    response = StaticOnlyFetcher().fetch(css.as_uri())
    assert response.content_type == "text/css"
    assert b"@page" in response.read()


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/logo.png",
        "http://127.0.0.1/",
        "ftp://example.org/file",
        "data:text/css,body{}",
        "file:///etc/passwd",
        "file://server/share/file.css",
    ],
)
def test_fetcher_refuses_anything_but_local_static_files(url):
    with pytest.raises(ValueError, match="Refused"):
        StaticOnlyFetcher().fetch(url)


def test_fetcher_refuses_to_climb_out_of_static():
    url = (static_root() / ".." / "manage.py").as_uri().replace("%2E", ".")
    with pytest.raises(ValueError, match="Refused"):
        StaticOnlyFetcher().fetch(url)


def test_a_document_pointing_to_the_network_renders_without_fetching_it(monkeypatch):
    requested = []

    def refuse(self, url, headers=None):
        requested.append(url)
        raise AssertionError("network")

    monkeypatch.setattr("urllib.request.OpenerDirector.open", refuse)
    html = (
        '<img src="https://example.org/x.png" alt="x"><link rel="stylesheet" href="http://example.org/a.css"><p>ok</p>'
    )
    HTML(string=html, base_url=static_root().as_uri() + "/", url_fetcher=StaticOnlyFetcher()).write_pdf()
    assert requested == []
