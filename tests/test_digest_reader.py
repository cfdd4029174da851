"""The digest as a Swedish regional office reads it, made by the whole job: a site served on
127.0.0.1, `callwatch run --sources other.toml --digest`, the real spaCy pipeline, a real SQLite
store and a real SMTP server. Dates are written relative to today, since the CLI judges calls
against the real date."""

from __future__ import annotations

from datetime import timedelta

import pytest
from click.testing import CliRunner
from conftest import write_sources
from digest_store import SmtpServer, parts, smtp_section
from site_server import SnapshotServer, SnapshotSite
from test_run_job import swedish_date, write_news_site

from pipeline.cli import cli
from pipeline.sources_table import load_sources_info
from pipeline.store import open_db
from pipeline.vocabulary import today_in_stockholm

TODAY = today_in_stockholm()
DEADLINE, EVENT_DAY, REGISTER_BY, PARTNER_BY = (TODAY + timedelta(days=d) for d in (75, 20, 1, 48))
TITLE = "EU-kontoret Norrbotten: Aktuellt"


def articles() -> dict[str, tuple[str, str]]:
    return {
        "utlysning-kompetens": (
            "Utlysning: kompetensförsörjning i små företag i Norrbotten",
            "Tillväxtverket utlyser medel ur Regionalfonden för "
            "projekt som stärker små och medelstora företags kompetensförsörjning. Sista ansökningsdag är "
            f"den {swedish_date(DEADLINE)}. Projekten kan beviljas sammanlagt 24 miljoner kronor."),
        "infomote-vard": (
            "Informationsmöte om utlysningen inom nära vård",
            f"Region Norrbotten bjuder in till ett digitalt informationsmöte den {swedish_date(EVENT_DAY)} "
            f"klockan 10.00 om Vinnovas utlysning för hälsa och vård. Anmäl dig senast den "
            f"{swedish_date(REGISTER_BY)}."),
        "partnersok-vatgas": (
            "Partnersökning: vätgas och vindkraft i Arktis",
            "En region i norra Norge söker partner till ett projekt inom Interreg Aurora om vätgas och "
            "vindkraft för glest befolkade områden. Intresserade organisationer ombeds höra av sig "
            f"senast den {swedish_date(PARTNER_BY)}."),
    }


@pytest.fixture(scope="module")
def night(tmp_path_factory: pytest.TempPathFactory):
    """One nightly run made with `--sources other.toml`, its digest mailed to three recipients.
    The config names another sources file, giving the same source another region and title: the
    digest must report the run's."""
    tmp_path = tmp_path_factory.mktemp("night")
    root = tmp_path / "site"
    write_news_site(root, articles())
    db_path = tmp_path / "callwatch.db"
    with SnapshotServer(SnapshotSite(root)) as site, SmtpServer() as smtp:
        entry = {"name": "norrbotten-eu", "kind": "listing", "url": f"{site.url}/aktuellt/",
                 "follow": r"/aktuellt/[a-z-]+\.html$", "lang": "sv"}
        other = write_sources(tmp_path / "other.toml", [{**entry, "title": TITLE, "region": "Norrbotten"}])
        configured = write_sources(tmp_path / "configured.toml", [{**entry, "title": "Fel titel", "region": "Skåne"}])
        config = tmp_path / "callwatch.toml"
        config.write_text(f'db = "{db_path}"\nsources = "{configured}"\n' + smtp_section(smtp.port) + """
[[recipients]]
email = "anna@region.example"
name = "Anna"
language = "sv"
regions = ["Norrbotten"]

[[recipients]]
email = "erik@region.example"
language = "en"
topics = ["health-care", "skills-education"]

[[recipients]]
email = "skane@region.example"
regions = ["Skåne"]
""", encoding="utf-8")
        result = CliRunner().invoke(cli, ["run", "--sources", str(other), "--config", str(config), "--digest"])
        assert result.exit_code == 0, result.output
        yield {"db": open_db(db_path), "smtp": smtp, "site": f"{site.url}/aktuellt/"}


def test_the_digest_reads_regions_and_titles_from_what_the_run_crawled(night):
    [source] = load_sources_info(night["db"]).values()
    assert (source.slug, source.title, source.region, source.site) == ("norrbotten-eu", TITLE, "Norrbotten",
                                                                      night["site"])
    assert night["smtp"].inbox.to("skane@region.example") == []  # the configured file's region is not used
    text, html = parts(night["smtp"].inbox.to("anna@region.example")[0])
    assert f"Hittad på: {TITLE} <{night['site']}>" in text
    assert f'<a href="{night["site"]}" style="color:#1d4ed8;">{TITLE}</a>' in html
    assert "Fel titel" not in text and "Hittad på: norrbotten-eu" not in text
    assert text.count("Därför får du den: region Norrbotten") == 3  # each item says why


def test_a_swedish_digest_names_what_is_new_by_kind_in_swedish(night):
    [message] = night["smtp"].inbox.to("anna@region.example")
    assert message["Subject"] == f"callwatch {TODAY}: 1 ny utlysning, 1 ny partnersökning, 1 nytt evenemang"
    text, html = parts(message)
    call = text.split("* Utlysning: kompetensförsörjning", 1)[1].split("\n* ", 1)[0]
    # the registry's Swedish name, not "European Regional Development Fund"
    assert "Finansiär: Tillväxtverket, Europeiska regionala utvecklingsfonden" in call
    assert "Belopp: 24 MSEK" in call
    for label in ("Kompetens och utbildning", "Innovation och små och medelstora företag"):
        assert label in call
    assert "Skills and education" not in text and "Health and care" not in text
    event = text.split("* Informationsmöte om utlysningen inom nära vård", 1)[1].split("\n* ", 1)[0]
    assert "Program: Vinnova" in event and "Finansiär" not in event  # an event's programme, not its funder
    assert f"Datum: {EVENT_DAY} (om 20 dagar)" in event
    assert f"Sista anmälningsdag: {REGISTER_BY} (1 dag kvar)" in event
    assert "Ämnen: Hälsa, vård och omsorg" in event
    assert "Sista anmälningsdag" in html and "24 MSEK" in html and "Hälsa, vård och omsorg" in html


def test_an_english_recipient_of_the_same_digest_reads_english_and_why(night):
    [message] = night["smtp"].inbox.to("erik@region.example")
    assert message["Subject"] == f"callwatch {TODAY}: 1 new call, 1 new event"  # no partner search on his topics
    text, _ = parts(message)
    assert "Funder: Tillväxtverket, European Regional Development Fund" in text
    assert "Why you get it: topic Skills and education" in text
    assert "Why you get it: topic Health and care" in text
    assert f"Register by: {REGISTER_BY} (1 day left)" in text and "Amount: 24 MSEK" in text
    assert f"Found on: {TITLE} <{night['site']}>" in text
    assert "Kompetens och utbildning" not in text



def test_funders_are_named_in_the_readers_language_from_the_registry_or_the_swedish_page():
    from pipeline.digest.labels import funder_name

    erdf = {"name": "European Regional Development Fund", "text": "Regionalfonden"}
    assert funder_name(erdf, "sv", "sv") == "Europeiska regionala utvecklingsfonden"  # the registry's sv_name
    assert funder_name(erdf, "en", "sv") == "European Regional Development Fund"
    aurora = {"name": "Interreg Aurora", "text": "Interregprogrammet Aurora"}  # no sv_name in the registry
    assert funder_name(aurora, "sv", "sv") == "Interregprogrammet Aurora"  # the Swedish page's own wording
    assert funder_name(aurora, "sv", "en") == "Interreg Aurora"
    assert funder_name({"name": "Vinnova", "text": "Vinnovas"}, "sv", "sv") == "Vinnova"  # a genitive is no name
