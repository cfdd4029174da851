"""Scraped text made safe to show: no control characters, no bidi overrides.

The store keeps what a source published, byte for byte (JSON output too). Anything that
*shows* that text (the terminal table, the digest's text and HTML parts, the iCalendar and
Atom exports) passes it through `strip_controls` first, because:
- C0/C1 controls and DEL are invalid in XML 1.0 and in HTML, and in a terminal or a text mail
  client an ESC (or the C1 CSI) starts a sequence that can recolour, rewrite or hide lines;
- bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) reorder what follows
  them, so a title can be made to read as something else ("Trojan Source").
Zero-width joiners, combining marks and emoji are text and are kept.
"""

from __future__ import annotations

import re
from typing import Any

_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff]")


def strip_controls(text: Any) -> str:
    """`text` as a string without control characters except tab and newline (CR becomes LF)."""
    if text is None:
        return ""
    return _UNSAFE.sub("", str(text).replace("\r\n", "\n").replace("\r", "\n"))


def one_line(text: Any) -> str:
    """`text` safe to show on one line: controls dropped, every run of whitespace one space."""
    return " ".join(strip_controls(text).split())
