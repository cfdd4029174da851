"""One digest: collect what is new, queue it per recipient, send, and record what was accepted.

`send_digests` is what the nightly job calls after detect. It never raises because SMTP is
down: the failure is recorded (digest row, outbox attempts) and returned, and the items wait
in the outbox for the next digest. It raises `DigestError` only for configuration problems.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlite_utils

from pipeline.config import Config, Recipient, load_config, recipient_for
from pipeline.digest import outbox
from pipeline.digest.render import RenderedDigest, render_digest
from pipeline.digest.select import Item, arrange, collect_items, is_expired, load_calls, matches
from pipeline.digest.send import (
    SMTP_FAILURES,
    SmtpSender,
    build_message,
    describe_failure,
    is_recipient_failure,
)
from pipeline.errors import DigestError
from pipeline.sources_table import SourceInfo, load_sources_info
from pipeline.store import now_iso
from pipeline.vocabulary import today_in_stockholm

log = logging.getLogger(__name__)


@dataclass
class DigestSummary:
    digest_id: int | None
    status: str  # ok | partial | failed | empty | no-recipients
    sent: list[str] = field(default_factory=list)  # recipients whose server accepted a digest
    failed: dict[str, str] = field(default_factory=dict)  # recipient -> reason
    skipped: list[str] = field(default_factory=list)  # nothing matched, no email
    items_sent: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "digest_id": self.digest_id,
            "status": self.status,
            "sent": self.sent,
            "failed": self.failed,
            "skipped": self.skipped,
            "items_sent": self.items_sent,
        }


@dataclass
class Plan:
    recipient: Recipient
    shown: list[Item]
    covered: list[Item]
    new: list[Item]  # matching items not yet in the outbox for this recipient
    expired: list[Item]


def _crawled_sources(db: sqlite_utils.Database, recipients: list[Recipient]) -> dict[str, SourceInfo]:
    """What the runs recorded about their sources (titles, sites, regions): the store, never a
    sources file, so a run made with another sources file is reported with that file's regions."""
    sources = load_sources_info(db)
    if any(r.regions for r in recipients) and not any(s.region for s in sources.values()):
        log.warning("recipients filter on regions but no crawled source has a region in the store yet "
                    "(each `callwatch run` records its sources' regions): those recipients get nothing")
    return sources


def _recipients(config: Config, to: tuple[str, ...] | list[str] | None) -> list[Recipient]:
    """`--to` addresses (with their configured filters if they are recipients), else the config's."""
    if to:
        return [config.recipient(addr) or recipient_for(addr) for addr in to]
    if not config.recipients:
        where = config.path or "no config file"
        raise DigestError(f"no recipients: add [[recipients]] to the config ({where}) or pass --to ADDR")
    return list(config.recipients)


def _since_run(db: sqlite_utils.Database, since: date | None) -> int:
    if since is not None:
        row = db.execute("select max(id) from runs where started_at < ?", [since.isoformat()]).fetchone()
        return row[0] or 0
    row = db.execute(
        "select max(until_run) from digests where status != 'running'"
    ).fetchone()
    return row[0] or 0


def _latest_run(db: sqlite_utils.Database) -> int | None:
    """The run whose source health a manual digest reports: the latest finished one."""
    row = db.execute("select max(id) from runs where finished_at is not null").fetchone()
    return row[0]


def plan_digests(
    db: sqlite_utils.Database,
    config: Config,
    *,
    run_id: int | None = None,
    today: date | None = None,
    to: tuple[str, ...] | list[str] | None = None,
    since: date | None = None,
) -> tuple[list[Plan], dict[str, int | None]]:
    """What each recipient's next digest holds, without writing anything."""
    today = today or today_in_stockholm()
    recipients = _recipients(config, to)
    sources = _crawled_sources(db, recipients)
    # A run still in progress (a crawl in another process) is left to the next digest: its calls
    # may not be detected yet, and a window past it would skip them for good.
    window = {
        "since_run": _since_run(db, since),
        "until_run": max(_latest_run(db) or 0, run_id or 0),
        "health_run": run_id if run_id is not None else _latest_run(db),
    }
    candidates = collect_items(db, today=today, settings=config.digest, sources=sources, **window)
    plans = []
    for recipient in recipients:
        handled = outbox.handled_keys(db, recipient.email)
        fresh = [i for i in candidates if i.key not in handled and matches(i, recipient, config.digest.source_health)]
        waiting = outbox.pending_items(db, recipient.email)
        calls = load_calls(db, (i.call_id for i in waiting if i.call_id), sources)
        for item in waiting:
            item.call = calls.get(item.call_id) if item.call_id else None
        waiting_keys = {i.key for i in waiting}
        new = [i for i in fresh if i.key not in waiting_keys]
        everything = waiting + new
        expired = [i for i in everything if is_expired(i, today)]
        live = [i for i in everything if not is_expired(i, today)]
        shown, covered = arrange(live)
        plans.append(Plan(recipient, shown, covered, new, expired))
    return plans, window


def render_plan(plan: Plan, config: Config, today: date) -> RenderedDigest:
    return render_digest(
        plan.shown,
        language=plan.recipient.language or config.digest.language,
        today=today,
        closing_days=config.digest.closing_within_days,
        name=plan.recipient.name,
        recipient=plan.recipient,
    )


def preview_digest(
    db: sqlite_utils.Database,
    config: Config,
    *,
    today: date | None = None,
    to: tuple[str, ...] | list[str] | None = None,
    since: date | None = None,
) -> RenderedDigest:
    """The first recipient's next digest (or an unfiltered one), rendered but neither sent nor recorded."""
    today = today or today_in_stockholm()
    if not to and not config.recipients:
        to = ("preview@localhost",)
    plans, _ = plan_digests(db, config, today=today, to=to, since=since)
    return render_plan(plans[0], config, today)


def send_digests(
    db: sqlite_utils.Database,
    config: Config | None,
    run_id: int | None,
    today: date | None = None,
    *,
    to: tuple[str, ...] | list[str] | None = None,
    since: date | None = None,
) -> DigestSummary:
    """Send each recipient what is new for them; mark items sent only once the server accepted.

    `config` None reads $CALLWATCH_CONFIG (or the defaults); `run_id` is the run whose source
    health is reported (None: the latest finished run).
    """
    config = config if config is not None else load_config()
    today = today or today_in_stockholm()
    if not to and not config.recipients:
        # Email is optional: a run without recipients configured is not a failed run.
        log.info("no digest recipients configured; no digest sent")
        return DigestSummary(digest_id=None, status="no-recipients")
    plans, window = plan_digests(db, config, run_id=run_id, today=today, to=to, since=since)
    sender = SmtpSender(config.smtp)  # raises DigestError for a user without a password
    with db.conn:
        digest_id = db["digests"].insert(
            {"started_at": now_iso(), "run_id": window["health_run"], "since_run": window["since_run"],
             "until_run": window["until_run"], "status": "running"}
        ).last_pk
    summary = DigestSummary(digest_id=digest_id, status="running")
    connection_error: str | None = None
    with sender:
        for plan in plans:
            email = plan.recipient.email
            # Queue first: whatever happens to this send, the items are owed to this recipient.
            outbox.enqueue(db, email, plan.new, digest_id)
            outbox.mark_expired(db, email, [i.key for i in plan.expired])
            if not plan.shown and not config.digest.send_when_empty:
                summary.skipped.append(email)
                log.info("digest %s: nothing for %s, no email", digest_id, email)
                continue
            keys = [i.key for i in plan.shown + plan.covered]
            if connection_error:  # the server is unreachable: do not hammer it once per recipient
                outbox.mark_failed(db, email, keys, connection_error)
                summary.failed[email] = connection_error
                continue
            rendered = render_plan(plan, config, today)
            msg = build_message(rendered, sender=config.smtp.sender, to=email, name=plan.recipient.name,
                                digest_id=digest_id)
            try:
                sender.send(msg)
            except SMTP_FAILURES as exc:
                reason = describe_failure(exc)
                log.warning("digest %s: sending to %s failed: %s", digest_id, email, reason)
                outbox.mark_failed(db, email, keys, reason)
                summary.failed[email] = reason
                if not is_recipient_failure(exc):
                    connection_error = reason
                continue
            outbox.mark_sent(db, email, keys, digest_id, msg["Message-ID"])
            summary.sent.append(email)
            summary.items_sent += len(plan.shown)
            log.info("digest %s: sent %d items to %s", digest_id, len(plan.shown), email)
    if summary.failed:
        summary.status = "partial" if summary.sent else "failed"
    else:
        summary.status = "ok" if summary.sent else "empty"
    with db.conn:
        db["digests"].update(
            digest_id,
            {"finished_at": now_iso(), "status": summary.status, "recipients_sent": len(summary.sent),
             "recipients_failed": len(summary.failed), "recipients_skipped": len(summary.skipped),
             "items_sent": summary.items_sent,
             "error": "; ".join(f"{k}: {v}" for k, v in summary.failed.items()) or None},
        )
    return summary
