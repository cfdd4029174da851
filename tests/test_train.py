"""`callwatch train`: deterministic kind (and topic) classifiers saved as spaCy pipelines and loaded with spacy.load."""

from __future__ import annotations

from pathlib import Path

import spacy
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.nlp.kind_model import kind_model_dir
from pipeline.vocabulary import PAGE_KINDS

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "eval" / "written.jsonl"


def train(out: Path) -> str:
    result = CliRunner().invoke(cli, ["train", "--data", str(DATA), "--epochs", "3", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return result.output


def test_training_is_deterministic_and_saves_loadable_pipelines(tmp_path: Path) -> None:
    output = train(tmp_path / "a")
    train(tmp_path / "b")
    assert "trained on 40 pages" in output
    for lang in ("sv", "en"):
        first = (tmp_path / "a" / "kind" / lang / "textcat" / "model").read_bytes()
        assert first == (tmp_path / "b" / "kind" / lang / "textcat" / "model").read_bytes()
        assert (tmp_path / "a" / "topics" / lang / "config.cfg").exists()  # both classifiers by default
        nlp = spacy.load(tmp_path / "a" / "kind" / lang)
        assert set(nlp.get_pipe("textcat").labels) == set(PAGE_KINDS)
        cats = nlp("Utlysning: sista ansökningsdag 3 mars. Sök finansiering för projekt.").cats
        assert abs(sum(cats.values()) - 1.0) < 1e-5  # one kind per page


def test_bad_training_data_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "1", "text": "En sida.", "kind": "funding-call"}\n'
                   '{"id": "2", "text": "x", "kind": "blog"}\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["train", "--data", str(bad), "--out", str(tmp_path / "m")])
    assert result.exit_code != 0
    assert "bad.jsonl:2" in result.output and not (tmp_path / "m").exists()


def test_the_shipped_classifier_is_what_extraction_loads() -> None:
    for lang in ("sv", "en"):
        nlp = spacy.load(kind_model_dir(lang))
        assert set(nlp.get_pipe("textcat").labels) == set(PAGE_KINDS)


def test_the_classifier_reads_the_opening_the_title_and_the_facts_found() -> None:
    from pipeline.nlp.build import load_nlp
    from pipeline.nlp.kind_model import OPENING_CHARS, classifier_words

    nlp = load_nlp("sv")
    opening = "Utlysning av projektmedel\n\nSista ansökningsdag är den 3 mars 2031. " + "Text om regionen. " * 150
    words = []
    for tail in ("", "Helt andra ord längre ner på sidan. " * 50):
        doc = nlp.make_doc(opening + tail)
        doc._.reference_date = "2031-01-10"
        for name, component in nlp.pipeline:
            if name != "callwatch_kind":
                doc = component(doc)
        words.append(classifier_words(doc))
    assert len(opening) > OPENING_CHARS
    assert words[0] == words[1]  # what lies past the opening is not read
    assert "cwdeadline" in words[0]
    assert words[0].count("cwtitleutlysn") == 1 and "utlysn" in words[0]  # title words marked, stems of 6


def test_training_and_extraction_read_where_the_site_files_the_page() -> None:
    from pipeline.nlp.kind_model import classifier_words
    from pipeline.nlp.train import analysed

    record = {"id": "1", "kind": "news", "text": "Nya medel till regionen\n\nRegionen får medel från Vinnova.",
              "url": "https://www.region.example/nyheter/2024-05-02/ny-utlysning-f%C3%B6r-sm%C3%A5f%C3%B6retag?sida=2"}
    [doc] = analysed("sv", [record])
    words = classifier_words(doc)
    # the path's words, percent-decoded and cut to stems; not its dates, not the query
    assert [w for w in words if w.startswith("cwurl")] == ["cwurlnyhete", "cwurlny", "cwurlutlysn", "cwurlför",
                                                         "cwurlsmåför"]
    assert "cwcountfunders1" in words  # one funder found (Vinnova)
    doc._.url = None
    assert not [w for w in classifier_words(doc) if w.startswith("cwurl")]  # a record without an address


def test_training_and_extraction_read_whether_the_page_states_an_open_call() -> None:
    from pipeline.nlp.kind_model import classifier_words
    from pipeline.nlp.train import analysed

    records = [
        {"id": "open", "kind": "funding-call", "reference_date": "2025-03-01",
         "text": "Utlysning: innovationsprojekt\n\nAnsökan är öppen från 1 februari 2025 till 30 april 2025."},
        {"id": "guide", "kind": "info", "reference_date": "2025-03-01",
         "text": "Så söker du stöd\n\nHär beskriver vi hur en ansökan går till och vad den ska innehålla."},
    ]
    open_call, guide = analysed("sv", records)
    # the status the dates give on the page's date: a window open then, or none stated
    assert "cwstatusopen" in classifier_words(open_call)
    assert "cwstatusnone" in classifier_words(guide)


def test_a_word_counts_once_however_often_the_page_repeats_it() -> None:
    from pipeline.nlp.kind_model import classifier_words
    from pipeline.nlp.train import analysed

    body = "Här beskriver vi hur en ansökan går till. "
    once, repeated = analysed("sv", [
        {"id": "once", "kind": "info", "text": "Så söker du stöd\n\n" + body},
        {"id": "repeated", "kind": "info", "text": "Så söker du stöd\n\n" + body * 6},
    ])
    # a guide that says "ansökan" in every paragraph reads as one that says it once
    assert classifier_words(repeated) == classifier_words(once)
    assert classifier_words(once).count("ansöka") == 1


def test_training_and_extraction_read_whether_the_page_looks_ahead_or_back() -> None:
    from pipeline.nlp.kind_model import classifier_words
    from pipeline.nlp.train import analysed

    records = [
        {"id": "call", "kind": "funding-call", "reference_date": "2025-03-01",
         "text": "Stöd till besöksnäringen\n\nAnsök från 1 april 2025. Sista dag är 15 maj 2025. "
                 "Beslut fattas 20 juni 2025."},
        {"id": "report", "kind": "news", "reference_date": "2025-03-01",
         "text": "Konferensen är avslutad\n\nDen 4 februari 2025 samlades 80 deltagare i Luleå, "
                 "en vecka efter mötet den 28 januari 2025."},
    ]
    call, report = (classifier_words(doc) for doc in analysed("sv", records))
    # a call names dates to come; a report of what happened names dates gone by
    assert "cwdatesahead2" in call and "cwdatesbehind0" in call  # three dates: the 2-3 band
    assert "cwdatesahead0" in report and "cwdatesbehind2" in report


def test_training_and_extraction_read_the_first_word_of_each_line() -> None:
    from pipeline.nlp.kind_model import classifier_words
    from pipeline.nlp.train import analysed

    [call] = analysed("sv", [
        {"id": "call", "kind": "funding-call",
         "text": "Utlysning för småföretag\n\nVem kan söka?\nFöretag i länet.\n\n1. Budget: 3 miljoner kronor."},
    ])
    lines = [w for w in classifier_words(call) if w.startswith("cwline")]
    # headings and line openings after the title, numbering skipped, stems of 6; not the title
    assert lines == ["cwlinevem", "cwlineföreta", "cwlinebudget"]
