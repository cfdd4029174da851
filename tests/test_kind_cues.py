"""The kind cues' faster reading (a cue searched only where the text it requires occurs,
kind_cues.required_text; past-event words looked up in the lower-cased text) gives the scores of
searching every cue as written."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.nlp.kind_cues import KindCues, PageFacts, kind_cues, required_text

ROOT = Path(__file__).resolve().parents[1]


def test_required_text_is_text_every_match_contains() -> None:
    assert required_text("(will )?(be )?open (from|on|until) \\d") == "open "
    assert required_text("ansökningsperioden? (som )?(öppnar|stänger)") == "ansökningsperiode"  # n optional
    assert required_text("\\d{1,2}[:.]\\d{2}") == ""  # counted repetitions are not text
    assert required_text("x{100}abc") == "abc"
    assert required_text("utlysning|ansökan") == ""  # either may match alone
    assert required_text("(?i)abcd") == ""


def test_scores_with_the_pre_check_equal_scores_searching_every_cue() -> None:
    checked = kind_cues()
    unchecked = KindCues(prechecked=False)
    assert sum(bool(cue.required) for cue in checked.cues) > 300
    texts = [record for path in sorted(ROOT.glob("eval/**/*.jsonl"))
             for line in path.read_text("utf-8").splitlines() if line.strip()
             for record in [json.loads(line)] if record.get("text")]  # not review notes
    assert len(texts) > 300
    past_events = sum(checked.past_event_in(record["text"][:2000]) for record in texts)
    assert past_events > 10  # past-event wording is read (without an upcoming event) on enough pages
    for record in texts:
        for facts in (PageFacts(), PageFacts(deadline=True, specifics=True, upcoming_event=True)):
            assert checked.scores(record["text"], None, facts) == unchecked.scores(record["text"], None, facts)
        title = record["text"][:80]
        assert checked.scores(record["text"], title) == unchecked.scores(record["text"], title)
