"""The digest email: what is new since the last digest, per recipient, sent exactly once.

select (items from the store) -> outbox (owed / sent per recipient) -> render (Jinja2) -> send (SMTP).
"""

from pipeline.digest.deliver import DigestSummary, plan_digests, preview_digest, send_digests

__all__ = ["DigestSummary", "plan_digests", "preview_digest", "send_digests"]
