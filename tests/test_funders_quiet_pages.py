"""Funders of pages that name their money's source without saying it pays: what a reader still
takes as the page's funder, read through the real spaCy pipeline."""

from __future__ import annotations

from funder_texts import funder_names


def test_a_project_page_that_names_its_programmes_only_in_passing_has_them_as_funders() -> None:
    text = ("Stories from the harbour\n\n"
            "Stories from the harbour is a Creative Europe cooperation project of four theatres.\n"
            "Our actors met the young people of the Erasmus+ exchange in Porto last spring.\n"
            "Schools can apply for a free performance before 1 May.")
    found = funder_names(text)
    assert "Creative Europe" in found
    assert "Erasmus+" in found


def test_on_such_a_page_the_agency_named_beside_a_programme_is_not_taken_for_its_funder() -> None:
    text = ("Stories from the harbour\n\n"
            "Stories from the harbour is a Creative Europe cooperation project of four theatres.\n"
            "Our director met the staff of Vinnova at a conference in Porto last spring.\n"
            "Schools can apply for a free performance before 1 May.")
    found = funder_names(text)
    assert "Creative Europe" in found
    assert "Vinnova" not in found


def test_a_programme_named_only_for_a_countrys_right_to_take_part_is_still_no_funder() -> None:
    text = ("Stories from the harbour\n\n"
            "Our theatre in Oslo welcomes guests from every Horizon Europe Associated Country.\n"
            "Schools can apply for a free performance before 1 May.")
    assert funder_names(text) == []


def test_a_page_that_speaks_of_no_money_names_its_programmes_only_in_passing() -> None:
    text = ("Stories from the harbour\n\n"
            "Stories from the harbour is a Creative Europe cooperation project of four theatres.\n"
            "Our actors met the young people of the Erasmus+ exchange in Porto last spring.")
    assert funder_names(text) == []


def test_the_one_region_a_grant_page_keeps_naming_is_its_funder() -> None:
    text = ("Bidrag till kulturprojekt\n\n"
            "Region Gävleborg efterfrågar projekt som gör kulturlivet starkare i hela länet.\n"
            "Frågor besvaras av kulturenheten i Region Gävleborg.\n"
            "Ansökan ska vara inne senast den 1 oktober.")
    assert funder_names(text) == ["Region Gävleborg"]


def test_regions_named_side_by_side_on_a_grant_page_are_not_all_taken_for_its_funders() -> None:
    text = ("Bidrag till kulturprojekt\n\n"
            "Projektet har deltagare från Region Gävleborg och Region Dalarna.\n"
            "Träffarna hålls i Region Gävleborg och i Region Dalarna.\n"
            "Ansökan ska vara inne senast den 1 oktober.")
    assert funder_names(text) == []


def test_a_region_an_application_for_money_is_sent_to_is_the_funder() -> None:
    text = ("Regionala projektmedel\n\n"
            "Projektmedlen kan användas till förstudier och samverkan mellan företag och kommuner.\n"
            "Ansökan om regionala projektmedel skickas till Region Kalmar län senast 15 mars.\n"
            "Tillväxtverket har tagit fram en vägledning för projektledare.")
    assert "Region Kalmar län" in funder_names(text)
    text = ("Regional funding\n\n"
            "Small firms may apply to the Scottish Government for a grant of up to £5,000.")
    assert "Scottish Government" in funder_names(text)


def test_a_programme_named_where_the_fund_that_pays_it_pays_is_a_funder_too() -> None:
    text = ("News\n\n"
            "Welcome to the Interreg Central Baltic Programme!\n"
            "Our newsletter tells of projects in the islands and along the coasts.\n"
            "The projects are co-financed by the European Regional Development Fund.\n"
            "Staff of Vinnova and Formas joined our seminar in Turku.")
    found = funder_names(text)
    assert "Interreg Central Baltic" in found
    assert "European Regional Development Fund" in found
    assert "Vinnova" not in found


def test_a_page_that_shows_an_unregistered_body_paying_does_not_fall_back_on_the_programmes_it_names() -> None:
    text = ("Stories from the harbour\n\n"
            "Stories from the harbour is a Creative Europe cooperation project of four theatres.\n"
            "Our actors met the young people of the Erasmus+ exchange in Porto last spring.\n"
            "The tour is financed by Kustbygdens Kulturråd.\n"
            "Schools can apply for a free performance before 1 May.")
    found = funder_names(text)
    assert "Kustbygdens Kulturråd" in found
    assert "Creative Europe" not in found
    assert "Erasmus+" not in found


def test_an_earlier_programme_whose_money_the_page_speaks_of_more_than_its_successors_stays_a_funder() -> None:
    text = ("From Horizon 2020 to Horizon Europe\n\n"
            "Our speaker presented the five projects funded by Horizon 2020 that we run today.\n"
            "Each project is financed by Horizon 2020 for three years.\n"
            "The session then looked ahead to Horizon Europe.")
    found = funder_names(text)
    assert "Horizon 2020" in found


def test_a_region_a_grant_can_be_applied_for_with_in_the_passive_is_the_funder() -> None:
    text = ("Stöd till bygdegårdar\n\n"
            "Ett nytt stöd för energiåtgärder i samlingslokaler kan nu sökas hos Region Halland. "
            "Boverket har tagit fram en vägledning om energi.")
    assert funder_names(text) == ["Region Halland"]
