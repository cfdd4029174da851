"""The `callwatch.toml` configuration: database, sources, schedule, SMTP, digest and recipients.

One file, found by `--config` or `$CALLWATCH_CONFIG`; without one the defaults apply, so
`callwatch digest --to ADDR` works with SMTP settings from the environment alone. Each table
of the file is a pydantic model below (unknown keys refused). Secrets come only from the
environment (`CALLWATCH_SMTP_PASSWORD`); a password in the file is an error, and the password is
never part of a repr or a log line. Every mistake in the file is reported at once, one line each,
naming the file, the line and the key (`callwatch.toml:12: key 'schedule.cron': ...`).
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    StringConstraints,
    ValidationInfo,
    field_validator,
)
from pydantic_core import ErrorDetails

from pipeline.config_file import Mistake, TomlFile, describe_problem, read_toml, split_items
from pipeline.errors import ConfigError
from pipeline.vocabulary import PageKind

CONFIG_ENV = "CALLWATCH_CONFIG"
DEFAULT_CRON = "0 2 * * *"
DEFAULT_TIMEZONE = "Europe/Stockholm"
TlsMode = Literal["none", "starttls", "ssl"]
TLS_MODES = get_args(TlsMode)
Language = Literal["sv", "en"]
LANGUAGES = get_args(Language)
TAXONOMY = Path(__file__).resolve().parent.parent / "models" / "taxonomy.toml"


def topic_labels(language: str = "en") -> dict[str, str]:
    """Topic key -> label from the taxonomy, Swedish (`sv_label`) for "sv" (empty when none is shipped)."""
    try:
        topics = tomllib.loads(TAXONOMY.read_text(encoding="utf-8")).get("topics", {})
    except (OSError, tomllib.TOMLDecodeError):
        return {}
    field = "sv_label" if language == "sv" else "label"
    return {key: str(value.get(field) or value.get("label") or key)
            for key, value in topics.items() if isinstance(value, dict)}


# Topic keys recipients may subscribe to; a typo would otherwise silently match nothing.
_TOPICS = frozenset(topic_labels())
_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+$")


def _email(value: str) -> str:
    if not _EMAIL.match(value):
        raise ValueError(f"{value!r} is not an email address")
    return value


def _port(value: int) -> int:
    if not 0 < value < 65536:
        raise ValueError(f"{value} is not a port number")
    return value


def _topic(value: str) -> str:
    if _TOPICS and value not in _TOPICS:
        raise ValueError(f"unknown topic {value!r} (known: {', '.join(sorted(_TOPICS))})")
    return value


def _timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {value!r}") from None
    return value


def _cron(value: str) -> str:
    try:
        cron_trigger(value, "UTC")  # the time zone does not change which expressions are valid
    except ValueError as exc:
        raise ValueError(f"invalid cron expression {value!r}: {exc}") from None
    return value


# Strict: TOML has real types, so `port = "587"` or `send_when_empty = 1` is a mistake to report,
# not a value to coerce (bool is an int in Python; strict refuses `port = true` too).
Text = Annotated[str, Strict()]
Word = Annotated[str, Strict(), StringConstraints(strip_whitespace=True, min_length=1)]
Email = Annotated[str, Strict(), StringConstraints(strip_whitespace=True), AfterValidator(_email)]
Flag = Annotated[bool, Strict()]
Days = Annotated[int, Strict(), Field(ge=0)]
Positive = Annotated[float, Strict(), Field(gt=0)]  # strict floats still take TOML integers


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ScheduleConfig(_Table):
    cron: Annotated[str, Strict(), AfterValidator(_cron)] = DEFAULT_CRON
    timezone: Annotated[str, Strict(), AfterValidator(_timezone)] = DEFAULT_TIMEZONE
    misfire_grace_hours: Positive = 12.0  # a night missed while the machine slept still runs on wake


class SmtpConfig(_Table):
    host: Text = "localhost"
    port: Annotated[int, Strict(), AfterValidator(_port)] | None = None  # None: the TLS mode's usual port
    user: Text | None = None
    # Set from CALLWATCH_SMTP_PASSWORD only (by model_copy, which does not validate).
    password: Text | None = Field(default=None, repr=False, exclude=True)
    sender: Email = Field(default="callwatch@localhost", alias="from")
    tls: TlsMode = "starttls"
    timeout: Positive = 30.0

    @field_validator("password")
    @classmethod
    def _not_in_the_file(cls, value: str | None) -> str | None:
        raise ValueError("not allowed in the file (secrets only from the environment: CALLWATCH_SMTP_PASSWORD)")

    @property
    def effective_port(self) -> int:
        if self.port:
            return self.port
        return {"none": 25, "starttls": 587, "ssl": 465}[self.tls]


class DigestConfig(_Table):
    language: Language = "sv"
    send_when_empty: Flag = False
    closing_within_days: Days = 14
    opening_within_days: Days = 14
    source_health: Flag = True


class Recipient(_Table):
    email: Email
    name: Text | None = None
    language: Language | None = None  # overrides digest.language for this recipient
    topics: tuple[Annotated[Word, AfterValidator(_topic)], ...] = ()
    funders: tuple[Word, ...] = ()
    kinds: tuple[PageKind, ...] = ()
    regions: tuple[Word, ...] = ()
    source_health: Flag | None = None  # None: digest.source_health decides


class ConfigFile(_Table):
    """The whole file; `db` and `sources` are relative to the file (validated with it as context)."""

    db: Text | None = None
    sources: Text | None = None
    schedule: ScheduleConfig = ScheduleConfig()
    smtp: SmtpConfig = SmtpConfig()
    digest: DigestConfig = DigestConfig()
    recipients: tuple[Recipient, ...] = ()

    @field_validator("db")
    @classmethod
    def _not_a_directory(cls, value: str | None, info: ValidationInfo) -> str | None:
        path = _relative(info.context, value)
        if path is not None and path.is_dir():
            raise ValueError(f"{path} is a directory, not a database file")
        return value


@dataclass(frozen=True)
class Config:
    path: Path | None = None
    db_path: Path | None = None
    sources_path: Path | None = None
    schedule: ScheduleConfig = ScheduleConfig()
    smtp: SmtpConfig = SmtpConfig()
    digest: DigestConfig = DigestConfig()
    recipients: tuple[Recipient, ...] = ()

    def recipient(self, email: str) -> Recipient | None:
        for r in self.recipients:
            if r.email.lower() == email.lower():
                return r
        return None


def recipient_for(address: str) -> Recipient:
    """A recipient without filters for an address given on the command line (`--to`)."""
    try:
        return Recipient(email=address)
    except ValueError:  # pydantic's ValidationError is a ValueError
        raise ConfigError(f"--to {address!r}: not an email address") from None


def resolve_config_path(path: str | os.PathLike | None, env: Mapping[str, str] | None = None) -> Path | None:
    env = os.environ if env is None else env
    chosen = path or env.get(CONFIG_ENV)
    return Path(chosen) if chosen else None


def load_config(path: str | os.PathLike | None = None, env: Mapping[str, str] | None = None) -> Config:
    """Read the config at `path` (else $CALLWATCH_CONFIG, else defaults), then apply SMTP env vars."""
    env = os.environ if env is None else env
    config_path = resolve_config_path(path, env)
    file = read_toml(config_path, "config file") if config_path is not None else TomlFile(None, "", {})
    parsed: ConfigFile = file.validate(ConfigFile, _mistake, more=lambda: _duplicate_recipients(file.data),
                                       context=config_path)
    return Config(
        path=config_path,
        db_path=_relative(config_path, parsed.db),
        sources_path=_relative(config_path, parsed.sources),
        schedule=parsed.schedule,
        smtp=_with_environment(parsed.smtp, env),
        digest=parsed.digest,
        recipients=parsed.recipients,
    )


def _relative(config_path: Path | None, value: str | None) -> Path | None:
    if not value:
        return None
    p = Path(value).expanduser()
    if not p.is_absolute() and config_path is not None:
        p = config_path.parent / p  # paths in the file are relative to the file
    return p


def _dotted(loc: tuple[str | int, ...]) -> str:
    """`schedule.cron`, `recipients[2].email` (entries counted from 1): how a key is named."""
    text = ""
    for part in loc:
        text += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _mistake(error: ErrorDetails) -> Mistake:
    loc = error["loc"]
    key_loc, item = split_items(loc)
    key = _dotted(key_loc)
    if error["type"] == "extra_forbidden":
        hint = " (secrets only from the environment)" if "password" in str(loc[-1]) else ""
        return Mistake(loc, f"unknown key '{key}'{hint}")
    return Mistake(loc, f"key '{key}': {item}{describe_problem(error)}")


def _duplicate_recipients(data: dict[str, Any]) -> Iterator[Mistake]:
    entries = data.get("recipients")
    seen: set[str] = set()
    for index, entry in enumerate(entries if isinstance(entries, list) else []):
        email = entry.get("email") if isinstance(entry, dict) else None
        if not isinstance(email, str):
            continue
        if email.strip().lower() in seen:
            loc = ("recipients", index, "email")
            yield Mistake(loc, f"key '{_dotted(loc)}': duplicate recipient {email.strip()}")
        seen.add(email.strip().lower())


def _with_environment(smtp: SmtpConfig, env: Mapping[str, str]) -> SmtpConfig:
    """The environment overrides the file (deployment secrets and per-host settings live there)."""
    update: dict[str, Any] = {}
    problems: list[str] = []
    for name, key, check in (
        ("CALLWATCH_SMTP_HOST", "host", str),
        ("CALLWATCH_SMTP_PORT", "port", _env_port),
        ("CALLWATCH_SMTP_USER", "user", str),
        ("CALLWATCH_SMTP_PASSWORD", "password", str),
        ("CALLWATCH_SMTP_FROM", "sender", lambda v: _email(v.strip())),
        ("CALLWATCH_SMTP_TLS", "tls", _tls),
    ):
        if env.get(name):
            try:
                update[key] = check(env[name])
            except ValueError as exc:
                problems.append(f"environment {name}: {exc}")
    if problems:
        raise ConfigError("\n".join(problems))
    return smtp.model_copy(update=update)


def _env_port(value: str) -> int:
    try:
        return _port(int(value))
    except ValueError:
        raise ValueError(f"not a port number: {value!r}") from None


def _tls(value: str) -> str:
    value = value.strip().lower()
    if value not in TLS_MODES:
        raise ValueError(f"{value!r} is not one of {', '.join(TLS_MODES)}")
    return value


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
