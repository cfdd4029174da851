"""The kind cues' faster reading (a cue searched only where one of the texts it requires occurs,
required_texts.required_any, all of them found in one search through each part; past-event words
looked up in the lower-cased text) gives the scores of searching every cue as written."""

from __future__ import annotations

import json
import re
from pathlib import Path

from pipeline.model_files import load_model_toml
from pipeline.nlp.kind_cues import KindCues, PageFacts, kind_cues, split_page
from pipeline.nlp.phrases import atom_first, folds_safely, literal_trie, lower_keeping_offsets, text_first
from pipeline.nlp.required_texts import required_any, required_text
from pipeline.nlp.train import analysed

ROOT = Path(__file__).resolve().parents[1]


def test_required_text_is_text_every_match_contains() -> None:
    assert required_text("(will )?(be )?open (from|on|until) \\d") == "open "
    assert required_text("ansökningsperioden? (som )?(öppnar|stänger)") == "ansökningsperiode"  # n optional
    assert required_text("\\d{1,2}[:.]\\d{2}") == ""  # counted repetitions are not text
    assert required_text("x{100}abc") == "abc"
    assert required_text("utlysning|ansökan") == ""  # either may match alone
    assert required_text("(?i)abcd") == ""


def test_required_any_names_texts_one_of_which_every_match_contains() -> None:
    assert required_any("(is|are) inviting|invites? (\\w+ ){0,3}proposals") == (" inviting", "proposals")
    assert required_any("\\b(met|discussed|presented) ") == ("met", "discussed", "presented")
    assert required_any("(kan|får) (ansöka|söka) om (max|högst)") == ("ansöka", "söka")  # the longest shortest
    assert required_any("(met|discussed)? here") == (" here",)  # an optional choice is not required
    assert required_any("(million|billion|bn) (from|to)") == ()  # "bn" is too short to look for
    assert required_any("(million|billion|bn) (from|to)", least=2) == ("million", "billion", "bn")  # unless asked
    assert required_any("\\b(vd|chef) (i|på) $", least=2) == ("vd", "chef")  # "i" is shorter still
    assert required_any("utlysning|\\d+ kr") == ()  # the second may match alone, with no such text
    assert required_any("[]|(]x(abc|cde)[^]|]") == ("abc", "cde")  # a class's members are no alternatives or groups


def test_every_match_of_a_cue_contains_one_of_its_required_texts() -> None:
    cues = [cue for cue in kind_cues().cues if cue.required]
    assert sum(len(cue.required) > 1 for cue in cues) > 20
    texts = [lower_keeping_offsets(record["text"][:3000]) for path in sorted(ROOT.glob("eval/**/*.jsonl"))
             for line in path.read_text("utf-8").splitlines() if line.strip()
             for record in [json.loads(line)] if record.get("text")]
    matches = 0
    for text in texts:
        for cue in cues:
            for match in cue.pattern.finditer(text):
                assert any(word in match.group() for word in cue.required), (cue.pattern.pattern, match.group())
                matches += 1
    assert matches > 1000


def test_scores_with_the_pre_check_equal_scores_searching_every_cue() -> None:
    checked = kind_cues()
    unchecked = KindCues(prechecked=False)
    assert sum(bool(cue.required) for cue in checked.cues) > 300
    texts = [record for path in sorted(ROOT.glob("eval/**/*.jsonl"))
             for line in path.read_text("utf-8").splitlines() if line.strip()
             for record in [json.loads(line)] if record.get("text")]  # not review notes
    assert len(texts) > 300
    # cues naming capitals are searched lower-cased, or as written where a page does not fold safely
    assert checked.as_written and not unchecked.as_written
    assert sum(not all(map(folds_safely, split_page(record["text"], None))) for record in texts) >= 5
    past_events = sum(checked.past_event_in(record["text"][:2000]) for record in texts)
    assert past_events > 10  # past-event wording is read (without an upcoming event) on enough pages
    for record in texts:
        for facts in (PageFacts(), PageFacts(deadline=True, specifics=True, upcoming_event=True)):
            assert checked.scores(record["text"], None, facts) == unchecked.scores(record["text"], None, facts)
        title = record["text"][:80]
        assert checked.scores(record["text"], title) == unchecked.scores(record["text"], title)


def test_one_search_finds_every_required_text_that_occurs() -> None:
    cues = kind_cues()
    required = {word for cue in cues.cues for word in cue.required}
    assert any(a != b and a.startswith(b) for a in required for b in required)  # nested ones: the hard case
    assert re.fullmatch(literal_trie(["bid", "bidrag", "bidraget"]), "bidrag")
    texts = [lower_keeping_offsets(record["text"]) for path in sorted(ROOT.glob("eval/**/*.jsonl"))
             for line in path.read_text("utf-8").splitlines() if line.strip()
             for record in [json.loads(line)] if record.get("text")]
    assert len(texts) > 300
    for text in texts:
        assert cues.required_in(text) == {word for word in required if word in text}
    assert KindCues(prechecked=False).required_in(texts[0]) == set()


# What the cue rules say about wording a reader would recognise on any page of its kind. Each page
# is compared with the same page without the wording (or with wording the rule must not take).

CALL_FACTS = PageFacts(specifics=True)


def cue_score(text: str, kind: str, facts: PageFacts = CALL_FACTS) -> float:
    return kind_cues().scores(text, None, facts)[kind]


def test_the_outcome_of_a_round_reads_as_news() -> None:
    plain = "Havsfonden\n\nFonden stödjer projekt för renare vatten i länet."
    for outcome in ("Till årets omgång inkom totalt 54 ansökningar.",
                    "By the deadline, 87 proposals were received from twelve countries.",
                    "Styrelsen förordade sex av projekten.",
                    "Nine projects were selected for funding."):
        assert cue_score(f"{plain} {outcome}", "news") > cue_score(plain, "news"), outcome
    # a call saying how applications are to be sent is no outcome
    asks = f"{plain} Ansökningar skickas in via e-tjänsten."
    assert cue_score(asks, "news") == cue_score(plain, "news")


def test_an_organisation_reporting_what_it_has_done_reads_as_news() -> None:
    plain = "Regional board\n\nThe board works for growth in the region."
    for report in ("The board has approved a new strategy for the coast.",
                   "We are pleased to welcome two new member regions.",
                   "The agreement was signed in Umeå."):
        assert cue_score(f"{plain} {report}", "news") > cue_score(plain, "news"), report
    # what a page invites the reader to do is not a report
    invites = f"{plain} Please send your approval form to the board."
    assert cue_score(invites, "news") == cue_score(plain, "news")


def test_a_funder_opening_a_call_reads_as_funding_call() -> None:
    plain = "Kulturrådet\n\nKulturrådet arbetar för att fler ska ta del av kultur i hela landet."
    for opening in ("Kulturrådet utlyser medel för läsfrämjande insatser.",
                    "Nu tar vi emot ansökningar om stöd till körer.",
                    "The council has launched a new call for touring projects.",
                    "The programme is inviting applications from small museums.",
                    "Applications are now open for the 2026 round."):
        assert cue_score(f"{plain} {opening}", "funding-call") > cue_score(plain, "funding-call"), opening
    # a call mentioned only as the subject of a discussion is not an opening
    talks = f"{plain} Styrelsen diskuterade hur medel fördelas."
    assert cue_score(talks, "funding-call") == cue_score(plain, "funding-call")


def test_a_calls_labelled_key_data_reads_as_funding_call() -> None:
    plain = "Green transition pilots\n\nThe topic funds pilots of circular production in small firms.\n"
    fields = plain + "Opening date\n3 March 2026\nDeadline\n10 June 2026\nStatus: Open\n"
    assert cue_score(fields, "funding-call") > cue_score(plain, "funding-call")
    # "deadline" inside a sentence is no field of a call's key data (a news item can say it)
    sentence = plain + "The deadline for the report was moved because of the strike.\n"
    assert cue_score(sentence, "funding-call") < cue_score(fields, "funding-call")


def test_a_projects_fact_sheet_reads_as_project() -> None:
    plain = "Blue Harbour\n\nBlue Harbour works with three ports on cleaner shipping."
    for fact in ("Projekttid: 2024-01-01 till 2026-12-31.",
                 "The aim of the Blue Harbour project is to cut emissions in ports.",
                 "This project has received funding from the Interreg Baltic Sea Region programme."):
        assert cue_score(f"{plain} {fact}", "project") > cue_score(plain, "project"), fact
    # a call's own period of application is no project period
    window = f"{plain} The application period: 1 March to 30 April."
    assert cue_score(window, "project") == cue_score(plain, "project")


def test_the_swedish_word_for_template_is_not_read_inside_small() -> None:
    plain = "Stöd till föreningar\n\nFöreningar i kommunen kan få stöd."
    assert cue_score(f"{plain} Använd mallen för budget.", "info") > cue_score(plain, "info")
    assert cue_score(f"{plain} Grants for small businesses.", "info") == cue_score(plain, "info")


def test_a_call_is_specific_by_its_dates_not_by_an_amount() -> None:
    """A grant described with only an amount ("up to 20 000 kr") is as unspecific as guidance:
    standing grants and news of money granted state amounts too. A date marks one call."""
    head = "Bidrag till hembygdsföreningar\n\nFöreningar kan söka bidrag"
    pages = [f"{head} på upp till 20 000 kronor för att rusta sina lokaler.",
             f"{head} för att rusta sina lokaler. Sista ansökningsdag är den 15 mars 2026."]
    with_amount, with_deadline = analysed("sv", [{"text": text, "reference_date": "2026-01-10"} for text in pages])
    assert with_amount._.amounts and not (with_amount._.deadline or with_amount._.opening)
    assert not PageFacts.of(with_amount).specifics
    assert with_deadline._.deadline and PageFacts.of(with_deadline).specifics


def test_cues_rewritten_to_open_on_what_re_can_skip_to_find_the_same_matches() -> None:
    """`text_first` ("\\bresults\\b" -> "results(?<=\\bresults)\\b") and `atom_first` ("\\d+ x" ->
    "\\d\\d* x"): every kind cue they rewrite finds the same matches as written, on the openings
    of the train and dev pages and on edge cases (the cue's plain text at a text's start, after a
    line break, inside a word; numbers of one to four digits)."""
    rules = load_model_toml("kind_rules.toml")
    patterns = [p for sections in rules.values() if isinstance(sections, dict)
                for cues in sections.values() if isinstance(cues, list) for p in cues if isinstance(p, str)]
    rewritten = [(p, atom_first(text_first(p))) for p in patterns if atom_first(text_first(p)) != p]
    assert sum(text_first(p) != p for p, _ in rewritten) > 10 and sum(atom_first(p) != p for p, _ in rewritten) >= 3
    assert text_first(r"\bcalls?\b") == r"call(?<=\bcall)s?\b" and text_first(r"^\s*x") == r"^\s*x"
    assert atom_first(r"\d{1,2}:") == r"\d\d{0,1}:" and atom_first(r"\d+?x") == r"\d+?x"
    texts = [json.loads(line)["text"][:3000].lower() for name in ("train.jsonl", "dev.jsonl")
             for line in (ROOT / "eval" / "corpus" / name).read_text("utf-8").splitlines() if line.strip()]
    for original, fast_form in rewritten:
        written, fast = re.compile(original, re.MULTILINE), re.compile(fast_form, re.MULTILINE)
        opening = re.match(r"(?:\\b|\^)?\W*([\w åäöéü-]+)", original)  # its plain text, for edge cases
        text = opening.group(1) if opening else ""
        edges = [text, f"x{text}", f"\n{text}", f"a {text} b", f"{text}{text}", "1 ansökningar", "9:30-10:45",
                 "12 applications were", "1234 proposals have been"]
        for sample in texts + edges:
            assert [m.span() for m in written.finditer(sample)] == [m.span() for m in fast.finditer(sample)], original
