"""The `callwatch_amounts` component: budgets and grant sizes as {"value", "currency"}.

Where a number starts (digits in Swedish or English notation, or a number word before a scale
word), one compiled regular expression reads an optional second number closing a range, a scale
word ("miljoner", "million", "M") and a currency after it; a currency just before it ("EUR", "€")
is looked up too. Words live in models/amounts_sv_en.toml. A number with a scale word but no
currency takes the page's usual currency when the next word shows it is money ("100 miljoner
till", not "3 million people"); a bare number counts only under a money label or before a money
word ("Beviljat belopp: 412 500", "250 000 i projektbidrag"). Percentages, years, phone numbers,
fees (under 1 000, or named so: "Konferensavgift: 2 950 kronor") and company-size limits
("omsättning under 50 miljoner euro") are left out.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.model_files import load_model_toml
from pipeline.nlp.date_mentions import NUMBER_START
from pipeline.nlp.extensions import doc_lowered, doc_text  # importing it registers the Doc attributes
from pipeline.nlp.phrases import lower_keeping_offsets, word_alternation

logger = logging.getLogger(__name__)

# 1 500 000 | 1.500.000 / 11,000,000.00 | 2,5 / 17  (a group separator is followed by 3 digits)
NUMBER = (
    r"(?:\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:,\d{1,2})?(?!\d)"
    r"|\d{1,3}(?:[.,]\d{3})+(?:[.,]\d{1,2})?(?![\d.,]\d)"
    r"|\d+(?:[.,]\d+)?)"
)
RANGE_JOIN = r"\s*(?P<join>-|–|—|to|till|and|och)\s*"
PERCENT = re.compile(r"\s*(?:%|procent|percent|per\s*cent)", re.IGNORECASE)
NEXT_WORD = re.compile(r"[ \t\u00a0)\]]*([^\W\d_]+)")  # the next word on the same line
LABEL_CHARS = 40
PREFIX_CHARS = 6  # "EUR ", "€ ", "SEK "
WORD_CHARS = 12  # "en halv ", "trettio "
NOT_BUDGET_CHARS = 40
MIN_VALUE = 1000  # smaller sums are fees and prices ("Avgift: 500 kr"), not budgets or grants
MAX_VALUE = 1e13  # above any budget (the EU's long-term budget is ~1.2e12 EUR): a misread number


@dataclass(frozen=True)
class AmountWords:
    amount_at: re.Pattern[str]  # an amount read from where its number starts
    long_scale: re.Pattern[str]  # "miljoner", "million": may follow a number word
    word_before: re.Pattern[str]  # "två ", "one " just before a scale word
    prefix_before: re.Pattern[str]  # "EUR ", "€" just before a number
    currencies: dict[str, str]
    prefixes: dict[str, str]
    scales: dict[str, float]
    scaled_currencies: dict[str, tuple[float, str]]
    number_words: dict[str, float]
    local_crowns: dict[str, str]  # language -> the currency its "kr" means
    swedish_only: frozenset[str]  # currency words that are Swedish whatever the page's language
    allowed_next: frozenset[str]
    foreign_money: frozenset[str]
    money_label: re.Pattern[str]  # "Beviljat belopp:" right before a number
    money_after: re.Pattern[str]  # "i bidrag", "in funding" right after a number
    not_budget: re.Pattern[str]  # "omsättning", "turnover" shortly before: a company's size


_SPACES = re.compile(r"\s+")
_YEAR = re.compile(r"(?:19|20)\d{2}")  # compiled once: `re.fullmatch(...)` looks it up per call


@lru_cache(maxsize=4096)
def _key(text: str) -> str:
    return _SPACES.sub(" ", text.strip().lower())


@lru_cache(maxsize=1)
def amount_words() -> AmountWords:
    data = load_model_toml("amounts_sv_en.toml")
    currencies = {_key(k): v for k, v in data["currencies"].items()}
    prefixes = {_key(k): v for k, v in data["prefix"].items()}
    scales = {_key(k): float(v) for k, v in data["scales"].items()}
    scaled = {_key(k): (float(v[0]), v[1]) for k, v in data["scaled_currencies"].items()}
    number_words = {_key(k): float(v) for k, v in data["number_words"].items()}
    prefix_re = word_alternation(list(prefixes))
    scale_re = word_alternation(list(scales))
    word_re = word_alternation(list(number_words))
    # All patterns run on lower-cased text. An amount is read from where its number starts.
    amount_at = re.compile(
        rf"(?:(?P<num>{NUMBER})|(?P<word>{word_re})(?=\s+{scale_re}))"
        rf"(?:{RANGE_JOIN}(?:{prefix_re})?\s?(?P<num2>{NUMBER}))?"
        rf"(?:\s*(?P<scaled>{word_alternation(list(scaled))})|\s*(?P<scale>{scale_re}))?"
        # a currency code followed by a number starts the next amount ("2024 EUR 3 million")
        rf"(?:\s*(?P<post>{word_alternation(list(currencies))})(?!\s?\d))?"
    )
    # Number words count only before a long scale word ("två miljoner", "one million").
    long_scales = [w for w in scales if len(w) >= 4 and w.isalpha()]
    # found by their scale word (a pattern opening on a few literal letters is scanned fast)
    long_scale = re.compile(word_alternation(long_scales))
    word_before = re.compile(rf"(?<!\w)(?:{word_re})\s+$")
    ctx = data["context"]
    return AmountWords(
        amount_at,
        long_scale,
        word_before,
        re.compile(rf"(?<!\w)(?P<pre>{prefix_re})\s?$"),
        currencies,
        prefixes,
        scales,
        scaled,
        number_words,
        dict(data["local_crowns"]),
        frozenset(_key(w) for w in data["swedish_only"]["words"]),
        frozenset(w.lower() for w in ctx["allowed_next"]),
        frozenset(w.lower() for w in ctx["foreign_money"]),
        # the label ends right before the number: only spaces, colons and the like between
        re.compile(rf"(?<!\w)(?:{word_alternation(ctx['money_labels'])})[^\w\n]{{0,5}}$"),
        re.compile(
            rf"[ \t]*(?:(?:i|in|of)[ \t]+)?(?:{word_alternation(ctx['money_labels'])}"
            rf"|[\w-]*(?:{word_alternation(ctx['money_word_ends'])}))"
        ),
        re.compile(rf"\b(?:{word_alternation(ctx['not_budget'])})"),
    )


def parse_number(text: str) -> float:
    """Digits in Swedish or English notation: '1 500 000', '1.500.000', '11,000,000.00', '2,5'."""
    s = text.replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
    if "." in s and "," in s:
        decimal = "." if s.rfind(".") > s.rfind(",") else ","
        thousands = "," if decimal == "." else "."
        return float(s.replace(thousands, "").replace(decimal, "."))
    for sep in ".,":
        if s.count(sep) > 1:
            return float(s.replace(sep, ""))
        if s.count(sep) == 1:
            whole, frac = s.split(sep)
            # one separator followed by exactly three digits groups thousands ("1,500", "1.500")
            return float(whole + frac) if len(frac) == 3 and not text.startswith("0") else float(f"{whole}.{frac}")
    return float(s)


@dataclass
class Amount:
    values: list[float]
    currency: str | None
    scaled: bool  # written with a scale word ("miljoner"), so a sum of money even without currency
    end: int


def _looks_like_years(m: re.Match[str]) -> bool:
    """'2021-2027' is a period, not money."""
    nums = [m.group("num"), m.group("num2")]
    return all(n and _YEAR.fullmatch(n) for n in nums)


def _read(m: re.Match[str], words: AmountWords, lang: str | None) -> Amount | None:
    lowered = m.string
    prefix = words.prefix_before.search(lowered, max(0, m.start() - PREFIX_CHARS), m.start())
    if m.end() == m.end("num") and not prefix:
        # the common case, a bare number ("2024", "14.00", "3"): money only under a money label
        num = m.group("num")
        if len(num) < 4 or not _labelled_sum(m, parse_number(num), words):
            return None
    number_end = max(m.end(g) for g in ("num", "word", "num2") if m.group(g))
    if PERCENT.match(lowered, number_end):
        return None
    if _looks_like_years(m):
        return None
    scale, currency, scaled = 1.0, None, False
    crown = False  # "kr", "mkr": the crown of the page's country, Swedish unless said otherwise
    if m.group("scaled"):
        scale, currency = words.scaled_currencies[_key(m.group("scaled"))]
        scaled = True
        crown = _key(m.group("scaled")) not in words.swedish_only
    elif m.group("scale"):
        scale, scaled = words.scales[_key(m.group("scale"))], True
    if m.group("post"):
        currency = words.currencies[_key(m.group("post"))]
        crown = _key(m.group("post")) not in words.swedish_only
    if prefix:
        currency = currency or words.prefixes[_key(prefix.group("pre"))]
    if m.group("word"):
        first = words.number_words[_key(m.group("word"))]
    else:
        first = parse_number(m.group("num"))
    values = [first]
    if m.group("num2"):
        # "between EUR 1.5 and 4.5 million": the scale and currency belong to both ends; a range
        # joined by a word must end in a scale or currency, else the second number is something else
        if m.group("join") in ("-", "–", "—") or scaled or m.group("post"):
            values.append(parse_number(m.group("num2")))
        else:
            return None
    if m.group("scale") and _key(m.group("scale")) in ("m", "k") and not currency:
        return None  # "5 m" is five metres unless money is written with it
    if not currency and not scaled and not _labelled_sum(m, first, words):
        return None
    if crown and currency == "SEK" and lang in words.local_crowns:
        currency = words.local_crowns[lang]
    if words.not_budget.search(lowered, max(0, m.start() - NOT_BUDGET_CHARS), m.start()):
        return None  # "företag med en omsättning under 50 miljoner euro": a size limit, not money on offer
    # "mellan 500 000 och 4 miljoner kronor": a first end written out in full is not scaled again
    ends = [v if i == 0 and len(values) > 1 and v >= MIN_VALUE else v * scale for i, v in enumerate(values)]
    return Amount(ends, currency, scaled, m.end())


def _labelled_sum(m: re.Match[str], value: float, words: AmountWords) -> bool:
    """A bare number is money only right after a money label ("Beviljat belopp: 400 000") or
    before a money word ("100 000–250 000 i programbidrag"), and never a year ("Stöd: 2024")."""
    if value < 1000 or not m.group("num") or _YEAR.fullmatch(m.group("num")):
        return False
    if words.money_after.match(m.string, m.end()):
        return True
    line_start = m.string.rfind("\n", 0, m.start()) + 1
    return bool(words.money_label.search(m.string, max(line_start, m.start() - LABEL_CHARS), m.start()))


def _counts_money(text: str, amount: Amount, words: AmountWords) -> bool:
    """Whether a scaled number without currency ("100 miljoner") is a sum of money, judged by the
    word after it: "3 million people" counts people, "1,1 miljoner norska" has a foreign currency."""
    nxt = NEXT_WORD.match(text, amount.end)
    if not nxt:
        return True
    word = nxt.group(1).lower()
    return word in words.allowed_next and word not in words.foreign_money


def _clean(value: float) -> int | float:
    rounded = round(value, 2)
    return int(rounded) if rounded == int(rounded) else rounded


def _amount_matches(lowered: str, words: AmountWords) -> list[re.Match[str]]:
    """Amount matches in text order, tried only where a number or a number word starts."""
    starts = [m.start() for m in NUMBER_START.finditer(lowered)]
    word_starts = [
        w.start()
        for m in words.long_scale.finditer(lowered)
        if (w := words.word_before.search(lowered, max(0, m.start() - WORD_CHARS), m.start()))
    ]
    if word_starts:
        starts = sorted(starts + word_starts)
    matches, last_end = [], 0
    for pos in starts:
        if pos < last_end:
            continue
        m = words.amount_at.match(lowered, pos)
        if m is not None:
            matches.append(m)
            last_end = m.end()
    return matches


def extract_amounts(text: str, lang: str | None = None, lowered: str | None = None) -> list[dict]:
    """Distinct {"value", "currency"} of the sums of money in text, in order of first mention.
    `lang` (ISO 639-1) says whose crowns "kr" counts: Swedish unless the page is Norwegian, Danish...
    `lowered`: the text's `lower_keeping_offsets`, when known."""
    words = amount_words()
    lowered = lower_keeping_offsets(text) if lowered is None else lowered
    found = [a for m in _amount_matches(lowered, words) if (a := _read(m, words, lang))]
    explicit = Counter(a.currency for a in found if a.currency)
    page_currency = explicit.most_common(1)[0][0] if explicit else None
    out: list[dict] = []
    seen: set[tuple[float, str]] = set()
    for amount in found:
        currency = amount.currency
        if currency is None:
            if page_currency is None or not _counts_money(text, amount, words):
                continue
            currency = page_currency
        for value in amount.values:
            if not MIN_VALUE <= value < MAX_VALUE:
                continue
            key = (_clean(value), currency)
            if key not in seen:
                seen.add(key)
                out.append({"value": key[0], "currency": currency})
    return out


@Language.factory("callwatch_amounts", assigns=["doc._.amounts"])
def make_amounts_component(nlp: Language, name: str) -> AmountsComponent:
    return AmountsComponent()


class AmountsComponent:
    """Sets doc._.amounts: a list of {"value": number, "currency": ISO code}."""

    def __init__(self) -> None:
        amount_words()  # compile once, at pipeline build time

    def __call__(self, doc: Doc) -> Doc:
        doc._.amounts = extract_amounts(doc_text(doc), doc._.lang, doc_lowered(doc))
        return doc
