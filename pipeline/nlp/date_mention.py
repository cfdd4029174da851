"""One date written in a text (`DateMention`) and the month names and cue words of
models/dates_sv_en.toml: what the readers of day-and-month dates (date_mentions) and of the other
date forms (date_forms: month ends, eight-digit dates, "today") both build on, so that neither
imports the other's module to get them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from pipeline.model_files import load_model_toml


@dataclass
class DateMention:
    """One date written in the text, with where it was found."""

    start: int
    end: int
    day: int
    month: int
    year: int | None  # as written; None when the text gives no year
    weekday: int | None = None  # as written ("torsdag 8 december"), helps choose the year
    value: date | None = None  # resolved date
    range_start: DateMention | None = None  # the mention whose range this one closes
    guessed_year: bool = False  # the year was chosen from the reference date alone: the text says none
    anchors = True  # whether it dates the year-less dates near it (a month's end is too vague to)


@lru_cache(maxsize=1)
def load_date_words() -> dict:
    """The month names and cue words of models/dates_sv_en.toml."""
    return load_model_toml("dates_sv_en.toml")


def is_valid_date(year: int, month: int, day: int) -> bool:
    """Whether the day exists in that month and year (29 February only in a leap year)."""
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True
