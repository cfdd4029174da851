"""AutoThrottle on a nightly run: answers of 304 Not Modified may speed the crawl up, errors may not."""

from __future__ import annotations

from scrapy.core.downloader import Slot
from scrapy.http import Response
from scrapy.utils.test import get_crawler

from crawlers.settings import build_settings
from crawlers.throttle import RevalidationAwareAutoThrottle


def throttle_and_slot(tmp_path):
    crawler = get_crawler(settings_dict=build_settings(tmp_path / "cw.db"))
    throttle = RevalidationAwareAutoThrottle.from_crawler(crawler)
    throttle.mindelay, throttle.maxdelay = throttle._min_delay(), throttle._max_delay()  # as at spider_opened
    return throttle, Slot(concurrency=2, delay=1.0, jitter=0)


def test_a_quick_304_lowers_the_delay_like_a_200(tmp_path):
    throttle, slot = throttle_and_slot(tmp_path)
    throttle._adjust_delay(slot, 0.05, Response("https://region.example.org/a", status=304))
    assert slot.delay < 1.0
    assert slot.delay >= 0.5  # never below the configured DOWNLOAD_DELAY


def test_quick_error_pages_still_do_not_lower_it(tmp_path):
    throttle, slot = throttle_and_slot(tmp_path)
    throttle._adjust_delay(slot, 0.05, Response("https://region.example.org/a", status=503))
    assert slot.delay == 1.0


def test_the_shipped_settings_use_it_instead_of_scrapys():
    extensions = build_settings("x.db")["EXTENSIONS"]
    assert extensions["scrapy.extensions.throttle.AutoThrottle"] is None
    assert "crawlers.throttle.RevalidationAwareAutoThrottle" in extensions
