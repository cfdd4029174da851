"""The funder registry (models/funders.toml): well-formed, unambiguous, and read through the real
spaCy pipeline for bodies of every kind it lists (EU programmes and partnerships, other countries'
research councils, Swedish agencies and foundations, Nordic bodies, Norwegian counties)."""

from __future__ import annotations

from collections import defaultdict

import pytest

from pipeline.extract import extract_records
from pipeline.model_files import load_model_toml
from pipeline.nlp.funders import REGISTRY_FILE

ROLES = {"programme", "agency", "region", "generic", "paying_only"}
GROUPS = {"eu", "cohesion", "national", "nordic", "region"}
KEYS = {"name", "role", "group", "names", "abbr", "sv_name", "umbrella_of", "no_genitive", "fund"}


def registry() -> list[dict]:
    return load_model_toml(REGISTRY_FILE)["funder"]


def funder_names(text: str) -> list[str]:
    [result] = extract_records([{"id": "x", "text": text, "reference_date": "2025-01-15"}])
    return [funder["name"] for funder in result["funders"]]


def test_every_entry_is_well_formed() -> None:
    for entry in registry():
        where = entry.get("name", entry)
        assert set(entry) <= KEYS, f"{where}: unknown keys {set(entry) - KEYS}"
        assert entry["role"] in ROLES and entry["group"] in GROUPS, where
        assert entry.get("names") or entry.get("abbr"), f"{where}: no alias to find it by"
        assert all(alias.strip() == alias and alias for alias in entry.get("names", []) + entry.get("abbr", [])), where
        if "sv_name" in entry:
            assert entry["sv_name"].strip() and entry["sv_name"] != entry["name"], where


def test_no_alias_stands_for_two_bodies() -> None:
    # A name matched case-insensitively also covers an abbreviation spelled the same way.
    owners: dict[str, set[str]] = defaultdict(set)
    for entry in registry():
        if entry["role"] == "generic":  # generic "EU funding" wording, resolved by context
            continue
        for alias in entry.get("names", []) + entry.get("abbr", []):
            owners[alias.casefold()].add(entry["name"])
    shared = {alias: names for alias, names in owners.items() if len(names) > 1}
    assert shared == {}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Innovation Fund Denmark opens the Grand Solutions call. Innovation Fund Denmark distributes "
         "DKK 300 million.", "Innovation Fund Denmark"),
        ("The Clean Hydrogen Partnership has launched a call for proposals worth €113.5 million.",
         "Clean Hydrogen Partnership"),
        ("Driving Urban Transitions (DUT) Call 2024 is open for applications until 21 November.",
         "Driving Urban Transitions Partnership"),
        ("The Research Foundation Flanders (FWO) funds the Flemish partners in this joint call.",
         "Research Foundation Flanders"),
        ("Nu kan ni söka pengar från Allmänna arvsfonden för projekt som stärker barn och unga.",
         "Swedish Inheritance Fund"),
        ("Kulturbryggans nya ansökningsomgång öppnar i mars.", "Kulturbryggan"),
        ("Nordisk kulturfond utlyser stöd till konstnärligt samarbete i Norden.", "Nordic Culture Fund"),
        ("Projektet finansieras av Europeiska havs- och fiskerifonden.", "European Maritime and Fisheries Fund"),
        ("Leader Gute utlyser projektstöd om upp till 500 000 kronor.", "LEADER"),
        ("Sök stöd inom Europa för medborgarna före den 1 mars.", "Europe for Citizens"),
    ],
)
def test_bodies_beyond_the_first_registry_are_found_with_their_canonical_name(text: str, expected: str) -> None:
    assert expected in funder_names(text)


def test_ordinary_words_that_share_a_funders_name_are_not_funders() -> None:
    text = ("Our project leader works on clean hydrogen production for viable cities of the future. "
            "The innovation fund of the company and the research council of the university support "
            "the team. Se sidan om ansökan.")
    assert funder_names(text) == []


def test_a_county_is_a_funder_only_where_it_finances() -> None:
    funding = funder_names("Nordland fylkeskommune finansierar de norska partnerna i projektet.")
    consulted = funder_names("Projektet genomförs i samarbete med Nordland fylkeskommune och tre kommuner.")
    assert funding == ["Nordland fylkeskommune"]
    assert consulted == []


def test_an_english_plural_is_not_read_as_a_swedish_genitive() -> None:
    from pipeline.extract import extract_records

    text = """Teacher education calls

School Leaders Innovation and Development Fund – deadline 30 March. The WP Leaders form the steering committee."""
    [result] = extract_records([{"id": "x", "text": text, "reference_date": "2024-01-10"}])
    assert "LEADER" not in [f["name"] for f in result["funders"]]


def test_no_body_is_listed_twice() -> None:
    # (the ERDF's generic "EU funding" wording is an entry of its own under the fund's name)
    names = [entry["name"] for entry in registry() if entry["role"] != "generic"]
    assert sorted({name for name in names if names.count(name) > 1}) == []
