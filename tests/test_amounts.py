"""Budgets and grant sizes read by the real spaCy component (`callwatch_amounts` on blank sv/en
pipelines). Sentences are made up for the tests."""

from __future__ import annotations

import pytest
import spacy

import pipeline.nlp.amounts  # noqa: F401  (registers the factory)


@pytest.fixture(scope="module")
def amounts():
    pipelines = {}

    def run(text: str, lang: str = "sv") -> set[tuple[float, str]]:
        base = lang if lang in ("sv", "en") else "sv"  # blank pipelines for the two main languages
        if base not in pipelines:
            nlp = spacy.blank(base)
            nlp.add_pipe("callwatch_amounts")
            pipelines[base] = nlp
        nlp = pipelines[base]
        doc = nlp.make_doc(text)
        doc._.lang = lang
        doc = nlp(doc)
        found = [(a["value"], a["currency"]) for a in doc._.amounts]
        assert len(found) == len(set(found)), "each value and currency is listed once"
        return set(found)

    return run


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Regionen satsar nära 17 miljoner kronor på projektet.", (17_000_000, "SEK")),
        ("Varje projekt kan få högst 2,5 MSEK.", (2_500_000, "SEK")),
        ("Beviljat belopp: 1 500 000 kr", (1_500_000, "SEK")),
        ("Totalt 12 mnkr fördelas i år.", (12_000_000, "SEK")),
        ("Fonden omfattar 3 miljarder kronor.", (3_000_000_000, "SEK")),
        ("Du kan söka max en miljon kronor.", (1_000_000, "SEK")),
        ("Programmet har 8 milj. kr för förstudier.", (8_000_000, "SEK")),
    ],
)
def test_swedish_amounts(amounts, text, expected):
    assert amounts(text) == {expected}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The call has a budget of EUR 100 million.", (100_000_000, "EUR")),
        ("Grants of € 2.5 million are available.", (2_500_000, "EUR")),
        ("The partnership will invest €11M in pilots.", (11_000_000, "EUR")),
        ("Maximum grant: EUR 1,500,000", (1_500_000, "EUR")),
        ("Total budget: 2 450 030,67 €", (2_450_030.67, "EUR")),
        ("Budget: around 1.500.000€", (1_500_000, "EUR")),
        ("Partners may receive NOK 2 millioner each.", (2_000_000, "NOK")),
    ],
)
def test_english_and_european_notation(amounts, text, expected):
    assert amounts(text, "en") == {expected}


def test_amount_without_currency_takes_the_pages_currency(amounts):
    text = "Bidragsbelopp: Två miljoner per år.\n\nBudgetram: 40 miljoner kronor per år."
    assert amounts(text) == {(2_000_000, "SEK"), (40_000_000, "SEK")}


def test_amount_with_no_inferable_currency_is_left_out(amounts):
    assert amounts("Totalt fördelas 100 miljoner under perioden.") == set()


def test_foreign_money_without_currency_is_left_out(amounts):
    text = "Projekten söker 12 miljoner euro i stöd, plus 1,5 miljoner norska medel."
    assert amounts(text) == {(12_000_000, "EUR")}


def test_percentages_years_phone_numbers_and_counts_are_not_amounts(amounts):
    text = (
        "Stödet täcker högst 40 procent (40 %) av kostnaderna under 2024–2027. "
        "Ring 0920 384 85. Målet är att nå 3 miljoner invånare. Budget: 5 miljoner kronor."
    )
    assert amounts(text) == {(5_000_000, "SEK")}


def test_the_same_amount_written_twice_is_listed_once(amounts):
    text = "Call budget: € 11,000,000.00\nWith a total budget of 11 million euros, ten projects will be funded."
    assert amounts(text, "en") == {(11_000_000, "EUR")}


def test_a_range_gives_both_ends(amounts):
    assert amounts("Budgets typically range between EUR 1.5 and 4.5 million.", "en") == {
        (1_500_000, "EUR"),
        (4_500_000, "EUR"),
    }
    assert amounts("Stödet är mellan 100 000 och 500 000 kronor.") == {(100_000, "SEK"), (500_000, "SEK")}


def test_one_cap_in_two_currencies_gives_both(amounts):
    assert amounts("A project can apply for at most 200 000 EUR (2 mill. NOK).", "en") == {
        (200_000, "EUR"),
        (2_000_000, "NOK"),
    }


def test_bare_number_under_a_money_label_takes_the_pages_currency(amounts):
    text = "Fem projekt har fått totalt 2 miljoner kronor.\n\nBeviljat belopp: 412 500\nStartår: 2024\nDeltagare: 1 200"
    assert amounts(text) == {(2_000_000, "SEK"), (412_500, "SEK")}


def test_crowns_are_the_pages_countrys_unless_named(amounts):
    assert amounts("Prosjektet kan få inntil 2 millioner kr.", "nb") == {(2_000_000, "NOK")}
    assert amounts("Projektet kan få upp till 2 miljoner kr.", "sv") == {(2_000_000, "SEK")}
    assert amounts("Svenske partnere kan få 5 MSEK.", "nb") == {(5_000_000, "SEK")}


def test_fees_and_prices_are_not_budgets(amounts):
    assert amounts("Deltagaravgift: 500 kr inklusive lunch. Utlysningen omfattar 20 miljoner kronor.") == {
        (20_000_000, "SEK")
    }


def test_bare_range_before_a_money_word_takes_the_pages_currency(amounts):
    text = "Utlysningen omfattar 8 miljoner kronor. Förstudier kan få 100 000–250 000 i projektbidrag."
    assert amounts(text) == {(8_000_000, "SEK"), (100_000, "SEK"), (250_000, "SEK")}
    assert amounts("Utlysningen omfattar 8 miljoner kronor. Totalt sökte 1357 projekt.") == {(8_000_000, "SEK")}


def test_company_size_limits_are_not_budgets(amounts):
    text = (
        "SMEs are firms with fewer than 250 employees and an annual turnover not exceeding EUR 50 million. "
        "The call budget is EUR 20 million."
    )
    assert amounts(text, "en") == {(20_000_000, "EUR")}


def test_a_range_whose_first_end_is_written_in_full(amounts):
    assert amounts("Stöd kan beviljas med mellan 750 000 och 3 miljoner kronor.") == {(750000, "SEK"), (3000000, "SEK")}
    assert amounts("Grants of EUR 1.5 to 2 million per project.", "en") == {(1500000, "EUR"), (2000000, "EUR")}


def test_participant_fees_are_not_budgets(amounts):
    assert amounts("Deltagaravgift: 3 400 kronor per person. Kursen ges i Umeå.") == set()
    assert amounts("The registration fee is EUR 1,250 for members.", "en") == set()
