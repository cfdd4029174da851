"""Funders: find funding bodies and programmes from the registry in models/funders.toml.

Names are found with spaCy PhraseMatchers (case-insensitive for names, case-sensitive for
abbreviations that are also ordinary words, like LIFE or Forte). Whether a body found in the text
actually funds what the page describes is then read from its sentence, as a person would:
- EU programmes and funds are funders when named, except when they only appear in a catalogue
  sentence listing many funds (a description of some platform, not of this page's money);
- agencies are funders unless they are only introduced as host/partner or only listed among
  other bodies, with no funding or call wording around them;
- regions are funders only where the text says they finance something;
- generic "EU funding" wording counts as the ERDF when the page is about cohesion policy, no
  other EU programme is funding it, and the wording is about money for something (granted,
  applied for, counted, or the structural funds' own) rather than EU funding in general.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from pipeline.model_files import load_model_toml
from pipeline.nlp.extensions import doc_folded, doc_text
from pipeline.nlp.funder_asides import named_aside
from pipeline.nlp.funder_context import ContextFunders, NamedFunder
from pipeline.nlp.funder_extent import named_member, with_place
from pipeline.nlp.funder_names import CUES_FILE, BodyNames
from pipeline.nlp.funder_page import UNSAID, PageFunders, fold_umbrellas, quiet_funders
from pipeline.nlp.funder_registry import (  # noqa: F401  (REGISTRY_FILE, the cue patterns: read from here too)
    REGISTRY_FILE,
    FunderEntry,
    RegistryCompounds,
    TextSearch,
    context_patterns,
    genitive_forms,
    load_registry,
    lowered_context_searches,
    without_genitive,
)
from pipeline.nlp.funder_sentences import SENTENCE_BOUNDARY, heading_before, sentence_around, sentence_index

NAMED_GROUP = "named"  # a body found by the shape of its name, in no registry
CATALOGUE_SIZE = 4  # a sentence naming this many funds is describing funds in general
LIST_SIZE = 3  # an agency in a sentence naming this many bodies is one possibility among others
REGION_CALL_REACH = 60  # how far after a region opening its sentence its call may be named
REGION_CUE_BEFORE = 20  # a call verb this close before a region is the region's ("utlyser Region X")
REGION_VERB_REACH = 45  # how far after a region its paying verb may come ("Xs kulturnämnd beviljar")
# An amount of money or a share of a budget ("359 miljoner", "€32bn", "20 %"); money alone (a share is no sum paid)
_MONEY_UNITS = r"miljon|miljard|million|billion|bn\b|mnkr|msek|kr\b|kronor|euro"
_AMOUNT = re.compile(rf"(?:€|EUR |SEK )\s?\d|\d\s?(?:%|procent|per ?cent|{_MONEY_UNITS})", re.IGNORECASE)
_MONEY = re.compile(rf"(?:€|£|\$|EUR |SEK )\s?\d|\d\s?(?:{_MONEY_UNITS})", re.IGNORECASE)


class _Context(NamedTuple):  # a tuple: one per mention, so cheap to build matters
    sentence: tuple[int, int]  # character offsets of the sentence
    before: tuple[int, int]  # the sentence before the mention
    after: str
    heading: tuple[int, int]  # a short heading line just above the sentence, if any
    programmes: int  # distinct programmes named in the sentence
    bodies: int  # distinct programmes and agencies named in the sentence


@dataclass
class Mention:
    entry: FunderEntry
    start: int  # character offsets of the surface text
    end: int
    text: str


@Language.factory("callwatch_funders", assigns=["doc._.funders"])
def make_funder_finder(nlp: Language, name: str) -> FunderFinder:
    return FunderFinder(nlp)


class FunderFinder:
    def __init__(self, nlp: Language) -> None:
        entries, self.cues = load_registry()
        self.entries = {entry.key: entry for entry in entries}
        self.body_names = BodyNames()
        self.place_qualified = set(load_model_toml(CUES_FILE)["place_qualified"])
        self.page = PageFunders()
        # Swedish compounds ("Leaderprojekt") are looked for by the Swedish pipeline only
        self.compounds = (RegistryCompounds(entries, load_model_toml(CUES_FILE)["registry_compound_tails"])
                          if nlp.lang == "sv" else None)
        self.insensitive = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.sensitive = PhraseMatcher(nlp.vocab, attr="ORTH")
        for entry in entries:
            names = [form for alias in entry.names for form in genitive_forms(alias, False)]
            abbrs = [form for alias in entry.abbr
                     for form in (genitive_forms(alias, True) if alias not in entry.no_genitive else [alias])]
            if names:
                self.insensitive.add(entry.key, list(nlp.tokenizer.pipe(names)))
            if abbrs:
                self.sensitive.add(entry.key, list(nlp.tokenizer.pipe(abbrs)))
        # the context cues' phrases join the registry names' matcher: one pass over a page finds both
        self.context_names = ContextFunders(nlp, self.insensitive)

    def __call__(self, doc: Doc) -> Doc:
        mentions, confirmed, introduced = self.candidates(doc)
        funders = self.select_funders(doc_text(doc), mentions, confirmed, doc_folded(doc), bool(introduced))
        doc._.funders = funders + self.unregistered_funders(introduced, funders)
        return doc

    def candidates(self, doc: Doc) -> tuple[list[Mention], list[tuple[int, int]], list[NamedFunder]]:
        """What the context rules then judge: the registry's and the name shape's mentions, the
        spans of registry bodies introduced as paying, and bodies introduced as paying that no
        registry knows."""
        lowered_matches = self.insensitive(doc)
        registered = self.find_mentions(doc, lowered_matches)
        introduced, confirmed = [], []  # bodies introduced as paying: unknown ones, registry ones
        for named in self.context_names.find(doc, lowered_matches):
            # (a registry name the cue's reading cuts short is introduced whole: "provided by the
            # Department of Business, Enterprise and Innovation" read up to the comma)
            known = [(m.start, m.end) for m in registered if m.start < named.end and named.start < m.end]
            if known:
                confirmed += [(named.start, named.end), *known]
            else:
                introduced.append(named)
        # A body introduced as paying is one already; its name's shape need not be judged, unless
        # the shape reads a longer name around the introduced parts ("Ellen, Hjalmar och Saga
        # Waselius' Stipendiefond" where the cue read "Ellen", "Hjalmar", "Saga Waselius").
        mentions = list(registered)
        for body in self._named_bodies(doc, registered):
            parts = [n for n in introduced if n.start < body.end and body.start < n.end]
            if parts and all(body.start <= n.start and n.end <= body.end and n.end - n.start < body.end - body.start
                             for n in parts):
                introduced = [n for n in introduced if n not in parts]
                confirmed.append((body.start, body.end))
            elif parts:
                continue
            mentions.append(body)
        return mentions, confirmed, introduced

    @staticmethod
    def unregistered_funders(introduced: list[NamedFunder], funders: list[dict[str, str]]) -> list[dict[str, str]]:
        """Bodies introduced as paying ("funded by X") that the registry does not know, as written
        (a registry body, or a longer form of one, is decided by the registry rules)."""
        known = {f["name"].casefold() for f in funders} | {f["text"].casefold() for f in funders}
        found: list[dict[str, str]] = []
        for named in introduced:
            if any(named.name.casefold() in k for k in known):
                continue  # "National Science Centre" beside the registry's "National Science Centre Poland"
            if named.text.casefold() not in known and named.name.casefold() not in known:
                known.update((named.text.casefold(), named.name.casefold()))
                found.append({"name": named.name, "text": named.text})
        return found

    def find_mentions(self, doc: Doc, lowered_matches: list[tuple[int, int, int]] | None = None) -> list[Mention]:
        """Registry bodies named in the doc (`lowered_matches`: `self.insensitive`'s matches on it,
        when the caller has them; those of the context cues' phrases are left out here)."""
        if lowered_matches is None:
            lowered_matches = self.insensitive(doc)
        context_keys = self.context_names.keys
        matches = [match for match in lowered_matches if match[0] not in context_keys] + self.sensitive(doc)
        spans = [Span(doc, start, end, label=key) for key, start, end in matches]
        for key, start, end in self.compounds.find(doc_text(doc), doc_folded(doc)) if self.compounds else ():
            compound = doc.char_span(start, end, label=key, alignment_mode="expand")
            if compound is not None:
                spans.append(compound)
        # "EU-programmet Interreg Aurora": an umbrella's form that ends where one of its programmes'
        # names starts gives way to the programme (the longer span would otherwise win)
        spans = filter_spans([span for span in spans if not (self.entries[span.label_].umbrella_of and any(
            other.start < span.end < other.end and other.start > span.start for other in spans))])
        taken = {i for span in spans for i in range(span.start, span.end)}
        text = doc_text(doc)  # (a span's text sliced from it: `span.text` is rebuilt from its tokens)
        mentions: list[Mention] = []
        for span in spans:
            entry = self.entries[span.label_]
            previous = mentions[-1] if mentions else None
            # "Europeiska regionala utvecklingsfonden (Eruf)": one mention with its abbreviation.
            if (
                previous is not None
                and previous.entry.name == entry.name
                and text[previous.end : span.start_char].strip() == "("
                and text[span.end_char : span.end_char + 1] == ")"
            ):
                previous.end = span.end_char + 1
                # the text stays the name as written; its abbreviation only joins the mention
                continue
            if entry.umbrella_of:
                span, entry = named_member(span, entry)
            elif text[span.start_char:span.end_char] in self.place_qualified:
                span = with_place(span, taken)
            surface = text[span.start_char:span.end_char]
            mentions.append(Mention(entry, span.start_char, span.end_char, without_genitive(surface, entry)))
        return mentions

    def _named_bodies(self, doc: Doc, mentions: list[Mention]) -> list[Mention]:
        """Bodies in no registry whose name says what they are ("X Foundation", "Y kommun"), as
        mentions of an entry of their own, judged by their sentences like a registry agency."""
        found: list[Mention] = []
        for named in self.body_names.find(doc, doc_text(doc), [(m.start, m.end) for m in mentions]):
            if any(m.start < named.end and named.start < m.end for m in mentions):
                continue
            entry = FunderEntry(key=f"named:{named.name}", name=named.name, role="agency", group=NAMED_GROUP,
                                names=(), abbr=())
            found.append(Mention(entry, named.start, named.end, named.text))
        return found

    def select_funders(self, text: str, mentions: list[Mention],
                       confirmed: Sequence[tuple[int, int]] = (),
                       folded: str | None = None, others_pay: bool = False) -> list[dict[str, str]]:
        """Keep the funders whose mentions show they fund; one {"name", "text"} per funder.
        `confirmed`: where a cue introduces a body as paying ("finansieras av X, Y och Z"); a
        mention there funds whatever else its sentence says. `folded`: the text lower-cased, when
        it is known to fold safely (`doc_folded`). `others_pay`: whether the page introduces a body
        no registry knows as paying (then the page has shown who pays)."""
        if not mentions:
            return []
        boundaries = [0] + [m.end() for m in SENTENCE_BOUNDARY.finditer(text)] + [len(text)]
        sentence_of = [sentence_index(boundaries, m.start) for m in mentions]
        programmes_in: dict[int, set[str]] = {}
        bodies_in: dict[int, set[str]] = {}
        for mention, index in zip(mentions, sentence_of, strict=True):
            role = mention.entry.role
            if role == "programme":
                programmes_in.setdefault(index, set()).add(mention.entry.fund or mention.entry.name)
            if role in ("programme", "agency") and mention.entry.group != NAMED_GROUP:
                bodies_in.setdefault(index, set()).add(mention.entry.name)

        search = TextSearch(self.cues, text, folded)
        verdicts: dict[str, list[str]] = {}  # funder -> verdict of each of its mentions
        first: dict[str, Mention] = {}
        generic: list[Mention] = []
        paying: set[str] = set()  # funders with a "yes" verdict
        for mention, index in zip(mentions, sentence_of, strict=True):
            if mention.entry.role == "generic":
                generic.append(mention)  # judged apart (_generic_pays): no verdict of its own
                continue
            if mention.entry.name in paying:
                # Shown paying once, a body is kept whatever its other mentions say (below, a "yes"
                # among its verdicts decides, and one folded into its programme's gives that a
                # "yes"): judging them changed nothing and was most of the verdicts' time. (Not
                # for the programmes whose "yes" verdicts are counted: PageFunders.yes_counted.)
                continue
            context = _Context(
                sentence=(boundaries[index], boundaries[index + 1]),
                before=(boundaries[index], mention.start),
                after=text[mention.end : boundaries[index + 1]],
                heading=heading_before(text, boundaries, index),
                programmes=len(programmes_in.get(index, ())),
                bodies=len(bodies_in.get(index, ())),
            )
            verdict = self._verdict(mention, context, search)
            if context.programmes < CATALOGUE_SIZE and any(
                start <= mention.start and mention.end <= end for start, end in confirmed
            ) and not (mention.entry.role == "paying_only" and search.search("in_general", *context.before)):
                verdict = "yes"  # (a catalogue of funds stays one, cue or not)
            verdicts.setdefault(mention.entry.name, []).append(verdict)
            first.setdefault(mention.entry.name, mention)
            if verdict == "yes" and mention.entry.name not in self.page.yes_counted:
                paying.add(mention.entry.name)

        # A funder is kept when a mention speaks of its money or its calls ("yes"), or when it is
        # named without such words ("maybe") but is what the page is about: named more than once,
        # or no other body is named. One aside about another programme's history is not a funder.
        fold_umbrellas(verdicts, first)
        # A body known only by its name's shape must be shown paying.
        named = [name for name, v in verdicts.items() if any(verdict in ("yes", "maybe") for verdict in v)]
        # (the EU paying does not make a programme named without money words one body among others)
        registered = [name for name in named if first[name].entry.group != NAMED_GROUP
                      and first[name].entry.role != "paying_only"]
        accepted: dict[str, Mention] = {}
        for name in named:
            v = verdicts[name]
            # (named more than once: mentions shown not to pay, as host or list entry, do not count)
            often = v.count("maybe") > 1
            if "yes" in v or ((often or len(registered) == 1) and first[name].entry.group != NAMED_GROUP):
                accepted[name] = first[name]
        if not accepted and not others_pay and (search.search("funding", 0, len(text))
                                                or search.search("call", 0, len(text))):
            accepted = quiet_funders(verdicts, first, registered)
        # funds of the programmes that pay, predecessors, the EU beside its programmes
        accepted = self.page.settle(accepted, {name: verdicts[name] for name in named}, first, generic)
        if generic and "European Regional Development Fund" not in accepted:
            # the EU money of a programme that is named paying is that programme's ("Interreg X har
            # beviljat 30 miljoner kronor i EU-medel", "stöd från Europeiska socialfonden ... får EU-stöd")
            other_eu = any(m.entry.group in ("eu", "cohesion") and m.entry.role == "programme"
                           for m in accepted.values())
            paying = [m for m in generic if self._generic_pays(text, boundaries, search, m.start)]
            if other_eu:  # unless the EU share is set beside a national one ("EU funding and Norwegian IR funding")
                paying = [m for m in paying if search.search("national_share", *sentence_around(boundaries, m.start))]
            if paying and search.search("structural", 0, len(text)):
                accepted["European Regional Development Fund"] = paying[0]
        ordered = sorted(accepted.values(), key=lambda m: m.start)
        return [{"name": m.entry.name, "text": m.text} for m in ordered]

    def _verdict(self, mention: Mention, context: _Context, search: TextSearch) -> str:
        """"yes" (funds), "maybe" (named, nothing telling around it), "no" (host, partner, one
        entry in a list) or, for a region, UNSAID (nothing says whether the money is its own)."""
        cues = self.cues
        role = mention.entry.role
        start, end = context.before
        after = (mention.end, context.sentence[1])  # where context.after stands
        if role == "paying_only":
            # a project reports to the body that pays it ("timely reporting to the European Commission");
            # otherwise it pays only where a cue introduces it so (select_funders)
            return "yes" if search.found_in("accountable_before", max(start, end - 40), end) else "no"
        if search.opens("logo_after", *after) or search.found_in("logo_before", max(start, end - 20), end):
            return "yes"  # "Interreg Alpine Space logo", "Logotyp Jordbruksverket": its logo marks what it pays
        if (search.found_in("affiliation_before", max(start, end - 80), end)
                or search.opens("affiliation_after", *after)):
            return "no"  # "ordförande för Leader-gruppen X", "Head of Department at X": a person's post
        if mention.text.istitle() and " " not in mention.text and (
                search.found_in("title_before", max(start, end - 30), end)
                or search.opens("title_after", *after, spaces=False)):
            return "no"  # the name is a post's: "the Project Leader", "Leader of Durham County Council"
        if role != "programme" and (search.opens("recipient_after", *after)
                                    or search.found_in("recipient_before", max(start, end - 40), end)):
            return "no"  # "Kinda kommun har beviljats medel från ...": the body is paid, it does not pay
        if role == "region":
            # The money must be the region's: "finansieras av Region X", "Finansiering: ... Region X",
            # "Region X medfinansierar"; not "i samråd med Region X" in a sentence about funding.
            start, end = context.before
            near_before = (max(start, end - 60), end)
            if search.search("host", *near_before):
                return "no"
            if search.search("funding", *context.heading) or search.search("funding", *near_before):
                return "yes"
            if search.search("call", max(start, end - REGION_CUE_BEFORE), end):
                return "yes"  # "Nu utlyser Region Halland projektmedel"
            if search.found_in("applied_to_before", max(start, end - REGION_CALL_REACH), end):
                return "yes"  # "Ansökan om projektmedel skickas till Region Kalmar län", "kan sökas hos Länsstyrelsen"
            # "Region X beviljar / utlyser", "Region Xs regionala utvecklingsnämnd har beviljat"
            following = context.after.lstrip()[:REGION_VERB_REACH]
            if cues["funding"].search(following) or cues["call"].match(following):
                return "yes"
            # the region is what the sentence is about and counts money ("Regeringen ger 4 miljoner
            # kronor", "The Irish Government announced €45m") or runs a call in it ("Region X har haft
            # en utlysning om projektmedel")
            subject = text_before_in_sentence(context, search.text).strip(" \t\n•-–*").lower() in ("", "the")
            if subject and _MONEY.search(search.text, *context.sentence):
                return "yes"
            return "yes" if subject and cues["call"].search(context.after[:REGION_CALL_REACH]) else UNSAID
        if role == "programme":
            if context.programmes >= CATALOGUE_SIZE:
                return "yes" if search.search("catalogue_paying", start, end) else "no"
            if named_aside(search, context.before, after, context.programmes):
                return "no"  # "the programme that succeeds Horizon 2020", "applications for Horizon Europe"
            if search.found_in("programme_before", max(start, end - 40), end):
                return "yes"  # "a partnership under Horizon Europe", "inom ramen för Leader"
            if _funding_named(context, search) or search.search("call", *context.sentence):
                return "yes"
            # money counted in its sentence: "€287 million of ERDF", "133,5 miljoner euro från ERUF"
            return "yes" if _AMOUNT.search(search.text, *context.sentence) else "maybe"
        if search.found_in("owner_before", max(start, end - 60), end):
            return "yes"  # "Nordplus is the programme for educational cooperation of the Nordic Council of Ministers"
        if search.opens("portal_after", *after):
            return "maybe"  # (its call wording is about applying, not about who pays)
        # Agencies. A list of several bodies is a list of possibilities unless money is spoken of.
        if context.bodies >= LIST_SIZE:
            if _funding_named(context, search):
                return "yes"
            # the bodies that open a call together ("X, Y and Z have together launched this programme";
            # not those named "in cooperation with" the one opening it)
            opening = search.search("call", *context.sentence) and not search.search("host", *context.before)
            return "yes" if opening else "no"
        if (
            search.search("host", *context.before)
            or search.search("host", *context.heading)
            or search.opens("host_after", *after)
        ):
            return "yes" if _funding_named(context, search) else "no"
        return "yes" if _funding_named(context, search) or search.search("call", *context.sentence) else "maybe"

    @staticmethod
    def _generic_pays(text: str, boundaries: list[int], search: TextSearch, offset: int) -> bool:
        """Generic "EU funding" at `offset` is money for something when its sentence speaks of money,
        or when it or the next sentence names the structural funds ("– EU-medlen innebär att vi kan
        starta projekt. ..., säger ordförande i strukturfondspartnerskapet")."""
        index = sentence_index(boundaries, offset)
        sentence = (boundaries[index], boundaries[index + 1])
        following = (sentence[0], boundaries[min(index + 2, len(boundaries) - 1)])
        return _speaks_of_money(search, text, sentence) or search.search("structural", *following)


def _funding_named(context: _Context, search: TextSearch) -> bool:
    """Whether money is spoken of in the mention's sentence or the heading above it (asked only
    where the verdict turns on it: most mentions are decided before)."""
    return search.search("funding", *context.sentence) or search.search("funding", *context.heading)


def _speaks_of_money(search: TextSearch, text: str, sentence: tuple[int, int]) -> bool:
    """Whether a sentence speaks of money given, asked for or counted ("beviljas EU-medel", "359
    miljoner EU-medel", "ansöka om EU-stöd"), not of EU funding in general ("the management of EU
    funding", "Ministry of EU Funds")."""
    return bool(search.search("funding", *sentence) or search.search("call", *sentence)
                or _AMOUNT.search(text, *sentence))


def text_before_in_sentence(context: _Context, text: str) -> str:
    start, end = context.before
    return text[start:end]
