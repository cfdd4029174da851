"""Nightly schedule (APScheduler) — see issue 6."""
