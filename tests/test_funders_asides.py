"""Bodies named on a page in roles other than paying for what it describes, read through the real
spaCy pipeline: where an application one prepares goes, programmes offered as alternatives, the
authority that administers the money of the programme that pays."""

from __future__ import annotations

from funder_texts import funder_names

names = funder_names


def test_the_programme_an_application_is_prepared_for_is_not_the_funder_of_the_grant() -> None:
    text = ("Seed money for research applications\n\n"
            "Vinnova offers seed money of up to SEK 100 000 to research groups. The grant may be used "
            "for preparing applications, including applications for Horizon Europe.")
    found = names(text)
    assert "Vinnova" in found
    assert "Horizon Europe" not in found


def test_the_programmes_one_could_apply_to_instead_are_not_funders() -> None:
    text = ("Regionala utvecklingsmedel\n\n"
            "Region Stockholm utlyser regionala utvecklingsmedel för projekt som stärker "
            "kompetensförsörjningen. Om du ansöker om EU-finansiering från Europeiska socialfonden "
            "eller Interreg Central Baltic kan du också söka medfinansiering från Region Stockholm.")
    found = names(text)
    assert "Region Stockholm" in found
    assert "European Social Fund Plus" not in found
    assert "Interreg Central Baltic" not in found


def test_money_granted_from_one_fund_or_the_other_is_from_both() -> None:
    text = ("Nya projekt i Mellersta Norrland\n\n"
            "Strukturfondspartnerskapet har prioriterat tolv projekt. De prioriterade projekten beviljas "
            "stöd från Europeiska regionala utvecklingsfonden eller Europeiska socialfonden.")
    found = names(text)
    assert "European Regional Development Fund" in found
    assert "European Social Fund Plus" in found


def test_the_programmes_own_call_for_proposals_is_its_money() -> None:
    text = ("Second call open\n\n"
            "The second call for proposals for the Interreg Central Baltic programme has been published. "
            "Applications are open for projects between partners in Estonia, Finland, Latvia and Sweden.")
    assert "Interreg Central Baltic" in names(text)


def test_a_bodys_office_to_contact_does_not_make_it_the_funder() -> None:
    text = ("Eurostars: call 5 is open\n\n"
            "The Eurostars call for innovative SMEs closes on 12 September. Funding is granted to the "
            "partners by their national funding agencies. If you have questions about eligibility, "
            "contact the Eureka Secretariat or the national EUREKA project coordinators.")
    found = names(text)
    assert "Eurostars" in found
    assert "Eureka" not in found


def test_the_managing_authority_of_the_fund_that_pays_is_not_a_funder() -> None:
    text = ("Ny utlysning i Övre Norrland\n\n"
            "Nu öppnar en utlysning med stöd från Europeiska regionala utvecklingsfonden för projekt "
            "som stärker små företag i Övre Norrland. I Sverige är Tillväxtverket förvaltande myndighet "
            "och tar emot ansökningarna.")
    found = names(text)
    assert "European Regional Development Fund" in found
    assert "Tillväxtverket" not in found


def test_the_agency_managing_a_programme_for_the_commission_is_not_its_funder() -> None:
    text = ("Erasmus+ in higher education\n\n"
            "Erasmus+ funds exchanges of students and staff between universities in Europe. The Erasmus+ "
            "programme is managed by the European Education and Culture Executive Agency (EACEA). "
            "The EACEA is in charge of managing the centralised actions of the programme.")
    found = names(text)
    assert "Erasmus+" in found
    assert "European Education and Culture Executive Agency" not in found


def test_an_agency_holding_information_sessions_on_a_call_is_not_its_funder() -> None:
    text = ("LIFE calls for proposals 2025\n\n"
            "The LIFE Programme opens its calls for proposals for nature and climate projects on 22 April. "
            "CINEA will hold virtual information sessions on the LIFE calls from 18 to 20 May.")
    found = names(text)
    assert "LIFE Programme" in found
    assert "European Climate, Infrastructure and Environment Executive Agency" not in found


def test_the_national_contact_point_for_a_programme_is_not_its_funder() -> None:
    text = ("Kreativa Europa: stöd till europeiska plattformar\n\n"
            "Kreativa Europa utlyser stöd till europeiska plattformar för nya konstnärer. Sista ansökningsdag "
            "är den 15 mars. Kreativa Europa Desk vid Utbildningsstyrelsen ger råd till sökande i alla "
            "frågor som gäller ansökan.")
    found = names(text)
    assert "Creative Europe" in found
    assert "Finnish National Agency for Education" not in found


def test_the_earlier_programmes_a_new_one_builds_on_are_not_its_funders() -> None:
    text = ("PEACE PLUS opens its first calls\n\n"
            "The PEACE PLUS programme opens its first calls for proposals for community projects in "
            "Northern Ireland and the border counties of Ireland. It will build upon previous PEACE and "
            "INTERREG Programmes, such as the €270 million PEACE IV Programme.")
    found = names(text)
    assert "PEACE PLUS" in found
    assert "Interreg" not in found


def test_rules_that_do_not_apply_to_a_programme_are_no_call_of_it() -> None:
    # "apply" as in "be valid for", denied, is no application for money
    text = ("Travel rules for staff\n\n"
            "The new travel rules do not apply to Erasmus+ exchanges. The pilot itself is funded by Vinnova.")
    assert funder_names(text) == ["Vinnova"]


def test_the_body_in_a_project_page_owner_field_is_no_funder() -> None:
    text = ("Vatten i skogen\n\nProjektägare: Skogsstyrelsen\nBudget: 2 miljoner kronor\n"
            "Projektet pågår till och med 2026.")
    assert funder_names(text) == []
