"""Extraction behaviour on short made-up pages, through the real spaCy pipeline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy

from pipeline.extract import PIPELINE_VERSION, extract_records
from pipeline.nlp import build
from pipeline.nlp.build import load_nlp
from pipeline.nlp.language import detect_language
from pipeline.vocabulary import PAGE_KINDS


def extract_one(text: str, reference_date: str = "2025-01-15", **extra: str) -> dict:
    [result] = extract_records([{"id": "x", "text": text, "reference_date": reference_date, **extra}])
    return result


SWEDISH_CALL = """Utlysning: Innovativa lösningar för nära vård

Nu öppnar vi en utlysning för projekt som utvecklar nya arbetssätt inom hälso- och sjukvården.
Små och medelstora företag kan söka tillsammans med en region. Projekt kan beviljas högst
2 miljoner kronor.

Sista ansökningsdag är den 14 mars 2025 kl 14.00.
"""

GRANTED_NEWS = """Tre nya projekt har beviljats stöd

Styrelsen har fattat beslut om att bevilja totalt 12 miljoner kronor till tre projekt inom
cirkulär ekonomi. – Vi är glada att så många ville delta, säger ordföranden Anna Berg.
Projekten startar i höst och pågår i tre år.
"""


def test_swedish_call_with_closing_date_has_its_deadline_and_status() -> None:
    result = extract_one(SWEDISH_CALL)
    assert result["lang"] == "sv"
    assert result["deadline"] == "2025-03-14"
    nlp = load_nlp("sv")
    doc = nlp.make_doc(SWEDISH_CALL)
    doc._.reference_date = "2025-01-15"
    for _, component in nlp.pipeline:
        doc = component(doc)
    assert doc._.call_status == "open"  # the status the dates give, whatever the kind


def test_only_a_funding_call_has_a_call_status() -> None:
    for text in (SWEDISH_CALL, GRANTED_NEWS):
        result = extract_one(text)
        assert (result["call_status"] is None) == (result["kind"] != "funding-call")





def test_funder_alias_is_normalised_with_its_surface_text() -> None:
    text = """Projektet Smart vård i Halland

Projektet ska stärka små företags innovationskraft inom vården.

Finansiering

Europeiska regionala utvecklingsfonden (Eruf) och Region Halland."""
    funders = extract_one(text)["funders"]
    assert {"name": "European Regional Development Fund",
            "text": "Europeiska regionala utvecklingsfonden"} in funders
    assert {"name": "Region Halland", "text": "Region Halland"} in funders


def test_partner_that_does_not_fund_is_not_a_funder() -> None:
    text = """Workshop om klimatanpassning

Workshopen arrangeras i samarbete med Region Skåne. Aktiviteten finansieras av Horisont Europa.
Anmäl dig senast den 3 februari."""
    names = [f["name"] for f in extract_one(text)["funders"]]
    assert "Horizon Europe" in names
    assert "Region Skåne" not in names


def test_generic_eu_funding_of_an_interreg_programme_is_the_programmes_money() -> None:
    # (the annotated corpus lists the programme alone here, two pages in three)
    text = """Interreg Aurora: ny utlysning

Programmet Interreg Aurora öppnar en utlysning för gränsöverskridande projekt. Projekten kan få
EU-finansiering på upp till 65 procent av kostnaderna."""
    names = {f["name"] for f in extract_one(text)["funders"]}
    assert names == {"Interreg Aurora"}


def test_eu_funding_set_beside_norwegian_funding_is_the_erdf() -> None:
    text = """Interreg Aurora: beslut om nya projekt

Styrkommittén för Interreg Aurora beviljade 4 miljoner euro i EU-medel och norska IR-medel till sex
nya gränsöverskridande projekt."""
    names = {f["name"] for f in extract_one(text)["funders"]}
    assert "Interreg Aurora" in names
    assert "European Regional Development Fund" in names


def test_topics_need_more_than_a_passing_mention() -> None:
    text = """Utlysning för forskning om klimat

Forskningsprojekt om klimatanpassning och biologisk mångfald kan söka stöd. Forskare vid
universitet och högskolor är välkomna. Forskningen ska bidra till miljö- och klimatmålen.
Projekten kan även ha en koppling till energi."""
    topics = extract_one(text)["topics"]
    assert "research" in topics
    assert "climate-environment" in topics
    assert "energy" not in topics  # named once, in passing


def test_official_call_identifiers_are_found() -> None:
    text = ("Call for proposals HORIZON-HLTH-2025-CARE-01-01 and topic EU4H-2023-PJ-05 are open. "
            "Deadline for submission: 17 September 2025.")
    assert extract_one(text)["identifiers"] == ["HORIZON-HLTH-2025-CARE-01-01", "EU4H-2023-PJ-05"]


def test_results_follow_input_order_across_languages() -> None:
    records = [
        {"id": str(i), "text": SWEDISH_CALL if i % 2 else "The deadline for applications is 1 May 2025."}
        for i in range(7)
    ]
    results = list(extract_records(records))
    assert [r["id"] for r in results] == [str(i) for i in range(7)]
    assert [r["lang"] for r in results] == ["en", "sv"] * 3 + ["en"]


def test_every_contract_field_is_present() -> None:
    result = extract_one("")
    assert set(result) == {"id", "lang", "kind", "call_status", "deadline", "opening", "events", "registration",
                           "funders", "topics", "amounts", "identifiers"}
    assert result["kind"] in PAGE_KINDS


def test_language_detection_tells_swedish_from_english() -> None:
    assert detect_language("Det här är en utlysning för små och medelstora företag i regionen.") == "sv"
    assert detect_language("This is a call for proposals for small and medium-sized enterprises.") == "en"


def test_pipelines_are_cached_and_ordered() -> None:
    nlp = load_nlp("sv")
    assert load_nlp("sv") is nlp
    names = nlp.pipe_names
    assert names[0] == "callwatch_lang" and names[-1] == "callwatch_kind"
    assert names.index("callwatch_dates") < names.index("callwatch_kind")
    assert PIPELINE_VERSION


def test_region_granting_money_is_a_funder_but_a_consulted_region_is_not() -> None:
    granting = extract_one("Region Västerbotten beviljar 4 miljoner kronor till projektet Vätgas Norr. "
                           "Projektet har beviljats stöd för tre år.")
    consulted = extract_one("Partnerskapet har i samråd med Region Dalarna beslutat om finansiering ur "
                            "Europeiska regionala utvecklingsfonden för fem projekt.")
    assert [f["name"] for f in granting["funders"]] == ["Region Västerbotten"]
    assert [f["name"] for f in consulted["funders"]] == ["European Regional Development Fund"]


def test_funded_organisations_and_reporting_agencies_are_not_funders() -> None:
    granted = extract_one("Formas har beviljat 30 miljoner kronor till åtta projekt. Bland de beviljade "
                          "projekten finns Region Örebro län och två universitet.")
    assert [f["name"] for f in granted["funders"]] == ["Formas"]
    figures = extract_one(
        "Swedish partners received €200 million from Horizon Europe in 2025, according to figures from "
        "Vinnova. Vinnova, as national contact point, will present the statistics in a webinar."
    )
    assert [f["name"] for f in figures["funders"]] == ["Horizon Europe"]


def test_an_agency_organising_an_info_day_is_not_a_funder() -> None:
    text = ("HaDEA is organising an online info day on the EU4Health calls for 2027. "
            "The calls will open in spring.")
    assert [f["name"] for f in extract_one(text, "2026-09-01")["funders"]] == ["EU4Health"]


def test_money_available_from_a_fund_names_it_as_a_funder() -> None:
    text = ("Interreg Nord opens a call for small projects. Around EUR 3 million of ERDF is available. "
            "Norwegian partners apply for national IR funding.")
    names = {f["name"] for f in extract_one(text)["funders"]}
    assert "European Regional Development Fund" in names


def test_a_funds_name_is_one_piece_of_topic_evidence_not_three() -> None:
    # "European Regional Development Fund" holds "regional development fund", "regional
    # development" and "regional": named twice on a cooperation page it does not make it
    # a regional-development page.
    text = """Interreg Nord: call for small projects

Interreg Nord invites cross-border projects on tourism and culture. The European Regional
Development Fund co-finances up to 65 %. Questions about the European Regional Development
Fund rules go to the secretariat."""
    topics = extract_one(text)["topics"]
    assert "international-cooperation" in topics
    assert "regional-development" not in topics


def test_a_phrase_ending_in_a_star_matches_its_inflected_last_word() -> None:
    text = """Utlysning om vård

Projektet ska hjälpa små och medelstora företagen att utveckla tjänster. Små och medelstora
företagens behov står i centrum."""
    assert "innovation-smes" in extract_one(text)["topics"]





def test_an_events_registration_deadline_is_extracted_and_only_for_events() -> None:
    event = extract_one("""Informationsmöte om THCS-partnerskapets utlysning

EU-kontoret bjuder in till ett digitalt informationsmöte den 9 december 2026 klockan 10.00.
Anmäl dig senast den 4 december.""", reference_date="2026-11-20")
    assert event["kind"] == "event" and event["events"] == ["2026-12-09"]
    assert event["registration"] == "2026-12-04"
    call = extract_one("""Utlysning: kompetensförsörjning i små företag

Tillväxtverket utlyser medel ur Regionalfonden. Sista ansökningsdag är den 14 mars 2027.
Anmäl dig senast den 1 februari till vårt webbinarium om utlysningen.""", reference_date="2026-11-20")
    assert call["kind"] == "funding-call" and call["deadline"] == "2027-03-14"
    assert call["registration"] is None  # the call's page: attending its webinar is not the news


def test_bodies_listed_under_a_funding_heading_are_funders() -> None:
    text = """Joint call 2031

The following funding organisations take part in the call:
  • Austrian Science Fund (FWF), Austria
  • Research Foundation Flanders (FWO), Belgium
  • Swedish Research Council, Sweden

Applicants must meet the rules of their own funding organisation."""
    names = {f["name"] for f in extract_one(text, "2031-01-10")["funders"]}
    assert {"Austrian Science Fund", "Research Foundation Flanders", "Swedish Research Council"} <= names


def test_a_region_opening_its_sentence_with_its_own_call_funds_it() -> None:
    funds = extract_one("Projektmedel 2031\n\nRegion Halland har haft en utlysning om projektmedel för "
                        "att stimulera initiativ inom kompetensförsörjning.")["funders"]
    consulted = extract_one("Projektmedel 2031\n\nI samråd med Region Halland har Tillväxtverket en utlysning "
                            "om projektmedel för kompetensförsörjning.")["funders"]
    assert "Region Halland" in {f["name"] for f in funds}
    assert "Region Halland" not in {f["name"] for f in consulted}


def test_interreg_named_alone_is_a_funder_but_gives_way_to_its_programme() -> None:
    alone = """Nya gränsöverskridande samarbeten

Fem Interreg-projekt har fått pengar för att stärka samarbetet mellan kommunerna på båda sidor gränsen."""
    assert [f["name"] for f in extract_one(alone)["funders"]] == ["Interreg"]
    with_programme = """Welcome to the Interreg family: new project approved

The Monitoring Committee selected one new project. Next year the Interreg Baltic Sea Region family
is expected to grow even more."""
    assert [f["name"] for f in extract_one(with_programme)["funders"]] == ["Interreg Baltic Sea Region"]


def test_a_portal_topic_id_names_its_programme() -> None:
    text = """Adaptive multi-scale modelling suites

Call number: HORIZON-CL4-2023-DIGITAL-EMERGING-01-12
Opening 08.12.2022, deadline 29.03.2023 17:00. Funding rate 100%."""
    assert "Horizon Europe" in [f["name"] for f in extract_one(text, "2022-12-10")["funders"]]


def test_an_application_period_written_with_a_loose_hyphen_ends_on_its_deadline() -> None:
    text = """Stöd till Kortfilmsdagen

När och hur ansöker man?
Stödet kan sökas under perioden 15 oktober -15 november 2016. Besked lämnas senast den 29 november 2016."""
    assert extract_one(text, "2016-09-01")["deadline"] == "2016-11-15"


def test_the_last_day_of_an_event_taking_place_over_days_is_no_deadline() -> None:
    text = """European Week of Regions and Cities

The 22nd edition, taking place from 7 to 10 October 2024 in Brussels, will focus on four themes."""
    result = extract_one(text, "2024-05-01")
    assert result["deadline"] is None
    assert "2024-10-07" in result["events"]


def test_an_interreg_programme_of_an_earlier_period_is_reported_as_written() -> None:
    text = """Gränslöst samarbete

Projektet finansieras av Interreg IIIA Sverige-Norge och pågår till 2006. Flera Interreg-projekt deltar."""
    assert [f["name"] for f in extract_one(text, "2005-01-01")["funders"]] == ["Interreg IIIA Sverige-Norge"]


def test_an_adjective_alone_is_no_funder_found_from_context() -> None:
    text = """Programmet godkänt

Landsbygdsprogrammet godkändes med finansiering från Europeiska jordbruksfonden (Ejflu) den 13 februari."""
    names = [f["name"] for f in extract_one(text)["funders"]]
    assert "Europeiska" not in names
    assert "European Agricultural Fund for Rural Development" in names


def test_dates_of_what_was_done_or_granted_are_no_deadline() -> None:
    submitted = """Interreg Europe 2021-2027

On January 7th 2022, the 2021-2027 programme has been submitted to the European Commission for approval."""
    assert extract_one(submitted, "2022-02-01")["deadline"] is None
    granted = """Projektkatalog

Katalogen innehåller alla 90 projekt som fått stöd t.o.m. den 8 oktober 2009."""
    assert extract_one(granted, "2009-11-01")["deadline"] is None


def test_a_standing_yearly_deadline_is_the_next_one() -> None:
    text = """Grundbidrag till föreningar

Bidraget är ett fast belopp beräknat på antal medlemmar. Ansökan lämnas in senast 15 september."""
    assert extract_one(text, "2020-01-08")["deadline"] == "2020-09-15"


def test_a_day_range_with_a_numeric_month_is_an_application_window() -> None:
    text = """Understöd för föreningar

Ansökan om understöd kan lämnas in endast under den angivna ansökningstiden, dvs. 1-31.3.2021."""
    result = extract_one(text, "2020-12-10")
    assert (result["opening"], result["deadline"]) == ("2021-03-01", "2021-03-31")
    assert extract_one("Budget 2–3.5 million euro per project.", "2022-01-01")["deadline"] is None


def test_named_application_days_are_deadlines() -> None:
    text = """Förstudiemedel

Förstudiemedel kan sökas två gånger per år. Ansökningsdagar för 2020 är 30 april och 30 september."""
    assert extract_one(text, "2020-02-01")["deadline"] == "2020-04-30"


def test_a_body_named_before_a_paying_verb_is_a_funder_as_written() -> None:
    named = """Stipendier och stiftelser

Lunds kommun delar ut stipendier och medel ur ett antal fonder."""
    assert {"name": "Lunds kommun", "text": "Lunds kommun"} in extract_one(named)["funders"]
    unnamed = """Föreningsbidrag

Kommunen beviljar bidrag till föreningar. Projektet finansierar tre tjänster."""
    assert extract_one(unnamed)["funders"] == []


def test_a_region_running_a_call_or_sharing_out_money_is_a_funder() -> None:
    calls = """Utlysning av projektmedel

Nu utlyser Region Halland projektmedel för att stimulera initiativ och idéer."""
    assert "Region Halland" in [f["name"] for f in extract_one(calls)["funders"]]
    grants = """Fem projekt beviljas

Region Västerbottens regionala utvecklingsnämnd har beviljat totalt 4 212 755 kr till fem projekt."""
    assert "Region Västerbotten" in [f["name"] for f in extract_one(grants)["funders"]]
    consulted = """Ny strategi

Strategin har tagits fram i samråd med Region Halland och kommunerna."""
    assert "Region Halland" not in [f["name"] for f in extract_one(consulted)["funders"]]


def test_the_token_attributes_components_read_are_computed_for_words_never_seen() -> None:
    # The pipelines compute only the lexical attributes something reads (build.LEXICAL_ATTRIBUTES_READ);
    # those must still be right for a word the tokenizer meets for the first time.
    doc = load_nlp("sv").make_doc("Zqxvinnova ZQXFOND 12,5 zqxstöd ;\n Zqx-Region")
    zqx, upper, number, lower, semicolon, space = doc[:6]
    assert zqx.is_alpha and not zqx.is_lower and zqx.lower_ == "zqxvinnova"
    assert upper.is_upper and number.like_num and lower.is_lower and semicolon.is_punct and space.is_space
    assert doc.lang_ == "sv" and [t.text for t in doc[6:]] == ["Zqx", "-", "Region"]


ROOT = Path(__file__).resolve().parents[1]


def test_computing_only_the_attributes_read_changes_no_extraction(monkeypatch: pytest.MonkeyPatch) -> None:
    # A component that starts reading a lexical attribute missing from LEXICAL_ATTRIBUTES_READ would
    # get its default (False, "") without an error: this compares the pipelines as shipped with
    # pipelines computing every attribute spaCy knows, on the project's own annotated pages.
    texts = [{"id": r["id"], "text": r["text"], "reference_date": r.get("reference_date")}
             for name in ("written.jsonl", "holdout.jsonl", "corpus/dev.jsonl")
             for r in map(json.loads, (ROOT / "eval" / name).read_text(encoding="utf-8").splitlines())]
    shipped = list(extract_records(texts))
    every = frozenset().union(*(spacy.blank(lang).vocab.lex_attr_getters for lang in build.LANGUAGES))
    monkeypatch.setattr(build, "LEXICAL_ATTRIBUTES_READ", every)
    monkeypatch.setattr(build, "_cache", {})
    assert list(extract_records(texts)) == shipped
