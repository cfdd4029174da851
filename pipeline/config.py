"""The `callwatch.toml` configuration: database, sources, schedule, SMTP, digest and recipients.

One file, found by `--config` or `$CALLWATCH_CONFIG`; without one the defaults apply, so
`callwatch digest --to ADDR` works with SMTP settings from the environment alone. Secrets come
only from the environment (`CALLWATCH_SMTP_PASSWORD`); a password in the file is an error, and
the password is never part of a repr or a log line. Every mistake raises `ConfigError` naming
the file, the line and the key (`callwatch.toml:12: key 'schedule.cron': ...`).
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pipeline.errors import ConfigError
from pipeline.toml_lines import TomlLines, read_toml, where

CONFIG_ENV = "CALLWATCH_CONFIG"
DEFAULT_CRON = "0 2 * * *"
DEFAULT_TIMEZONE = "Europe/Stockholm"
TLS_MODES = ("none", "starttls", "ssl")
LANGUAGES = ("sv", "en")
KINDS = ("funding-call", "partner-search", "event", "news", "project", "info")
TAXONOMY = Path(__file__).resolve().parent.parent / "models" / "taxonomy.toml"


def topic_labels() -> dict[str, str]:
    """Topic key -> label from the taxonomy (empty when none is shipped)."""
    try:
        topics = tomllib.loads(TAXONOMY.read_text(encoding="utf-8")).get("topics", {})
    except (OSError, tomllib.TOMLDecodeError):
        return {}
    return {key: str(value.get("label") or key) for key, value in topics.items() if isinstance(value, dict)}


# Topic keys recipients may subscribe to; a typo would otherwise silently match nothing.
_TOPICS = frozenset(topic_labels())
_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+$")


@dataclass(frozen=True)
class ScheduleConfig:
    cron: str = DEFAULT_CRON
    timezone: str = DEFAULT_TIMEZONE
    misfire_grace_hours: float = 12.0  # a night missed while the machine slept still runs on wake


@dataclass(frozen=True)
class SmtpConfig:
    host: str = "localhost"
    port: int | None = None  # None: the usual port of the TLS mode (25, 587, 465)
    user: str | None = None
    password: str | None = field(default=None, repr=False)  # from the environment only
    sender: str = "callwatch@localhost"
    tls: str = "starttls"
    timeout: float = 30.0

    @property
    def effective_port(self) -> int:
        if self.port:
            return self.port
        return {"none": 25, "starttls": 587, "ssl": 465}[self.tls]


@dataclass(frozen=True)
class DigestConfig:
    language: str = "sv"
    send_when_empty: bool = False
    closing_within_days: int = 14
    opening_within_days: int = 14
    source_health: bool = True


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str | None = None
    language: str | None = None  # overrides digest.language for this recipient
    topics: tuple[str, ...] = ()
    funders: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    source_health: bool | None = None  # None: digest.source_health decides


@dataclass(frozen=True)
class Config:
    path: Path | None = None
    db_path: Path | None = None
    sources_path: Path | None = None
    schedule: ScheduleConfig = field(default_factory=ScheduleConfig)
    smtp: SmtpConfig = field(default_factory=SmtpConfig)
    digest: DigestConfig = field(default_factory=DigestConfig)
    recipients: tuple[Recipient, ...] = ()

    def recipient(self, email: str) -> Recipient | None:
        for r in self.recipients:
            if r.email.lower() == email.lower():
                return r
        return None


def resolve_config_path(path: str | os.PathLike | None, env: Mapping[str, str] | None = None) -> Path | None:
    env = os.environ if env is None else env
    chosen = path or env.get(CONFIG_ENV)
    return Path(chosen) if chosen else None


def load_config(path: str | os.PathLike | None = None, env: Mapping[str, str] | None = None) -> Config:
    """Read the config at `path` (else $CALLWATCH_CONFIG, else defaults), then apply SMTP env vars."""
    env = os.environ if env is None else env
    config_path = resolve_config_path(path, env)
    raw: dict[str, Any] = {}
    lines = TomlLines("")
    if config_path is not None:
        raw, lines = read_toml(config_path, "config file")
    return _parse(_Reader(config_path, lines, (), raw, _TOP_KEYS), env)


Loc = tuple[str | int, ...]


class _Reader:
    """Typed access to one TOML table that names file, line and key in every error.

    `loc` is the table's path in the data (`("recipients", 2)`), which is also how
    `TomlLines` finds the line a key is written on.
    """

    def __init__(self, path: Path | None, lines: TomlLines, loc: Loc, table: Any, known: set[str]):
        self.path, self.lines, self.loc = path, lines, loc
        if not isinstance(table, dict):
            raise ConfigError(f"{self.where()}: must be a table")
        self.table = table
        unknown = sorted(set(table) - known)
        if unknown:
            keys = ", ".join(f"'{self.dotted(k)}'" for k in unknown)
            hint = " (secrets only from the environment)" if any("password" in k for k in unknown) else ""
            at = where(path, lines.first_line(*((*loc, k) for k in unknown)))
            raise ConfigError(f"{at}: unknown key(s) {keys}{hint}")

    def table_reader(self, key: str, known: set[str]) -> _Reader:
        return _Reader(self.path, self.lines, (*self.loc, key), self.table.get(key, {}), known)

    def dotted(self, key: str | None = None) -> str:
        """`schedule.cron`, `recipients[2].email`: how the key is named in messages."""
        text = ""
        for part in (*self.loc, *(() if key is None else (key,))):
            text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
        return text

    def where(self, key: str | None = None) -> str:
        """`file:line: key 'name'` for `key` of this table (this table itself without one)."""
        loc = (*self.loc, key) if key is not None else self.loc
        at = where(self.path, self.lines.line(*loc) if loc else None)
        name = self.dotted(key)
        return f"{at}: key '{name}'" if name else at

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = None) -> Any:
        if key not in self.table:
            return default
        value = self.table[key]
        # bool is an int in Python; refuse `port = true` and `send_when_empty = 1` alike
        if isinstance(value, bool) != (kind is bool) or not isinstance(value, kind):
            names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
            raise ConfigError(f"{self.where(key)}: expected {names}, got {value!r}")
        return value

    def strings(self, key: str) -> tuple[str, ...]:
        value = self.get(key, list, [])
        if not all(isinstance(v, str) and v.strip() for v in value):
            raise ConfigError(f"{self.where(key)}: expected a list of non-empty strings")
        return tuple(v.strip() for v in value)

    def choice(self, key: str, choices: tuple[str, ...], default: str | None) -> str | None:
        value = self.get(key, str, default)
        if value is not None and value not in choices:
            raise ConfigError(f"{self.where(key)}: {value!r} is not one of {', '.join(choices)}")
        return value


def _relative(config_path: Path | None, value: str | None) -> Path | None:
    if not value:
        return None
    p = Path(value).expanduser()
    if not p.is_absolute() and config_path is not None:
        p = config_path.parent / p  # paths in the file are relative to the file
    return p


_TOP_KEYS = {"db", "sources", "schedule", "smtp", "digest", "recipients"}


def _parse(top: _Reader, env: Mapping[str, str]) -> Config:
    path = top.path
    db_path = _relative(path, top.get("db", str))
    if db_path is not None and db_path.is_dir():
        raise ConfigError(f"{top.where('db')}: {db_path} is a directory, not a database file")
    schedule = _parse_schedule(top.table_reader("schedule", {"cron", "timezone", "misfire_grace_hours"}))
    smtp = _parse_smtp(top.table_reader("smtp", {"host", "port", "user", "from", "tls", "timeout"}), env)
    digest = _parse_digest(top.table_reader("digest", {
        "language", "send_when_empty", "closing_within_days", "opening_within_days", "source_health"}))
    recipients = _parse_recipients(top, top.get("recipients", list, []))
    return Config(
        path=path,
        db_path=db_path,
        sources_path=_relative(path, top.get("sources", str)),
        schedule=schedule,
        smtp=smtp,
        digest=digest,
        recipients=recipients,
    )


def _parse_schedule(r: _Reader) -> ScheduleConfig:
    cron = r.get("cron", str, DEFAULT_CRON)
    timezone = r.get("timezone", str, DEFAULT_TIMEZONE)
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{r.where('timezone')}: unknown time zone {timezone!r}") from None
    check_cron(cron, timezone, r.where("cron"))
    grace = r.get("misfire_grace_hours", (int, float), 12.0)
    if grace <= 0:
        raise ConfigError(f"{r.where('misfire_grace_hours')}: must be positive")
    return ScheduleConfig(cron=cron, timezone=timezone, misfire_grace_hours=float(grace))


_DAY_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


def _crontab_days(field: str) -> str:
    """A crontab day-of-week field (0 or 7 = Sunday) as APScheduler day names.

    APScheduler 3's `CronTrigger.from_crontab` reads day numbers with Monday = 0, so a plain
    "0 2 * * 1-5" would fire Tuesday to Saturday; names mean the same thing to both.
    """
    if field == "*":
        return field
    days: set[int] = set()

    def number(token: str) -> int:
        token = token.strip().lower()
        if token[:3] in _DAY_NAMES and not token.isdigit():
            return _DAY_NAMES.index(token[:3])
        value = int(token)  # ValueError for garbage
        if not 0 <= value <= 7:
            raise ValueError(f"day of week {value} is outside 0-7")
        return value % 7 if value == 7 else value

    for part in field.split(","):
        base, _, step_text = part.partition("/")
        step = int(step_text) if step_text else 1
        if step < 1:
            raise ValueError("step must be positive")
        if base == "*":
            first, last = 0, 6
        elif "-" in base:
            a, b = base.split("-", 1)
            first, last = number(a), (7 if b.strip() == "7" else number(b))
            if last < first:
                raise ValueError(f"range {base} runs backwards")
        else:
            first = last = number(base)
            if step_text:
                last = 6
        days.update(d % 7 for d in range(first, last + 1, step))
    return ",".join(_DAY_NAMES[d] for d in sorted(days))


def cron_trigger(cron: str, timezone: str):  # -> CronTrigger (apscheduler imported lazily)
    """An APScheduler trigger for a 5-field crontab expression, with crontab's day numbering."""
    from apscheduler.triggers.cron import CronTrigger

    fields = cron.split()
    if len(fields) != 5:
        raise ValueError(f"{cron!r} is not a crontab expression (5 fields: minute hour day month weekday)")
    minute, hour, day, month, day_of_week = fields
    return CronTrigger(minute=minute, hour=hour, day=day, month=month,
                       day_of_week=_crontab_days(day_of_week), timezone=timezone)


def check_cron(cron: str, timezone: str, where: str) -> None:
    """Raise ConfigError unless `cron` is a 5-field crontab expression we can schedule."""
    try:
        cron_trigger(cron, timezone)
    except ValueError as exc:
        raise ConfigError(f"{where}: invalid cron expression {cron!r}: {exc}") from None


def _parse_smtp(r: _Reader, env: Mapping[str, str]) -> SmtpConfig:
    host = r.get("host", str, "localhost")
    port = r.get("port", int)
    user = r.get("user", str)
    sender = r.get("from", str, "callwatch@localhost")
    tls = r.choice("tls", TLS_MODES, "starttls")
    timeout = r.get("timeout", (int, float), 30.0)
    # The environment overrides the file (deployment secrets and per-host settings live there).
    host = env.get("CALLWATCH_SMTP_HOST") or host
    if env.get("CALLWATCH_SMTP_PORT"):
        try:
            port = int(env["CALLWATCH_SMTP_PORT"])
        except ValueError:
            raise ConfigError(
                f"environment CALLWATCH_SMTP_PORT: not a port number: {env['CALLWATCH_SMTP_PORT']!r}"
            ) from None
    user = env.get("CALLWATCH_SMTP_USER") or user
    sender = env.get("CALLWATCH_SMTP_FROM") or sender
    if env.get("CALLWATCH_SMTP_TLS"):
        tls = env["CALLWATCH_SMTP_TLS"].strip().lower()
        if tls not in TLS_MODES:
            raise ConfigError(f"environment CALLWATCH_SMTP_TLS: {tls!r} is not one of {', '.join(TLS_MODES)}")
    if port is not None and not 0 < port < 65536:
        raise ConfigError(f"{r.where('port')}: {port} is not a port number")
    if not _EMAIL.match(sender):
        raise ConfigError(f"{r.where('from')}: {sender!r} is not an email address")
    return SmtpConfig(
        host=host,
        port=port,
        user=user or None,
        password=env.get("CALLWATCH_SMTP_PASSWORD") or None,
        sender=sender,
        tls=tls,
        timeout=float(timeout),
    )


def _parse_digest(r: _Reader) -> DigestConfig:
    days = {}
    for key in ("closing_within_days", "opening_within_days"):
        days[key] = r.get(key, int, 14)
        if days[key] < 0:
            raise ConfigError(f"{r.where(key)}: must not be negative")
    return DigestConfig(
        language=r.choice("language", LANGUAGES, "sv"),
        send_when_empty=r.get("send_when_empty", bool, False),
        source_health=r.get("source_health", bool, True),
        **days,
    )


def _parse_recipients(top: _Reader, entries: list[Any]) -> tuple[Recipient, ...]:
    recipients: list[Recipient] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries, start=1):
        r = _Reader(top.path, top.lines, ("recipients", index), entry,
                    {"email", "name", "language", "topics", "funders", "kinds", "regions", "source_health"})
        email = r.get("email", str)
        if not email or not _EMAIL.match(email.strip()):
            raise ConfigError(f"{r.where('email')}: missing or not an email address")
        email = email.strip()
        if email.lower() in seen:
            raise ConfigError(f"{r.where('email')}: duplicate recipient {email}")
        seen.add(email.lower())
        topics = r.strings("topics")
        unknown_topics = [t for t in topics if _TOPICS and t not in _TOPICS]
        if unknown_topics:
            raise ConfigError(
                f"{r.where('topics')}: unknown topic(s) {', '.join(unknown_topics)} "
                f"(known: {', '.join(sorted(_TOPICS))})"
            )
        kinds = r.strings("kinds")
        bad = [k for k in kinds if k not in KINDS]
        if bad:
            raise ConfigError(
                f"{r.where('kinds')}: unknown kind(s) {', '.join(bad)} "
                f"(expected {', '.join(KINDS)})"
            )
        recipients.append(
            Recipient(
                email=email,
                name=r.get("name", str),
                language=r.choice("language", LANGUAGES, None),
                topics=topics,
                funders=r.strings("funders"),
                kinds=kinds,
                regions=r.strings("regions"),
                source_health=r.get("source_health", bool),
            )
        )
    return tuple(recipients)
