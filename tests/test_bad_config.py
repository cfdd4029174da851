"""Bad configuration through the real CLI: a clear `file:line` message, a non-zero exit, nothing written.

Each case marks the line the message must point at with `# <- here`, so the expected line is
read from the file the test writes rather than counted by hand.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.config_file import TomlFile

GOOD_SOURCE = '[[sources]]\nname = "agency"\nkind = "listing"\nurl = "http://127.0.0.1:9/news"\n'
# Never read the developer's own config or DB while testing.
CLEAN_ENV = {"CALLWATCH_CONFIG": None, "CALLWATCH_DB": None}


def marked_line(body: str) -> int:
    lines = [n for n, line in enumerate(body.splitlines(), start=1) if "# <- here" in line]
    assert len(lines) == 1, "mark exactly one line"
    return lines[0]


def invoke(*args: str, env: dict[str, str | None] | None = None):
    return CliRunner().invoke(cli, list(args), env={**CLEAN_ENV, **(env or {})})


def assert_refused(result, where: str, *words: str) -> None:
    assert result.exit_code != 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert where in result.output, result.output
    for word in words:
        assert word in result.output, result.output


def files(folder: Path) -> set[Path]:
    return set(folder.rglob("*"))


def nothing_written(before: set[Path], folder: Path, db: Path) -> None:
    assert not db.exists() and not Path(f"{db}.lock").exists()
    assert files(folder) == before


SOURCES_CASES = {
    "unknown field": (
        GOOD_SOURCE + '\n[[sources]]\nname = "errin-news"\nkind = "listing"\nurl = "https://errin.eu/news"\n'
        'folow = "/news/"  # <- here\n',
        ["source #2 'errin-news'", "unknown field 'folow'"],
    ),
    "missing field": (
        GOOD_SOURCE + '\n[[sources]]  # <- here\nname = "no-url"\nkind = "feed"\n',
        ["source #2 'no-url'", "missing or empty field 'url'"],
    ),
    "invalid regex": (
        '[[sources]]\nname = "bad-regex"\nkind = "listing"\nurl = "https://a.example/"\n'
        'notes = """A multi-line note that mentions\n[[sources]]\nfollow = "x"\n"""\n'
        'follow = "/news/(unclosed"  # <- here\n',
        ["source #1 'bad-regex'", "field 'follow' is not a valid regular expression"],
    ),
    "duplicate name": (
        GOOD_SOURCE + '\n[[sources]]\nkind = "feed"\nurl = "https://a.example/feed/"\nname = "agency"  # <- here\n',
        ["source #2 'agency'", "duplicate name", "source #1"],
    ),
    "unknown kind": (
        GOOD_SOURCE + '\n[[sources]]\nname = "spa"\nkind = "javascript"  # <- here\nurl = "https://a.example/"\n',
        ["source #2 'spa'", "unknown kind 'javascript'"],
    ),
    "quoted boolean": (
        GOOD_SOURCE + 'enabled = "false"  # <- here\n',
        ["source #1 'agency'", "field 'enabled' must be true or false"],
    ),
    "negative paging stop": (
        GOOD_SOURCE + 'stop_after_known_pages = -1  # <- here\n',
        ["source #1 'agency'", "stop_after_known_pages"],
    ),
    "unknown top-level key": (
        'version = 2  # <- here\n' + GOOD_SOURCE,
        ["unknown top-level key 'version'"],
    ),
    "TOML syntax": (
        GOOD_SOURCE + '\n[[sources]\nname = "x"\n',  # tomllib finds it on the header line
        ["invalid TOML", "at line 6"],
    ),
}


@pytest.mark.parametrize("case", sorted(SOURCES_CASES))
def test_a_bad_sources_file_stops_run_before_anything_is_written(tmp_path, case):
    body, words = SOURCES_CASES[case]
    sources = tmp_path / "sources.toml"
    sources.write_text(body, encoding="utf-8")
    db = tmp_path / "calls.db"
    line = 6 if case == "TOML syntax" else marked_line(body)
    before = files(tmp_path)
    result = invoke("run", "--sources", str(sources), "--db", str(db))
    assert_refused(result, f"{sources}:{line}:", *words)
    nothing_written(before, tmp_path, db)


def test_callwatch_sources_reports_the_same_line(tmp_path):
    body, _ = SOURCES_CASES["unknown field"]
    sources = tmp_path / "sources.toml"
    sources.write_text(body, encoding="utf-8")
    assert_refused(invoke("sources", "--sources", str(sources)), f"{sources}:{marked_line(body)}:", "folow")


CONFIG_CASES = {
    "unknown key in a table": (
        '[schedule]\ncron = "0 2 * * *"\n\n[digest]\nlanguage = "sv"\nlangauge = "en"  # <- here\n',
        ["unknown key 'digest.langauge'"],
    ),
    "unknown key of a later recipient": (
        '[[recipients]]\nemail = "a@example.org"\n\n[[recipients]]\nemail = "b@example.org"\n'
        'topic = ["health-care"]  # <- here\n',
        ["unknown key 'recipients[2].topic'"],
    ),
    "invalid cron": (
        '# nightly\n[schedule]\ntimezone = "Europe/Stockholm"\ncron = "0 2 * *"  # <- here\n',
        ["key 'schedule.cron'", "invalid cron expression"],
    ),
    "bad timezone": (
        'db = "calls.db"\n[schedule]\ncron = "0 2 * * 1-5"\ntimezone = "Europe/Stokholm"  # <- here\n',
        ["key 'schedule.timezone'", "unknown time zone"],
    ),
    "dotted key": (
        'schedule.timezone = "Mars/Olympus"  # <- here\n',
        ["key 'schedule.timezone'"],
    ),
}


@pytest.mark.parametrize("case", sorted(CONFIG_CASES))
def test_a_bad_config_stops_run_before_anything_is_written(tmp_path, case):
    body, words = CONFIG_CASES[case]
    config = tmp_path / "callwatch.toml"
    config.write_text(body, encoding="utf-8")
    sources = tmp_path / "sources.toml"
    sources.write_text(GOOD_SOURCE, encoding="utf-8")
    db = tmp_path / "calls.db"
    before = files(tmp_path)
    result = invoke("run", "--config", str(config), "--sources", str(sources), "--db", str(db))
    assert_refused(result, f"{config}:{marked_line(body)}:", *words)
    nothing_written(before, tmp_path, db)


def test_the_schedule_command_reports_a_bad_config_line_too(tmp_path):
    body, _ = CONFIG_CASES["invalid cron"]
    config = tmp_path / "callwatch.toml"
    config.write_text(body, encoding="utf-8")
    result = invoke("schedule", "--config", str(config), "--next")
    assert_refused(result, f"{config}:{marked_line(body)}:", "schedule.cron")


def test_a_db_path_that_cannot_be_created_is_named_without_a_traceback(tmp_path):
    (tmp_path / "sources.toml").write_text(GOOD_SOURCE, encoding="utf-8")
    blocker = tmp_path / "not-a-dir"  # a file where the DB's directory should be
    blocker.write_text("", encoding="utf-8")
    db = blocker / "calls.db"
    before = files(tmp_path)
    result = invoke("run", "--sources", str(tmp_path / "sources.toml"), "--db", str(db))
    assert_refused(result, str(blocker), f"database {db}")
    nothing_written(before, tmp_path, db)


@pytest.mark.skipif(not Path("/proc/self").exists(), reason="needs Linux /proc")
def test_a_db_under_proc_is_refused_with_its_path(tmp_path):
    (tmp_path / "sources.toml").write_text(GOOD_SOURCE, encoding="utf-8")
    result = invoke("run", "--sources", str(tmp_path / "sources.toml"), "--db", "/proc/nope/x.db")
    assert_refused(result, "/proc/nope", "database /proc/nope/x.db")


def test_a_directory_as_db_is_refused_from_env_and_from_config(tmp_path):
    (tmp_path / "sources.toml").write_text(GOOD_SOURCE, encoding="utf-8")
    folder = tmp_path / "store"
    folder.mkdir()
    before = files(tmp_path)
    from_env = invoke("run", "--sources", str(tmp_path / "sources.toml"), env={"CALLWATCH_DB": str(folder)})
    assert_refused(from_env, "$CALLWATCH_DB", str(folder), "is a directory")
    config = tmp_path / "callwatch.toml"
    config.write_text('# the store\ndb = "store"  # <- here\n', encoding="utf-8")
    from_config = invoke("run", "--config", str(config), "--sources", str(tmp_path / "sources.toml"))
    assert_refused(from_config, f"{config}:2: key 'db'", "is a directory")
    before.add(config)
    assert files(tmp_path) == before  # no store.lock beside the directory, nothing inside it


def test_lines_of_arrays_of_tables_skip_strings_and_multiline_values():
    text = (
        'title = """\n[[sources]]\nname = "inside a string"\n"""\n'   # 1-4
        'matrix = [\n  [1],\n  ["a = b"],\n]\n'                       # 5-8
        '[[sources]]\nname = "a"\n[sources.options]\nkeys = ["x"]\n'  # 9-12
        "[[sources]]  # second\n'quoted key' = 1\noptions.more = 2\n"  # 13-15
        '"a = b".c = 3\n'                                             # 16
    )
    lines = TomlFile(None, text, {}).line  # indices count from 0, as in pydantic's error locations
    assert lines(("title",)) == 1 and lines(("matrix",)) == 5
    assert lines(("sources", 0)) == 9 and lines(("sources", 0, "options", "keys")) == 12
    assert lines(("sources", 1)) == 13 and lines(("sources", 1, "quoted key")) == 14
    assert lines(("sources", 1, "options")) == 15 and lines(("sources", 1, "options", "more")) == 15
    assert lines(("sources", 1, "a = b", "c")) == 16
    assert lines(("sources", 1, "url")) == 13  # a missing key points at its table
    assert lines(("sources", 2)) == 9 and lines(("nowhere",)) is None


def test_every_mistake_in_a_sources_file_is_reported_on_its_own_line(tmp_path):
    body = (
        '[[sources]]\nname = "agency"\nkind = "listing"\nurl = "http://127.0.0.1:9/news"\n'
        'max_pages = 0  # <- 5\n'
        '\n[[sources]]  # <- 7 (no url)\nname = "Bad Name"  # <- 8\nkind = "javascript"  # <- 9\n'
        'folow = "/x/"  # <- 10\n'
        '\n[[sources]]\nkind = "feed"\nurl = "https://a.example/feed/"\nname = "agency"  # <- 15\n'
        'enabled = "false"  # <- 16\n'
    )
    sources = tmp_path / "sources.toml"
    sources.write_text(body, encoding="utf-8")
    db = tmp_path / "calls.db"
    before = files(tmp_path)
    result = invoke("run", "--sources", str(sources), "--db", str(db))
    assert_refused(result, f"{sources}:5:")
    expected = {
        5: ("source #1 'agency'", "max_pages"),
        7: ("source #2 'Bad Name'", "missing or empty field 'url'"),
        8: ("source #2 'Bad Name'", "lowercase slug"),
        9: ("source #2 'Bad Name'", "unknown kind 'javascript'"),
        10: ("source #2 'Bad Name'", "unknown field 'folow'"),
        15: ("source #3 'agency'", "duplicate name (also source #1)"),
        16: ("source #3 'agency'", "field 'enabled' must be true or false"),
    }
    assert f"{len(expected)} mistakes in {sources}:" in result.output, result.output
    reported = [line for line in result.output.splitlines() if line.startswith(f"{sources}:")]
    assert len(reported) == len(expected), result.output  # one line per mistake, nothing else
    for (line, words), text in zip(expected.items(), reported, strict=True):  # in the file's order
        assert f"{sources}:{line}: " in text and all(word in text for word in words), text
    nothing_written(before, tmp_path, db)


def test_every_mistake_in_a_config_file_is_reported_on_its_own_line(tmp_path):
    body = (
        '[schedule]\ncron = "0 2 * *"  # <- 2\ntimezone = "Europe/Stokholm"  # <- 3\n'
        '[smtp]\npassword = "hunter2"  # <- 5\nport = "587"  # <- 6\n'
        '[[recipients]]\nemail = "a@example.org"\nkinds = ["funding"]  # <- 9\n'
        '[[recipients]]\nemail = "A@example.org"  # <- 11\nregion = ["skane"]  # <- 12\n'
    )
    config = tmp_path / "callwatch.toml"
    config.write_text(body, encoding="utf-8")
    (tmp_path / "sources.toml").write_text(GOOD_SOURCE, encoding="utf-8")
    db = tmp_path / "calls.db"
    before = files(tmp_path)
    result = invoke("run", "--config", str(config), "--sources", str(tmp_path / "sources.toml"), "--db", str(db))
    assert_refused(result, f"{config}:2:")
    expected = {
        2: "key 'schedule.cron': invalid cron expression",
        3: "key 'schedule.timezone': unknown time zone",
        5: "secrets only from the environment",
        6: "key 'smtp.port': must be an integer",
        9: "key 'recipients[1].kinds': item 1: 'funding' is not one of",
        11: "key 'recipients[2].email': duplicate recipient",
        12: "unknown key 'recipients[2].region'",
    }
    assert f"{len(expected)} mistakes in {config}:" in result.output, result.output
    reported = [line for line in result.output.splitlines() if line.startswith(f"{config}:")]
    assert len(reported) == len(expected), result.output
    for (line, words), text in zip(expected.items(), reported, strict=True):
        assert f"{config}:{line}: " in text and words in text, text
    nothing_written(before, tmp_path, db)
