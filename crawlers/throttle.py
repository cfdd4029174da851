"""AutoThrottle that lets a revalidated page (304 Not Modified) speed the crawl up like a 200.

Scrapy's AutoThrottle never lowers the delay on a response other than 200, so that small error
pages do not make it hammer a failing site. A 304 is no error: it is the answer a nightly run
gets for nearly every unchanged page. Left as is, an unchanged night stays at the start delay
for the whole crawl and takes about twice as long as the first night, which fetched everything.
"""

from __future__ import annotations

from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import Response


class RevalidationAwareAutoThrottle(AutoThrottle):
    """AutoThrottle where a 304 counts as a normal answer of the server (errors still do not)."""

    def _adjust_delay(self, slot, latency: float, response: Response) -> None:  # noqa: ANN001 (Scrapy's Slot)
        if response.status == 304:
            response = response.replace(status=200)
        super()._adjust_delay(slot, latency, response)
