"""The big EU funds and the EU itself as funders, read through the real spaCy pipeline the way
the annotated corpus reads them: a fund is a funder where its money is counted, generic "EU
money" is the money of the programme named paying, and so on."""

from __future__ import annotations

from funder_texts import funder_names, read_funders

names = funder_names


def test_a_fund_whose_money_an_interreg_programme_counts_is_a_funder() -> None:
    text = ("Interreg North Sea: third call\n\n"
            "The Interreg North Sea programme opens its third call for proposals on 1 April.\n\n"
            "Over the programme period, EUR 180 million of the European Regional Development Fund "
            "will be allocated to cooperation projects around the North Sea.")
    found = names(text)
    assert "Interreg North Sea" in found
    assert "European Regional Development Fund" in found


def test_another_fund_named_in_passing_beside_the_paying_programme_is_not_a_funder() -> None:
    text = ("Interreg North Sea: third call\n\n"
            "The Interreg North Sea programme opens its third call for proposals on 1 April.\n\n"
            "Project partners often also know the European Social Fund from their national programmes.")
    assert names(text) == ["Interreg North Sea"]


def test_generic_eu_money_of_the_social_fund_is_not_the_regional_fund() -> None:
    text = ("Nytt projekt får EU-stöd\n\n"
            "Strukturfondspartnerskapet beslutade i dag att ge stöd från Europeiska socialfonden till "
            "ett projekt för unga som står långt från arbetsmarknaden. Projektet får 4 miljoner kronor i EU-stöd.")
    assert names(text) == ["European Social Fund Plus"]


def test_the_eu_introduced_as_paying_for_the_project_is_its_funder() -> None:
    text = ("Green Harbours\n\nGreen Harbours is a network of eight port towns that share ways to cut "
            "emissions from ferries.\n\nThe project is co-funded by the European Union.")
    assert names(text) == ["European Union"]


def test_the_eu_named_as_lawmaker_or_place_is_no_funder() -> None:
    text = ("Seminar on port emissions\n\nThe European Union has set new rules for ferry emissions. "
            "Port towns in the EU will meet in Gdańsk on 12 May to discuss them.")
    assert names(text) == []


def test_the_eu_paying_for_projects_in_general_is_no_funder_of_this_page() -> None:
    text = ("Europadagen i Göteborg\n\nPå Europadagen visar nitton lokala projekt som delfinansieras "
            "av EU upp sina verksamheter på Stadsbiblioteket.")
    assert "European Union" not in names(text)


def test_the_eu_gives_way_to_the_programme_it_pays_through() -> None:
    text = ("Interreg Aurora: call 6\n\nThe sixth call of Interreg Aurora is open for regular projects "
            "until 15 September.\n\nInterreg Aurora is co-funded by the European Union.")
    assert names(text) == ["Interreg Aurora"]


def test_the_commission_a_project_reports_to_is_its_funder() -> None:
    text = ("WP1 Project management\n\nThe coordinator ensures timely and accurate reporting to the "
            "European Commission and the administrative management of the consortium.")
    assert names(text) == ["European Commission"]



def test_the_rural_development_programme_and_its_fund_are_two_funders() -> None:
    text = ("Stöd till bredband på landsbygden\n\n"
            "Länsstyrelsen har beviljat föreningen projektstöd inom Landsbygdsprogrammet 2014–2020.\n\n"
            "Stödet finansieras delvis av pengar från Europeiska jordbruksfonden för landsbygdsutveckling.")
    found = names(text)
    assert "Rural Development Programme" in found
    assert "European Agricultural Fund for Rural Development" in found


def test_the_rural_development_programme_alone_is_not_reported_as_its_fund() -> None:
    text = ("Projektstöd för hembygdsföreningar\n\n"
            "Hembygdsföreningar kan söka projektstöd ur landsbygdsprogrammet till investeringar i "
            "samlingslokaler. Ansök senast 1 oktober.")
    assert names(text) == ["Rural Development Programme"]


def test_a_fund_named_in_the_genitive_is_reported_by_its_name() -> None:
    text = ("Utlysning\n\nLandsbygdsfondens nya utlysning för lokala projekt är öppen. "
            "Ansök om stöd senast den 1 oktober.")
    expected = {"name": "European Agricultural Fund for Rural Development", "text": "Landsbygdsfonden"}
    assert expected in read_funders(text)


def test_the_fund_an_interreg_programme_is_paid_from_is_a_funder_where_named() -> None:
    text = ("Interreg North Sea: projects approved\n\n"
            "The monitoring committee of Interreg North Sea approved twelve projects for funding.\n\n"
            "The partners receive ERDF funding through the programme.")
    found = names(text)
    assert "Interreg North Sea" in found
    assert "European Regional Development Fund" in found


def test_the_rural_fund_under_a_leader_project_is_a_funder() -> None:
    text = ("Bygdegården får ny scen\n\nProjektet har fått stöd från Leader Gute för att bygga en scen "
            "i bygdegården.\n\nLandsbygdsfonden\n\nKontakta projektledaren för mer information.")
    found = names(text)
    assert "LEADER" in found
    assert "European Agricultural Fund for Rural Development" in found


def test_the_regional_fund_named_on_a_page_about_eu_money_is_that_money() -> None:
    text = ("EU-pengar gör nytta på högskolan\n\nHögskolan driver i år fyra projekt med stöd från EU.\n\n"
            "Ett av dem, Smakresan, får pengar från Europeiska socialfonden. Ett annat, Matlandet, "
            "hör till Europeiska regionala utvecklingsfonden.")
    assert "European Regional Development Fund" in names(text)


def test_the_commission_introduced_as_paying_by_its_swedish_compound_name_is_a_funder() -> None:
    text = ("Europa Direkt Kustlandet\n\nVi svarar på frågor om EU och ordnar möten om EU:s politik.\n\n"
            "Europa Direkt Kustlandet finansieras genom bidrag från EU-kommissionen och Kustlandets förbund.")
    found = names(text)
    assert "European Commission" in found
    assert "Kustlandets förbund" in found


def test_a_project_leader_is_a_post_not_the_leader_programme() -> None:
    text = ("How to apply\n\nThe person who creates the application is registered as the Project Leader. "
            "Applications for the grant are sent to NordForsk by 1 October.")
    assert "LEADER" not in names(text)
    text = ("Funding secured\n\nCllr Anna Berg, Leader of Northfield County Council, welcomed the grant "
            "for the new harbour path.")
    assert "LEADER" not in names(text)


def test_a_leader_area_deciding_on_grants_is_still_the_leader_programme() -> None:
    text = ("Sök stöd för din idé\n\nLeader Gute beviljar projektstöd till föreningar på Gotland. "
            "Nästa ansökningsomgång stänger den 15 mars.")
    assert "LEADER" in names(text)


def test_the_predecessor_named_on_a_page_about_its_successor_is_no_funder() -> None:
    text = ("Horizon Europe launched in Ireland\n\nHorizon Europe, with a budget of €95.5bn, opens its first "
            "calls for proposals this spring.\n\nTo build on our success in Horizon 2020, where 2,700 Irish "
            "entities received grants, researchers should apply early.")
    found = names(text)
    assert "Horizon Europe" in found
    assert "Horizon 2020" not in found


def test_the_commission_paying_the_winners_travel_is_a_funder() -> None:
    text = ("EU-tävlingen för företagsfrämjande\n\nTävlingen lyfter fram goda exempel på företagsfrämjande. "
            "Två initiativ från varje land får resa och hotell betalda av EU-kommissionen för att delta "
            "vid prisceremonin i november.")
    assert "European Commission" in names(text)


def test_a_project_paid_by_the_predecessor_more_often_than_by_the_successor_keeps_it() -> None:
    # Each mention's verdict counts here: the page speaks of Horizon 2020's money twice and of
    # Horizon Europe's once, so it is a Horizon 2020 project that goes on under Horizon Europe.
    text = ("Project SEAWISE\n\nSEAWISE is funded by Horizon 2020 with €6 million. Horizon 2020 grants "
            "also paid for the project's first pilot sites. A follow-up proposal was funded by Horizon Europe.")
    found = names(text)
    assert "Horizon 2020" in found
    assert "Horizon Europe" in found


def test_the_eu_that_grants_a_sum_to_a_body_pays_it() -> None:
    # the sum stands between the granting verb and the EU, so no "beviljats av" / "awarded by" cue reads it
    found = funder_names("Ny hamn i byn\n\nHamnföreningen har beviljats tre miljoner kronor av EU för att "
                         "rusta upp bryggorna.")
    assert found == ["European Union"]
    found = funder_names("Harbour repairs\n\nThe harbour trust was awarded two million euros by the "
                         "European Commission to rebuild its piers.")
    assert found == ["European Commission"]
