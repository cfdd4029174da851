"""The learned topic classifier: trained deterministically by `callwatch train`, saved as spaCy
pipelines loaded with spacy.load, reading the page's opening, and a clear error when it is missing."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.errors import ConfigError
from pipeline.nlp import topic_model
from pipeline.nlp.build import load_nlp
from pipeline.nlp.topic_model import OPENING_CHARS, TEXTCAT, load_topic_model, predict_topics, topic_words
from pipeline.nlp.train_topics import taxonomy_topics

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "eval" / "written.jsonl"


def train_topics(out: Path, seed: str = "1") -> str:
    result = CliRunner().invoke(cli, ["train", "--only", "topics", "--data", str(DATA), "--epochs", "3",
                                      "--seed", seed, "--out", str(out)])
    assert result.exit_code == 0, result.output
    return result.output


def test_training_is_deterministic_for_a_seed_and_writes_only_the_topic_pipelines(tmp_path: Path) -> None:
    output = train_topics(tmp_path / "a")
    train_topics(tmp_path / "b")
    train_topics(tmp_path / "c", seed="2")
    assert "topic classifier: trained on 40 pages" in output
    assert not (tmp_path / "a" / "kind").exists()  # --only topics
    for lang in ("sv", "en"):
        first = (tmp_path / "a" / "topics" / lang / TEXTCAT / "model").read_bytes()
        assert first == (tmp_path / "b" / "topics" / lang / TEXTCAT / "model").read_bytes()
        assert first != (tmp_path / "c" / "topics" / lang / TEXTCAT / "model").read_bytes()


def test_a_trained_pipeline_loads_with_spacy_and_scores_every_topic_apart(tmp_path: Path) -> None:
    train_topics(tmp_path)
    nlp = spacy.load(tmp_path / "topics" / "sv")
    assert sorted(nlp.get_pipe(TEXTCAT).labels) == taxonomy_topics()
    cats = nlp("Utlysning om forskning och innovation inom energi och klimat för små företag").cats
    assert all(0.0 <= p <= 1.0 for p in cats.values())
    assert abs(sum(cats.values()) - 1.0) > 1e-3  # several topics per page, not one


def test_the_shipped_classifier_tells_fields_apart() -> None:
    nlp = load_nlp("en")
    pages = {
        "energy": "Funding for solar power, wind farms and batteries\n\nThe call supports renewable energy "
                  "production, energy storage and energy efficiency in buildings.",
        "culture-creative": "Support for museums and the arts\n\nThe call supports theatre, music, libraries, "
                            "cultural heritage and artists in the region.",
    }
    docs = []
    for text in pages.values():
        doc = nlp.make_doc(text)
        doc.user_data["callwatch_text"] = text
        docs.append(doc)
    energy, culture = predict_topics(docs, "en")
    assert sorted(energy) == taxonomy_topics()
    assert energy["energy"] > culture["energy"] and culture["culture-creative"] > energy["culture-creative"]
    assert max(energy, key=energy.get) == "energy" and max(culture, key=culture.get) == "culture-creative"


def test_the_classifier_reads_the_opening_and_marks_the_title() -> None:
    opening = "Stöd till landsbygden\n\n" + "Företag på landsbygden kan söka stöd. " * 60
    assert len(opening) > OPENING_CHARS
    words = topic_words(opening)
    assert words == topic_words(opening + "Helt andra ord om forskning längre ner. " * 20)
    assert "cwtitlelands" in words and "lands" in words  # title words marked, stems of five letters
    assert len(words) == len(set(words))  # each word once: a short page is not read as less of a page
    assert "cwtitlestöd" in topic_words("Text utan rubrik.", title="Stöd till kultur")  # a title given apart


def test_a_missing_classifier_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(topic_model, "model_path", lambda name: tmp_path / name)
    load_topic_model.cache_clear()
    try:
        with pytest.raises(ConfigError, match="topic classifier is missing.*callwatch train"):
            load_topic_model("sv")
    finally:
        load_topic_model.cache_clear()
