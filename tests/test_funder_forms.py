"""Funders as fresh pages name them, read through the real spaCy pipeline: a county board named
with its county, and bodies of the registry's newer families (European private foundations,
Nordic and Baltic programmes) named beside their calls."""

from __future__ import annotations

from funder_texts import read_funders

funders = read_funders


def test_a_county_board_is_reported_with_the_county_it_names() -> None:
    text = ("Kompetensutveckling på landsbygden\n\n"
            "Länsstyrelsen i Gävleborgs län utlyser 400 000 kronor för kurser för små företag.")
    found = funders(text)
    assert [f["name"] for f in found] == ["County Administrative Board"]
    assert found[0]["text"] == "Länsstyrelsen i Gävleborgs län"


def test_a_county_board_without_a_county_keeps_its_own_name_and_a_following_body_is_not_its_county() -> None:
    text = ("Stöd till företag\n\n"
            "Länsstyrelsen beviljar stöd till företag på landsbygden.")
    assert [f["text"] for f in funders(text)] == ["Länsstyrelsen"]
    text = ("Nytt projekt\n\n"
            "Projektet finansieras av Länsstyrelsen Region Gävleborg och Tillväxtverket.")
    assert "Länsstyrelsen" in [f["text"] for f in funders(text)]


def test_a_european_private_foundation_opening_a_call_is_a_funder() -> None:
    text = ("Democracy needs imagination\n\n"
            "The European Cultural Foundation opens a call for cultural action grants of up to EUR 10,000.")
    assert "European Cultural Foundation" in [f["name"] for f in funders(text)]


def test_a_nordic_programme_with_a_call_is_a_funder() -> None:
    text = ("New call for proposals\n\n"
            "A new call for proposals is open within the Nordic Energy Systems Programme until 1 June.")
    assert "Nordic Energy Systems Programme" in [f["name"] for f in funders(text)]


def test_what_is_set_up_under_a_programme_runs_on_its_money() -> None:
    text = ("Clean Steel Partnership\n\n"
            "The partnership is set up under Horizon Europe. Vinnova and Formas are named in the annual report.")
    assert "Horizon Europe" in [f["name"] for f in funders(text)]


def test_a_programme_named_without_being_the_frame_of_anything_is_not_made_a_funder() -> None:
    text = ("Clean Steel Partnership\n\n"
            "Horizon Europe is discussed in the annual report. Vinnova and Formas are named in it too.")
    assert "Horizon Europe" not in [f["name"] for f in funders(text)]


def test_the_programme_before_the_one_a_page_is_about_is_named_for_comparison_only() -> None:
    text = ("New calls for energy research\n\n"
            "The Commission opens the first calls under Horizon Europe, the framework programme that succeeds "
            "Horizon 2020. Horizon 2020, Horizon Europe's predecessor, funded 500 energy projects.")
    found = [f["name"] for f in funders(text)]
    assert "Horizon Europe" in found
    assert "Horizon 2020" not in found


def test_the_names_under_a_financing_field_label_are_funders_as_written() -> None:
    text = ("Det östvästliga stråket\n\nProjektets partner\nInfrastruktur i Umeå AB\n\n"
            "Medfinansiärer\nKvarnbyrådet (FI), Hamnby stad (FI)\n\nProjekttid\n1.4.2019–30.3.2020.")
    found = [f["name"] for f in funders(text)]
    assert "Kvarnbyrådet" in found and "Hamnby stad" in found
    text = "Ett nytt projekt\n\nProjektägare: Hamnby IF\nMedfinansiärer: Kvarnbyrådet och Hamnby stad."
    found = [f["name"] for f in funders(text)]
    assert "Kvarnbyrådet" in found and "Hamnby IF" not in found


def test_a_financing_label_inside_running_text_introduces_no_names() -> None:
    text = ("Ett nytt projekt\n\nVi söker medfinansiärer\nKvarnbyrådet har inte svarat än.")
    assert "Kvarnbyrådet" not in [f["name"] for f in funders(text)]


def test_swedish_compounds_of_names_with_a_plus_or_of_several_words_name_the_programme() -> None:
    text = ("Ackreditering för vuxenutbildning\n\n"
            "Med en ackreditering kan er organisation söka bidrag för utbyten inom Erasmus+programmet varje år.")
    assert "Erasmus+" in [f["name"] for f in funders(text)]
    text = ("Sparkampanj i Umeå\n\n"
            "Kampanjen för hushållens energi är finansierad av EU genom Horizon 2020-programmet.")
    assert "Horizon 2020" in [f["name"] for f in funders(text)]


def test_a_currency_or_a_cost_field_is_no_funder() -> None:
    text = ("NOK 40 million awarded to three new research centres\n\n"
            "NOK 40 million awarded by the Research Council of Norway to centres on Arctic research.")
    found = [f["name"] for f in funders(text)]
    assert "NOK" not in found and "Research Council of Norway" in found
    text = ("Konferensbidrag\n\n- Finansiering: Kostnader för att arrangera en konferens, högst 100 000 kronor.")
    assert "Kostnader" not in [f["name"] for f in funders(text)]


def test_a_region_setting_money_aside_funds() -> None:
    text = ("Omställningsstöd till kulturen\n\n"
            "Region Halland har beslutat att avsätta 500 000 kronor i omställningsstöd "
            "till regionala kulturorganisationer.")
    assert "Region Halland" in [f["name"] for f in funders(text)]


def test_a_region_in_a_list_of_grants_receives_the_money() -> None:
    text = ("Kulturrådet beviljar medel till regional kultur\n\n"
            "Kulturrådet har beviljat tre projekt:\n"
            " • 450 000 kronor till Region Halland: Scenkonst i hela länet\n"
            " • 520 000 till Region Blekinge: Det kreativa rummet\n"
            " • Musik i Syd, Region Skåne, beviljades 300 000 kronor för turnéer.\n")
    found = [f["name"] for f in funders(text)]
    assert "Swedish Arts Council" in found
    assert not {"Region Halland", "Region Blekinge", "Region Skåne"} & set(found)


def test_agencies_that_handle_the_applications_for_an_eu_programme_do_not_fund_it() -> None:
    text = ("LIFE-programmet\n\n"
            "LIFE är EU:s program för miljö och klimat. Alla kan söka.\n"
            "Naturvårdsverket och Havs- och vattenmyndigheten erbjuder stöd och hanterar ansökningarna i Sverige.")
    found = [f["name"] for f in funders(text)]
    assert "LIFE Programme" in found
    assert "Swedish Environmental Protection Agency" not in found


def test_a_foundation_reviewing_its_own_applications_still_funds() -> None:
    text = ("How we assess applications\n\n"
            "The Harbourview Heritage Foundation receives about 300 applications a year and awards grants "
            "of up to EUR 20,000. The Harbourview Heritage Foundation has an approval process that ensures all "
            "applications are reviewed.")
    assert "Harbourview Heritage Foundation" in [f["name"] for f in funders(text)]


def test_a_body_named_as_a_speakers_workplace_is_no_funder() -> None:
    for speaker, name in [("Två energikonsulter och en representant från Energimyndigheten ska föreläsa.",
                           "Swedish Energy Agency"),
                          ("Dagen inleds av Vetenskapsrådets generaldirektör.", "Swedish Research Council"),
                          ("Moderator är Anna Berg, enhetschef på Tillväxtverket.", "Tillväxtverket")]:
        text = (f"Seminarium om energiplanering\n\nVälkommen till en dag om energi i kommunerna. {speaker} "
                "Dagen finansieras av Region Halland.")
        found = [f["name"] for f in funders(text)]
        assert name not in found and "Region Halland" in found, speaker


def test_a_funders_own_case_officers_at_work_keep_it_a_funder() -> None:
    text = ("Så behandlas din ansökan\n\n"
            "Konstnärsnämndens handläggare kontrollerar att alla formella krav för din ansökan om arbetsstipendium "
            "är uppfyllda.")
    assert "Swedish Arts Grants Committee" in [f["name"] for f in funders(text)]


def test_a_programme_named_for_which_countries_may_take_part_is_no_funder() -> None:
    text = ("Postdoctoral fellowships in marine biology\n\n"
            "The fellowships take place in an EU Member State or a Horizon Europe Associated Country "
            "and last two years. They are funded by the Novo Nordisk Foundation.")
    found = [f["name"] for f in funders(text)]
    assert "Horizon Europe" not in found and "Novo Nordisk Foundation" in found


def test_money_a_region_puts_into_projects_within_a_fund_does_not_make_the_fund_its_funder() -> None:
    text = ("Regionala projektmedel 2025\n\n"
            "Region Västerbotten utlyser projektmedel för regional utveckling.\n"
            "- Medlen kan också användas som nationell medfinansiering i projekt inom regionalfonden.")
    found = [f["name"] for f in funders(text)]
    assert "Region Västerbotten" in found
    assert "European Regional Development Fund" not in found


def test_a_question_after_a_funding_label_or_the_firms_supported_are_no_funder() -> None:
    text = ("Start-up innovation projects\n\nFunding: How much can you get?\n"
            "Projects get up to CHF 500,000 for their research partner.")
    assert "How" not in [f["name"] for f in funders(text)]
    text = ("Stöd till småföretag\n\nRegionen vill med stöd från SMF-nätverket nå fler. Att stödja SMF är viktigt. "
            "Stödet finansieras av Tillväxtverket.")
    found = [f["name"] for f in funders(text)]
    assert "SMF" not in found and "Tillväxtverket" in found
