"""Screenshot a digest preview with headless Chromium, so what staff see is looked at, not assumed.

Usage:
    callwatch digest --preview digest.html            # a preview of the next real digest
    python scripts/screenshot_digest.py digest.html --out digest.png

    python scripts/screenshot_digest.py --sample --lang en --out digest.png   # no database needed

Needs Chromium (Debian/Ubuntu: `apt-get install -y chromium`). The page is loaded from a local
file with networking features off; a digest has no external resources to fetch anyway.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium() -> str:
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    sys.exit("Chromium not found: install it (apt-get install -y chromium) or put it on PATH")


def sample_html(language: str, today: date) -> str:
    """A digest of made-up items through the real templates (includes a hostile title)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from pipeline.config import Recipient
    from pipeline.digest.render import render_digest
    from pipeline.digest.select import Item

    def day(n: int) -> str:
        return (today + timedelta(days=n)).isoformat()

    portal = {"title": "EU Funding & Tenders Portal",
              "url": "https://ec.europa.eu/info/funding-tenders/opportunities/portal/"}
    office = {"title": "EU-kontoret Region Exempelland: Aktuellt", "url": "https://region.example/eu/aktuellt/"}

    def call(cid: str, title: str, days: int, funders: list[tuple[str, str]], topics: list[str],
             links: list[dict], **extra: object) -> dict:
        return {"id": cid, "title": title, "url": f"https://example.org/calls/{cid}", "kind": "funding-call",
                "deadline": day(days), "funders": [{"name": n, "text": t} for n, t in funders],
                "topics": topics, "source_links": links, "regions": ["Exempelland"], "page_lang": "sv",
                **extra}

    items = [
        Item("new:1", "new", "1", call=call("1", "Transforming health and care systems (THCS) – Joint call", 9,
                                            [("Horizon Europe", "HORIZON")], ["health-care", "digital-health"],
                                            [portal], identifier="HORIZON-HLTH-2025-CARE-01-01",
                                            call_identifier="HORIZON-HLTH-2025-CARE-01",
                                            amounts=[{"value": 150_000_000, "currency": "EUR"}])),
        Item("new:2", "new", "2", call=call("2", "Kompetensförsörjning i små företag – Övre Norrland", 80,
                                            [("European Regional Development Fund", "Regionalfonden")],
                                            ["skills-education", "innovation-smes"], [office],
                                            amounts=[{"value": 24_000_000, "currency": "SEK"}])),
        Item("new:3", "new", "3", call=call("3", '<script>alert("x")</script> Title scraped from a hostile page', 40,
                                            [("Region Skåne", "Region Skåne")], ["regional-development"], [office])),
        Item("deadline:4", "changed", "4", payload={"old": day(10), "new": day(30)},
             call=call("4", "Interreg Öresund-Kattegat-Skagerrak: small projects", 30,
                       [("Interreg Öresund-Kattegat-Skagerrak", "Interreg ÖKS")], ["international-cooperation"],
                       [office])),
        Item("closing:5", "closing", "5", call=call("5", "EU4Health: mental health prevention", 3,
                                                    [("EU4Health", "EU4Health")], ["health-care"], [portal],
                                                    identifier="EU4H-2025-PJ-02")),
        Item("new:6", "partner", "6", call={**call("6", "Partner sought: digital twins for regional hospitals", 25,
                                                   [("Interreg Aurora", "Interreg Aurora")], ["digital-health"],
                                                   [office]), "kind": "partner-search"}),
        Item("new:7", "event", "7", call={**call("7", "Informationsmöte om THCS-partnerskapets utlysning", 0,
                                                 [("European Partnership on Transforming Health and Care Systems",
                                                   "THCS")], ["health-care"], [office]),
                                          "kind": "event", "deadline": None, "events": [day(6)],
                                          "registration": day(1)}),
        Item("health:9:vgr", "health", None,
             payload={"source": "vgr", "title": "Västra Götalandsregionen: utlysningar", "problem": "empty",
                      "usual_pages": 38, "run_id": 9, "run_at": f"{today.isoformat()}T01:00:00"}),
        Item("health:9:skane-eu", "health", None, payload={"source": "skane-eu", "problem": "failed", "run_id": 9,
                                                   "run_at": f"{today.isoformat()}T01:00:00",
                                                   "error": "SourceError: HTTP 503 from https://skane.example/"}),
    ]
    recipient = Recipient(email="anna@region.example", name="Anna", language=language,
                          topics=("health-care", "digital-health", "skills-education", "regional-development",
                                  "international-cooperation"),
                          regions=("Exempelland",))
    return render_digest(items, language=language, today=today, name="Anna", recipient=recipient).html


def screenshot(html_path: Path, out: Path, width: int, height: int) -> None:
    chromium = find_chromium()
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="callwatch-chromium-") as profile:
        command = [
            chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run", "--hide-scrollbars", f"--user-data-dir={profile}",
            f"--window-size={width},{height}", f"--screenshot={out.resolve()}", html_path.resolve().as_uri(),
        ]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if result.returncode != 0 or not out.exists():
        sys.exit(f"Chromium failed ({result.returncode}): {result.stderr.strip()[-2000:]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("html", nargs="?", type=Path, help="a preview written by `callwatch digest --preview`")
    parser.add_argument("--sample", action="store_true", help="render a sample digest instead of a preview file")
    parser.add_argument("--lang", choices=("sv", "en"), default="sv", help="labels of the sample digest")
    parser.add_argument("--out", type=Path, default=Path("digest.png"))
    parser.add_argument("--width", type=int, default=760)
    parser.add_argument("--height", type=int, default=1500)
    args = parser.parse_args()
    if args.sample == bool(args.html):
        parser.error("give either a preview HTML file or --sample")
    with tempfile.TemporaryDirectory() as tmp:
        html_path = args.html
        if args.sample:
            html_path = Path(tmp) / "sample.html"
            html_path.write_text(sample_html(args.lang, date.today()), encoding="utf-8")
        screenshot(html_path, args.out, args.width, args.height)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
