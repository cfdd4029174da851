"""Commands that tell people: `digest` (preview or send) and `schedule` (the nightly service)."""

from __future__ import annotations

import logging
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from pipeline.cli.common import config_db_path, config_option, db_option, reports_errors
from pipeline.config import load_config
from pipeline.lock import run_lock
from pipeline.store import open_db

LOCK_WAIT_SECONDS = 60  # a nightly run may be finishing; longer than that, say so and stop

def _date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)", param_hint="--since") from None


@click.command()
@config_option
@db_option
@click.option("--preview", type=click.Path(dir_okay=False), default=None,
              help="Write the next digest of the first recipient (or --to) as HTML here, and the text "
                   "part beside it; nothing is sent or recorded.")
@click.option("--to", "to", multiple=True, metavar="ADDR",
              help="Send to this address instead of the configured recipients (repeatable).")
@click.option("--since", default=None, metavar="DATE", help="Include items from runs since DATE (YYYY-MM-DD).")
@reports_errors
def digest(config_path: str | None, db_path: str | None, preview: str | None, to: tuple[str, ...],
           since: str | None) -> None:
    """Send the digest of what is new since the last one (each item goes to each recipient once).

    SMTP settings come from the config's [smtp] table, overridden by CALLWATCH_SMTP_HOST, _PORT,
    _USER, _PASSWORD, _FROM and _TLS (none|starttls|ssl); with --to it needs no config file.

    Examples:

      callwatch digest --preview digest.html

      CALLWATCH_SMTP_HOST=mail.example.org callwatch digest --to me@example.org
    """
    from pipeline.digest import preview_digest, send_digests

    config = load_config(config_path)
    db_file = config_db_path(db_path, config)
    since_date = _date(since)
    # A digest reads the store a run wrote: a mistyped path must not become an empty store and an
    # empty digest ("nothing new") with exit code 0. A preview writes nothing.
    db = open_db(db_file, create=False, write=not preview)
    if preview:
        rendered = preview_digest(db, config, to=to or None, since=since_date)
        html_path = Path(preview)
        html_path.parent.mkdir(parents=True, exist_ok=True)
        html_path.write_text(rendered.html, encoding="utf-8")
        html_path.with_suffix(".txt").write_text(rendered.text, encoding="utf-8")
        click.echo(f"{rendered.subject}\nwrote {html_path} and {html_path.with_suffix('.txt')} (nothing sent)")
        return
    if not to and not config.recipients:
        raise click.ClickException(
            f"no recipients: add [[recipients]] to {config.path or 'a config file (--config)'} or pass --to ADDR"
        )
    # The run lock keeps this from racing the nightly job's own digest (which would send twice).
    with run_lock(db_file, wait=LOCK_WAIT_SECONDS):
        summary = send_digests(db, config, None, to=to or None, since=since_date)
    for address in summary.sent:
        click.echo(f"sent to {address}")
    for address in summary.skipped:
        click.echo(f"nothing new for {address}: no email")
    for address, reason in summary.failed.items():
        click.echo(f"FAILED for {address}: {reason} (kept for the next digest)", err=True)
    if summary.failed:
        sys.exit(1)


@click.command()
@config_option
@db_option
@click.option("--next", "show_next", is_flag=True, help="Print the next run times and exit.")
@reports_errors
def schedule(config_path: str | None, db_path: str | None, show_next: bool) -> None:
    """Run the nightly job on the configured cron, in the foreground (for systemd).

    Logs go to stderr; SIGTERM stops it cleanly. The schedule is kept in the database, so a
    night missed while the machine was off runs once when it comes back.

    Examples:

      callwatch schedule --config callwatch.toml

      callwatch schedule --next
    """
    import scheduler

    config = load_config(config_path)
    path = config_db_path(db_path, config)
    if show_next:
        click.echo(f"cron {config.schedule.cron!r} in {config.schedule.timezone}")
        if path.exists():
            stored = scheduler.stored_next_run(path)
            now = datetime.now(ZoneInfo(config.schedule.timezone))
            if stored and stored < now:
                grace = timedelta(hours=config.schedule.misfire_grace_hours)
                outcome = ("runs once when the scheduler starts" if now - stored <= grace
                           else f"is older than the {config.schedule.misfire_grace_hours:g} h grace and is skipped")
                click.echo(f"overdue run from {stored.astimezone(now.tzinfo).isoformat()} {outcome}")
        for when in scheduler.next_run_times(config):
            click.echo(when.isoformat())
        return
    # A service logs plain lines with timestamps to stderr (journald), not rich's console.
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, force=True,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    scheduler.serve(config, path)
