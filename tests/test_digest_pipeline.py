"""Digests after real nights: a local site crawled by Scrapy, extracted by spaCy, detected into the
register, then mailed through a real SMTP server. The second night's digest says only what changed."""

from __future__ import annotations

from calls_store import TODAY
from conftest import write_sources
from digest_store import SmtpServer, parts, smtp_section, write_config
from site_server import SnapshotServer, SnapshotSite
from test_calls_site import nightly, write_site

from pipeline.config import load_config
from pipeline.digest import send_digests
from pipeline.store import open_db


def test_two_nights_two_digests_each_with_only_the_news(tmp_path):
    root = tmp_path / "site"
    write_site(root, ["checkar", "halsa"])
    db_path = tmp_path / "callwatch.db"
    with SmtpServer() as smtp, SnapshotServer(SnapshotSite(root)) as site:
        sources = write_sources(tmp_path / "sources.toml", [{
            "name": "region-utlysningar", "kind": "listing", "url": f"{site.url}/utlysningar/",
            "follow": r"/utlysningar/[a-z]+\.html$", "region": "vastra-gotaland",
        }])
        config = load_config(write_config(tmp_path, f'sources = "{sources}"\n' + smtp_section(smtp.port) + """
[digest]
language = "sv"

[[recipients]]
email = "vgr-desk@region.example"
regions = ["vastra-gotaland"]

[[recipients]]
email = "energy@region.example"
topics = ["energy"]
""", sources=False))

        first_run = nightly(db_path, sources)
        db = open_db(db_path)
        first = send_digests(db, config, first_run, today=TODAY)
        write_site(root, ["checkar", "halsa", "energi"], moved={"10 april 2027": "24 april 2027"})
        second_run = nightly(db_path, sources)
        second = send_digests(db, config, second_run, today=TODAY)

    assert first.sent == ["vgr-desk@region.example"] and first.skipped == ["energy@region.example"]
    night1, night2 = (parts(m)[0] for m in smtp.inbox.to("vgr-desk@region.example"))
    assert "Utlysning: Innovationscheckar för små företag" in night1
    assert "Utlysning: Hälsoinnovation i primärvården" in night1
    assert "2027-03-15" in night1

    assert second.sent == ["vgr-desk@region.example", "energy@region.example"]
    assert "Utlysning: Energieffektiva lokaler" in night2 and "2027-05-20" in night2
    assert "flyttad från 2027-04-10 till 2027-04-24" in night2
    assert "Innovationscheckar" not in night2  # unchanged: said once, on the first night
    [energy] = (parts(m)[0] for m in smtp.inbox.to("energy@region.example"))
    assert "Utlysning: Energieffektiva lokaler" in energy and "Hälsoinnovation" not in energy
