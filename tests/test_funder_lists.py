"""Whole public lists in the funder registry (models/funders.toml), read through the real spaCy
pipeline: every Interreg strand and period, EU instruments, partnerships and ERA-NETs, research
councils of other countries, Swedish agencies and Nordic foundations are found under their
official names and usual short forms; the short forms that are ordinary words are not."""

from __future__ import annotations

import pytest

from pipeline.extract import extract_records


def funder_names(text: str) -> list[str]:
    [result] = extract_records([{"id": "x", "text": text, "reference_date": "2025-02-10"}])
    return [funder["name"] for funder in result["funders"]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Interreg A between member states, named in the national languages or with an en dash
        ("Interreg Bayern-Österreich fördert grenzüberschreitende Projekte: the third call is open until 15 May.",
         "Interreg Bavaria-Austria"),
        ("The Interreg Italy–Croatia programme has launched a call for standard projects.", "Interreg Italy-Croatia"),
        ("Interreg Slovenija-Hrvaška 2014–2020 funded the restoration of the castle.", "Interreg Slovenia-Croatia"),
        # Interreg B by its short name, IPA and NEXT programmes, and a 2007-2013 programme
        ("Sudoe opens its third call for proposals for projects in south-west Europe.", "Interreg Sudoe"),
        ("The project is funded by the Alpine Space programme.", "Interreg Alpine Space"),
        ("The second call for proposals for the Interreg VI-A NEXT Hungary-Slovakia-Romania-Ukraine Programme "
         "has been published.", "Interreg NEXT Hungary-Slovakia-Romania-Ukraine"),
        ("The project was co-financed by the Interreg IPA ADRION Programme.", "Interreg IPA ADRION"),
        ("The South East Europe Programme funded the network from 2009 to 2012.", "South East Europe Programme"),
        # EU instruments, partnerships and ERA-NETs
        ("The project is financed by the EU through IPA, the Instrument for Pre-accession Assistance.",
         "Instrument for Pre-accession Assistance"),
        ("The ENSUF joint call funds research on smart urban futures.", "ERA-NET Cofund Smart Urban Futures"),
        ("BONUS funds research projects on the Baltic Sea environment.", "BONUS"),
        # research councils, agencies and ministries of other countries
        ("The Basque Government funds the Basque partners of the consortium.", "Basque Government"),
        ("SPW Recherche funds the Walloon partners in this joint call.", "Public Service of Wallonia"),
        # Swedish agencies and programmes, Nordic foundations and ministries
        ("Riksutställningar beviljar bidrag till utställningsprojekt i hela landet.", "Swedish Exhibition Agency"),
        ("MT4H strategic project call: apply for up to SEK 2 million.", "Medtech4Health"),
        ("Sigrid Jusélius stiftelse delar ut anslag till medicinsk forskning.", "Sigrid Jusélius Foundation"),
        ("Social- och hälsovårdsministeriet beviljar statsunderstöd till projektet.",
         "Ministry of Social Affairs and Health (Finland)"),
        # national research funders outside Europe, by name and by short form
        ("The Canadian Institutes of Health Research funds the Canadian teams of this joint call.",
         "Canadian Institutes of Health Research"),
        ("The Australian partners are funded by the NHMRC under its international scheme.",
         "National Health and Medical Research Council"),
        # private and global foundations outside the Nordic countries
        ("The fellowship programme is funded by the Andrew W. Mellon Foundation.", "Andrew W. Mellon Foundation"),
        ("Stichting Dioraphte funds the music education project for three years.", "Dioraphte Foundation"),
        # a Leader area's local action group, by its name or as "LAG", is the Leader programme deciding
        ("Leader Västra Mälardalen beviljar 300 000 kronor till projektet.", "LEADER"),
        ("Beviljat stöd: 206 000 SEK offentlig finansiering från LAG.", "LEADER"),
        # the Commission's bodies that pay themselves: a directorate-general's own call, a representation
        ("The European Commission (DG AGRI) funds information measures on the common agricultural policy.",
         "Directorate-General for Agriculture and Rural Development"),
        ("Europeiska kommissionens representation i Sverige delar ut bidrag till lokala medieprojekt.",
         "European Commission Representation in Sweden"),
        # Baltic and Central European funders and their programmes, the Swedish Institute's Baltic programmes
        ("The National Science Centre has launched the OPUS 31 call for research projects.", "OPUS"),
        ("Third Country Participation in the Baltic Sea region (TCPBSR) funding supports cooperation "
         "with partners in the neighbourhood.", "Third Country Participation in the Baltic Sea region"),
    ],
)
def test_bodies_of_the_public_lists_are_found_under_their_canonical_name(text: str, expected: str) -> None:
    assert expected in funder_names(text)


def test_an_interreg_umbrella_gives_way_to_its_named_programme() -> None:
    text = ("The Monitoring Committee of the Interreg NEXT Black Sea Basin programme approved funding for "
            "52 projects worth EUR 46.6 million.")
    assert funder_names(text) == ["Interreg NEXT Black Sea Basin"]


def test_ordinary_words_sharing_a_listed_short_form_are_not_funders() -> None:
    text = ("The tourism call funds projects in Central Europe and in the Atlantic area. Members get a bonus "
            "when they apply early, and the alpine space of the valley is protected. The project reached "
            "its next milestone in the Danube region.")
    assert funder_names(text) == []


def test_the_capitalised_call_names_of_a_science_centre_are_not_ordinary_words() -> None:
    text = ("The orchestra received a grant for the concert: the opus 12 sonata by the maestro was performed "
            "with a sonatina and a short prelude.")
    assert funder_names(text) == []


def test_a_department_gives_way_to_its_named_service() -> None:
    text = ("The U.S. Department of Agriculture Rural Housing Service provides grants to repair homes of "
            "low-income owners in rural areas.")
    assert funder_names(text) == ["U.S. Department of Agriculture Rural Housing Service"]


def test_the_swedish_word_lag_is_not_a_local_action_group() -> None:
    text = ("Föreningen får bidrag för att starta ett nytt lag i innebandy, enligt lag (2018:1) om "
            "föreningsstöd.")
    assert "LEADER" not in funder_names(text)


# Round 3 of whole public lists: one sentence per family, each written for this test.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the Nordic Council of Ministers' mobility and civil-society programmes, NordForsk's programmes
        ("Civil servants in Tallinn and Oslo can swap desks for a month with a grant from the Nordic-Baltic "
         "Mobility Programme for Public Administration.", "Nordic-Baltic Mobility Programme for Public Administration"),
        ("Researchers in four countries share a grant under the Nordic Programme on Health and Welfare.",
         "Nordic Programme on Health and Welfare"),
        # the programme areas of the EEA and Norway Grants, run by each beneficiary country
        ("Small firms in Kaunas may now apply to the Business Development, Innovation and SMEs programme for "
         "green product grants.", "Business Development, Innovation and SMEs programme"),
        # Ireland: its government departments, state bodies and the ERDF programmes of its regions
        ("Dairy cooperatives can seek up to EUR 80,000 from the Department of Agriculture, Food and the Marine "
         "for slurry storage.", "Department of Agriculture, Food and the Marine"),
        ("Grants under the Northern and Western Regional Programme will help towns in Donegal and Mayo.",
         "Northern and Western Regional Programme"),
        # ERA-NETs of FP7 and Horizon 2020
        ("WoodWisdom-Net opened a joint call on forest-based materials with eleven national funders.",
         "WoodWisdom-Net"),
        # named schemes of national research councils and foundations
        ("Postdocs returning to Vienna can apply for the Lise Meitner Programme this autumn.",
         "Lise Meitner Programme"),
        ("Her five-year project on glacier chemistry runs on an SNSF Advanced Grant.", "SNSF Advanced Grants"),
    ],
)
def test_round_three_families_are_found_under_their_canonical_name(text: str, expected: str) -> None:
    assert expected in funder_names(text)
