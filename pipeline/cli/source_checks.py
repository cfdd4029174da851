"""`callwatch sources discover` and `callwatch sources check`: write and test source entries."""

from __future__ import annotations

import click

from crawlers.check import WEB_KINDS, check_source
from crawlers.crawl import select_sources
from crawlers.discover import discover_source, render_entry
from crawlers.fetch import PoliteFetcher
from crawlers.sources import load_sources
from pipeline.cli.common import reports_errors

delay_option = click.option(
    "--delay", type=click.FloatRange(min=0), default=1.0, show_default=True,
    help="Seconds between two requests to one site.")


@click.command()
@click.argument("urls", nargs=-1, required=True)
@delay_option
@reports_errors
def discover(urls: tuple[str, ...], delay: float) -> None:
    """Find how to read a site: print a ready [[sources]] entry per URL.

    Give a site's home page or its news/calls section. The feed is chosen if one carries the
    articles, else a sitemap listing them, else the listing page (no `follow` needed: the crawl
    finds the articles itself). Entries go to standard output, the report to standard error.

    Example: callwatch sources discover https://errin.eu/news >> my-sources.toml
    """
    fetcher = PoliteFetcher(delay=delay)
    names: set[str] = set()
    failed = 0
    for url in urls:
        click.echo(f"== {url}", err=True)
        found = discover_source(url, fetcher)
        for line in found.report:
            click.echo(f"   {line}", err=True)
        if found.entry is None:
            failed += 1
            continue
        name, n = found.entry["name"], 2
        while found.entry["name"] in names:  # two URLs of one site
            found.entry["name"] = f"{name}-{n}"
            n += 1
        names.add(found.entry["name"])
        click.echo(render_entry(found.entry))
    if failed:
        raise click.ClickException(f"no entry for {failed} of {len(urls)} URL(s), see the report above")


@click.command()
@click.option("--sources", "sources_path", type=click.Path(dir_okay=False), default=None,
              help="Sources file (default: the bundled crawlers/sources.toml).")
@click.option("--only", multiple=True, help="Check only this source (repeatable).")
@delay_option
@reports_errors
def check(sources_path: str | None, only: tuple[str, ...], delay: float) -> None:
    """Fetch each web source's first page and say what the crawl would take from it.

    Per source: HTTP status, robots.txt verdict, links found and taken with samples, and for
    an entry whose `follow` takes nothing, a pattern that would work. Exits 1 if a source
    would yield nothing.

    Example: callwatch sources check --only errin-news
    """
    chosen = [s for s in select_sources(load_sources(sources_path), only) if s.kind in WEB_KINDS]
    fetcher = PoliteFetcher(delay=delay)
    problems = 0
    for source in chosen:
        result = check_source(source, fetcher)
        click.echo("\n".join(result.lines()))
        problems += result.problem is not None
    click.echo(f"{len(chosen)} source(s) checked, {problems} with a problem")
    if problems:
        raise SystemExit(1)
