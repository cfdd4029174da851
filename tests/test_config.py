"""callwatch.toml: the shipped example loads, env overrides the file, mistakes name file and key."""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from pipeline.config import cron_trigger, load_config
from pipeline.errors import ConfigError

EXAMPLE = Path(__file__).resolve().parent.parent / "callwatch.example.toml"


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "callwatch.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_the_example_config_loads_with_paths_relative_to_it():
    config = load_config(EXAMPLE, env={})
    assert config.db_path == EXAMPLE.parent / "callwatch.db"
    assert config.schedule.cron == "0 2 * * *" and config.schedule.timezone == "Europe/Stockholm"
    assert config.smtp.host == "smtp.example.org" and config.smtp.tls == "starttls"
    assert config.digest.language == "sv" and config.digest.send_when_empty is False
    health = config.recipient("HEALTH-TEAM@example.org")
    assert health.topics == ("health-care", "digital-health") and health.language == "en"
    assert health.source_health is False
    assert config.recipient("halland-desk@example.org").regions == ("halland",)


def test_path_from_environment_and_smtp_env_overrides_the_file(tmp_path, caplog):
    path = write(tmp_path, '[smtp]\nhost = "file.example"\nport = 25\ntls = "none"\nfrom = "a@file.example"\n')
    env = {
        "CALLWATCH_CONFIG": str(path),
        "CALLWATCH_SMTP_HOST": "env.example",
        "CALLWATCH_SMTP_PORT": "2525",
        "CALLWATCH_SMTP_USER": "robot",
        "CALLWATCH_SMTP_PASSWORD": "s3cret-value",
        "CALLWATCH_SMTP_FROM": "b@env.example",
        "CALLWATCH_SMTP_TLS": "ssl",
    }
    with caplog.at_level(logging.DEBUG):
        config = load_config(None, env=env)
    smtp = config.smtp
    assert (smtp.host, smtp.port, smtp.user, smtp.sender, smtp.tls) == (
        "env.example", 2525, "robot", "b@env.example", "ssl")
    assert smtp.password == "s3cret-value"
    assert "s3cret-value" not in repr(config) and "s3cret-value" not in caplog.text


def test_without_any_file_the_defaults_and_environment_apply():
    config = load_config(None, env={"CALLWATCH_SMTP_HOST": "127.0.0.1", "CALLWATCH_SMTP_TLS": "none"})
    assert config.path is None and config.recipients == ()
    assert config.smtp.host == "127.0.0.1" and config.smtp.effective_port == 25
    assert config.schedule.cron == "0 2 * * *"


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ('[smtp]\nhots = "x"\n', "smtp.hots"),
        ('[smtp]\npassword = "x"\n', "smtp.password"),
        ('dbb = "x.db"\n', "dbb"),
        ('[schedule]\ncron = "0 25 * * *"\n', "schedule.cron"),
        ('[schedule]\ncron = "every night"\n', "schedule.cron"),
        ('[schedule]\ntimezone = "Europe/Stockholmm"\n', "schedule.timezone"),
        ('[smtp]\ntls = "yes"\n', "smtp.tls"),
        ('[smtp]\nport = "587"\n', "smtp.port"),
        ('[digest]\nlanguage = "de"\n', "digest.language"),
        ('[digest]\nsend_when_empty = 1\n', "digest.send_when_empty"),
        ('[[recipients]]\nemail = "not-an-address"\n', "recipients[1].email"),
        ('[[recipients]]\nemail = "a@b.se"\nkinds = ["funding"]\n', "recipients[1].kinds"),
        ('[[recipients]]\nemail = "a@b.se"\ntopics = ["helth-care"]\n', "recipients[1].topics"),
        ('[[recipients]]\nemail = "a@b.se"\nregion = ["skane"]\n', "recipients[1].region"),
        ('[[recipients]]\nemail = "a@b.se"\n[[recipients]]\nemail = "A@b.se"\n', "recipients[2].email"),
    ],
)
def test_mistakes_name_the_file_and_the_key(tmp_path, body, key):
    path = write(tmp_path, body)
    with pytest.raises(ConfigError) as error:
        load_config(path, env={})
    assert str(path) in str(error.value) and f"'{key}'" in str(error.value)
    # ... and the line the key is written on (each body writes its faulty key last)
    assert str(error.value).startswith(f"{path}:{body.rstrip().count(chr(10)) + 1}: ")


def test_a_password_in_the_file_is_refused_with_a_hint(tmp_path):
    with pytest.raises(ConfigError, match="secrets only from the environment"):
        load_config(write(tmp_path, '[smtp]\npassword = "hunter2"\n'), env={})


def test_missing_or_broken_files_are_clear_errors(tmp_path):
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.toml", env={})
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_config(write(tmp_path, "[smtp\n"), env={})
    with pytest.raises(ConfigError, match="CALLWATCH_SMTP_TLS"):
        load_config(None, env={"CALLWATCH_SMTP_TLS": "maybe"})


@pytest.mark.parametrize(
    ("cron", "weekdays"),
    [
        ("0 2 * * 1-5", {"Mon", "Tue", "Wed", "Thu", "Fri"}),  # crontab numbering: 1 = Monday
        ("0 2 * * 0", {"Sun"}),
        ("0 2 * * 7", {"Sun"}),
        ("0 2 * * 6,0", {"Sat", "Sun"}),
        ("0 2 * * sat", {"Sat"}),
    ],
)
def test_cron_days_of_week_follow_crontab_not_apschedulers_numbering(cron, weekdays):
    trigger = cron_trigger(cron, "Europe/Stockholm")
    fire, now, seen = None, datetime(2026, 11, 22, 12, tzinfo=ZoneInfo("Europe/Stockholm")), set()
    for _ in range(14):
        fire = trigger.get_next_fire_time(fire, now)
        now = fire
        seen.add(fire.strftime("%a"))
        assert (fire.hour, fire.minute) == (2, 0)
    assert seen == weekdays


def test_an_address_given_on_the_command_line_is_checked_like_a_configured_one():
    from pipeline.config import recipient_for

    assert recipient_for(" anna@region.example ").email == "anna@region.example"
    with pytest.raises(ConfigError, match="--to 'anna at region'"):
        recipient_for("anna at region")
