"""Funders named in a sentence that shows them paying in other ways than "funded by X": bodies that
open a call together, read through the real spaCy pipeline."""

from __future__ import annotations

from funder_texts import funder_names, read_funders


def test_agencies_that_launch_a_programme_together_are_its_funders() -> None:
    text = ("Nordic research on green shipping\n\n"
            "NordForsk, Nordic Innovation and Nordic Energy Research have together launched this "
            "research and innovation programme for green shipping.")
    found = funder_names(text)
    assert {"NordForsk", "Nordic Innovation", "Nordic Energy Research"} <= set(found)


def test_the_agencies_a_call_is_opened_in_cooperation_with_are_not_its_funders() -> None:
    text = ("Baltic research call\n\n"
            "The Latvian Council of Science in cooperation with the Research Council of Norway and "
            "Vinnova is pleased to open the call for project applications.")
    found = funder_names(text)
    assert "Latvian Council of Science" in found
    assert "Research Council of Norway" not in found
    assert "Vinnova" not in found


def test_agencies_merely_listed_beside_a_call_word_elsewhere_in_a_list_are_not_funders() -> None:
    text = ("Who we are\n\n"
            "Our members include Vinnova, Formas and the Swedish Energy Agency.\n"
            "Read the newsletter for news on calls.")
    assert funder_names(text) == []


def test_a_body_or_plan_introduced_by_other_paying_words_is_a_funder_as_written() -> None:
    found = read_funders("Fund for town centres\n\nWith a budget of €3m, the fund is an initiative of "
                         "Project Harbour 2040 and supports ten towns.")
    assert {"name": "Project Harbour", "text": "Project Harbour 2040"} in found
    found = funder_names("Kulturprojekt 2025\n\nTolv projekt får i år understöd av Kustbygdens Kulturråd.")
    assert "Kustbygdens Kulturråd" in found
    found = funder_names("Research budget\n\nThe institute has a £50 million budget made available under "
                         "the Coastal Futures Plan.")
    assert "Coastal Futures Plan" in found


def test_a_pot_named_with_its_year_is_reported_by_its_name_and_as_written() -> None:
    found = read_funders("Bygdemedel\n\nNu är det hög tid att söka bidrag ur Landsbygdspotten 2017.")
    assert {"name": "Landsbygdspotten", "text": "Landsbygdspotten 2017"} in found


def test_a_board_that_decides_on_its_grants_or_sets_money_aside_is_a_funder() -> None:
    text = ("Kulturstipendier 2025\n\n"
            "Stipendierna kan sökas av unga i kommunen.\n"
            "Fritidsnämnden beslutar om vilka som får stipendierna i maj.")
    assert "Fritidsnämnden" in funder_names(text)
    text = ("Internationalisering på hemmaplan\n\n"
            "Utbytesrådet har avsatt 500 000 kronor för aktiviteter som främjar internationalisering.")
    assert "Utbytesrådet" in funder_names(text)


def test_a_word_opening_the_sentence_is_not_read_into_the_name_before_a_paying_verb() -> None:
    text = ("Grants for choirs\n\n"
            "Although the Harbourview Choir Trust offers grants to choirs, it does not fund tours.")
    found = funder_names(text)
    assert "Harbourview Choir Trust" in found
    assert not any(name.startswith("Although") for name in found)


def test_a_body_whose_logo_marks_the_page_is_a_funder() -> None:
    text = ("Vinnova logo\n\n"
            "Shipping Lab Nordic\n\n"
            "The lab brings ship owners and ports together to test electric ferries.\n"
            "Staff of Formas and the Swedish Energy Agency visited the lab in May.")
    found = funder_names(text)
    assert "Vinnova" in found
    assert "Formas" not in found
    text = ("Logotyp Jordbruksverket\n\n"
            "Ängar i Norrland\n\n"
            "Projektet visar hur gamla ängar kan skötas.\n"
            "Naturvårdsverket och Formas har besökt ängarna.")
    assert "Swedish Board of Agriculture" in funder_names(text)


def test_a_body_named_where_the_money_comes_from_or_as_main_financier_is_a_funder() -> None:
    text = ("Nya ängar\n\n"
            "Föreningen restaurerar ängar i tre byar. Formas och Vinnova har besökt projektet.\n"
            "Projektets huvudfinansiär är Naturvårdsverket.")
    found = funder_names(text)
    assert "Swedish Environmental Protection Agency" in found
    assert "Formas" not in found
    text = ("Ports of tomorrow\n\n"
            "Six ports test shore power. Staff of Formas and Vinnova visited the ports.\n"
            "The funding, which comes from the Swedish Energy Agency, runs for three years.")
    found = funder_names(text)
    assert "Swedish Energy Agency" in found
    assert "Vinnova" not in found


def test_every_body_in_a_list_under_a_short_financing_heading_is_a_funder() -> None:
    text = ("Green growth projects selected\n\n"
            "Twelve projects on green growth were selected this spring.\n"
            "Co-financing partners\n"
            "- Vinnova\n"
            "- Formas\n"
            "- Swedish Energy Agency\n"
            "Anna Berg, Senior Adviser, answers questions on the projects.")
    found = set(funder_names(text))
    assert {"Vinnova", "Formas", "Swedish Energy Agency"} <= found


def test_bodies_in_a_list_under_a_heading_that_is_not_about_money_are_not_funders() -> None:
    text = ("Green growth seminar\n\n"
            "Speakers at the seminar\n"
            "- Vinnova\n"
            "- Formas\n"
            "- Swedish Energy Agency\n"
            "The seminar is free of charge.")
    assert funder_names(text) == []


def test_an_italian_or_french_region_that_runs_a_call_is_a_funder_by_its_registry_name() -> None:
    text = ("Bandi regionali\n\n"
            "Regione Toscana has established two new calls for small firms in the tourism sector.")
    assert "Tuscany Region" in funder_names(text)
    text = ("Call for projects\n\n"
            "The call is funded by the Brittany Region and open to associations until 30 June.")
    assert "Brittany Region" in funder_names(text)


def test_a_region_named_where_it_receives_or_hosts_is_not_a_funder() -> None:
    text = ("Study visit\n\n"
            "Our partners met in Lille, in the Hauts-de-France Region, to discuss the project.\n"
            "Horizon Europe funds the project's research on ports.")
    assert "Hauts-de-France Region" not in funder_names(text)


def test_the_agency_that_owns_the_programme_a_call_belongs_to_is_a_funder() -> None:
    text = ("Nordplus Junior\n\n"
            "Nordplus Junior supports school exchanges between the Nordic and Baltic countries.\n"
            "Since 2008 Nordplus has been the learning programme of the Nordic Council of Ministers.\n"
            "Staff of Vinnova and Formas visited a school in Riga.")
    found = funder_names(text)
    assert "Nordic Council of Ministers" in found
    assert "Vinnova" not in found


def test_the_funds_a_list_of_grants_is_paid_from_are_funders() -> None:
    text = ("Beviljade stipendier 2024\n\n"
            "Historia\n\n"
            "Ur Anna och Erik Lindbloms minnesfond:\n"
            "Karin Ek 5 000 euro för en bok om skärgårdens historia.\n"
            "Ur Gustav Holms fond:\n"
            "Per Lund 3 000 euro för en utställning.")
    found = funder_names(text)
    assert "Anna och Erik Lindbloms minnesfond" in found
    assert "Gustav Holms fond" in found


def test_the_funds_a_programme_is_co_financed_through_are_funders_even_when_many() -> None:
    text = ("Third call for proposals\n\n"
            "The third call of the Danube Region Programme, co-financed by the European Union through "
            "the ERDF, IPA and ENI funds, is open until 30 June.")
    found = set(funder_names(text))
    assert {"European Regional Development Fund", "Instrument for Pre-accession Assistance",
            "European Neighbourhood Instrument"} <= found


def test_funds_listed_as_examples_of_eu_funds_are_not_funders() -> None:
    text = ("Our guide\n\n"
            "The four structural funds are the ERDF, the ESF, the EMFF and the EAFRD, each with its own rules.\n"
            "Read about them in our guide.")
    assert funder_names(text) == []


def test_a_foundation_stating_its_purpose_is_a_funder() -> None:
    text = ("Ansökan\n\n"
            "Sparbanksstiftelsen Kustbygden har som ändamål att främja utbildning och kultur i bygden.\n"
            "Ansökan lämnas senast 31 mars.")
    assert "Sparbanksstiftelsen Kustbygden" in funder_names(text)


def test_agencies_named_as_making_a_joint_investment_are_funders() -> None:
    text = ("Om programmet\n\n"
            "Programmet Smarta hamnar är en gemensam satsning av Vinnova, Formas och Energimyndigheten.")
    found = set(funder_names(text))
    assert {"Vinnova", "Formas", "Swedish Energy Agency"} <= found


def test_a_programme_named_after_the_umbrellas_form_is_the_programme_not_the_umbrella() -> None:
    found = read_funders("Två projekt om turism\n\nDet gränsöverskridande EU-programmet Interreg Aurora ger "
                         "stöd till två nya samarbeten i fjällen.")
    assert [f["name"] for f in found] == ["Interreg Aurora"]


def test_a_programme_a_project_was_part_of_in_swedish_is_its_funder() -> None:
    text = ("Unga i arbete\n\n"
            "Projektet ingick i Landsbygdsprogrammet och arbetade med unga i tre kommuner.\n"
            "Personal från Vinnova och Formas besökte projektet.")
    found = funder_names(text)
    assert "Rural Development Programme" in found
    assert "Vinnova" not in found


def test_the_bodies_a_joint_programme_is_a_collaborative_effort_between_are_its_funders() -> None:
    text = ("Arctic health research: call for proposals\n\n"
            "The programme is a collaborative effort between the Research Council of Norway, "
            "Forte and NordForsk, and invites applications until 3 March.")
    found = funder_names(text)
    assert {"Research Council of Norway", "Forte", "NordForsk"} <= set(found)


def test_a_government_that_opens_its_sentence_and_counts_money_there_is_a_funder() -> None:
    found = funder_names("Sommarjobb för unga\n\nRegeringen ger kommunerna 12 miljoner kronor i år "
                         "för att fler unga ska få ett första jobb. Vinnova följer arbetet.")
    assert "Government of Sweden" in found
    found = funder_names("Coastal towns\n\nThe Scottish Government is putting £4 million into harbour "
                         "repairs this winter. VisitScotland will promote the towns.")
    assert "Scottish Government" in found


def test_a_government_opening_a_sentence_with_a_share_that_is_no_money_is_not_a_funder() -> None:
    found = funder_names("Organic farming\n\nRegeringen vill att 30 procent av åkermarken ska vara "
                         "ekologisk. Jordbruksverket öppnar en ny utlysning för rådgivning.")
    assert "Government of Sweden" not in found


def test_a_registry_name_with_a_comma_introduced_as_paying_is_introduced_whole() -> None:
    # the cue's reading of the name stops at the comma; the registry's name goes on past it
    text = ("Coastal walks\n\nThe money for new trails is provided by the Department of Agriculture, Food "
            "and the Marine. Fáilte Ireland will promote the walks and the Heritage Council gives advice.")
    assert funder_names(text) == ["Department of Agriculture, Food and the Marine"]


def test_what_a_project_gets_support_from_in_swedish_is_its_funder() -> None:
    found = funder_names("Nytt båthus i hamnen\n\nFöreningens båthus får stöd av Hamnbygdens Kulturråd i två år.")
    assert found == ["Hamnbygdens Kulturråd"]
    found = funder_names("Ny cykelled\n\nLeden fick stöd av EU med fyra miljoner kronor och byggs under våren.")
    assert found == ["European Union"]
