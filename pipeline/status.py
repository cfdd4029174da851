"""A call's status from its dates and today's date, never from a (possibly stale) status code."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def today_in_stockholm() -> date:
    return datetime.now(STOCKHOLM).date()


def derive_status(opening: str | None, deadlines: list[str] | tuple[str, ...], today: date) -> str | None:
    """'forthcoming' before opening, 'open' until the last cut-off (a cut-off today is still
    ahead), 'closed' after it; None when there are no dates to judge by."""
    if opening and date.fromisoformat(opening[:10]) > today:
        return "forthcoming"
    dates = sorted(date.fromisoformat(d[:10]) for d in deadlines if d)
    if dates:
        return "open" if dates[-1] >= today else "closed"
    return "open" if opening else None


def next_deadline(deadlines: list[str] | tuple[str, ...], today: date) -> str | None:
    """The next cut-off still ahead (today counts), else the last one."""
    dates = sorted({d[:10] for d in deadlines if d})
    ahead = [d for d in dates if date.fromisoformat(d) >= today]
    return ahead[0] if ahead else (dates[-1] if dates else None)
