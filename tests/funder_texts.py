"""Funders read from a made-up text by the whole real pipeline (`callwatch extract`'s own function)."""

from __future__ import annotations

from pipeline.extract import extract_records


def read_funders(text: str, reference_date: str = "2025-03-01") -> list[dict[str, str]]:
    """The funders found in `text`, each {"name", "text"}."""
    [result] = extract_records([{"id": "x", "text": text, "reference_date": reference_date}])
    return result["funders"]


def funder_names(text: str, reference_date: str = "2025-03-01") -> list[str]:
    return [funder["name"] for funder in read_funders(text, reference_date)]
