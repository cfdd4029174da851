"""Build a multipart/alternative message and hand it to an SMTP server (none | starttls | ssl)."""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid

from pipeline.config import SmtpConfig
from pipeline.digest.render import RenderedDigest
from pipeline.errors import DigestError

log = logging.getLogger(__name__)

# What a failed delivery can raise: protocol refusals, network and TLS errors (all OSErrors, as
# smtplib.SMTPException is one since Python 3.4; listed both for the reader).
SMTP_FAILURES = (smtplib.SMTPException, OSError)


def build_message(
    digest: RenderedDigest, *, sender: str, to: str, name: str | None = None, digest_id: int | None = None
) -> EmailMessage:
    """Plain text first, HTML second: clients show the last part they can display."""
    msg = EmailMessage()
    msg["Subject"] = digest.subject
    msg["From"] = formataddr(("callwatch", sender))
    msg["To"] = formataddr((name, to)) if name else to
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    msg["Message-ID"] = make_msgid(idstring=f"digest{digest_id}" if digest_id else None,
                                   domain=sender.rpartition("@")[2] or None)
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation auto-replies back to us
    msg.set_content(digest.text)
    msg.add_alternative(digest.html, subtype="html")
    return msg


class SmtpSender:
    """One SMTP session for a batch of digests, opened on first use."""

    def __init__(self, settings: SmtpConfig):
        if settings.user and not settings.password:
            raise DigestError(
                "SMTP user is set but CALLWATCH_SMTP_PASSWORD is not (secrets come only from the environment)"
            )
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        port = s.effective_port
        log.info("connecting to SMTP %s:%s (tls=%s)", s.host, port, s.tls)
        context = ssl.create_default_context()
        if s.tls == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(s.host, port, timeout=s.timeout, context=context)
        else:
            smtp = smtplib.SMTP(s.host, port, timeout=s.timeout)
        try:
            smtp.ehlo()
            if s.tls == "starttls":
                smtp.starttls(context=context)
                smtp.ehlo()
            if s.user:
                smtp.login(s.user, s.password or "")
        except BaseException:
            smtp.close()
            raise
        return smtp

    def send(self, msg: EmailMessage) -> None:
        """Return only when the server accepted the message; raise an SMTP_FAILURES error otherwise."""
        if self._smtp is None:
            self._smtp = self._connect()
        try:
            refused = self._smtp.send_message(msg)
        except smtplib.SMTPServerDisconnected:
            self._smtp = None
            raise
        if refused:  # only some recipients refused; we send one recipient per message
            raise smtplib.SMTPRecipientsRefused(refused)

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except SMTP_FAILURES:
                self._smtp.close()
            self._smtp = None

    def __enter__(self) -> SmtpSender:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def is_recipient_failure(exc: BaseException) -> bool:
    """A refusal of this recipient or message: the session goes on for the others. Anything else
    (connection refused, TLS or login failure, disconnect) would fail every recipient alike."""
    return isinstance(exc, smtplib.SMTPRecipientsRefused | smtplib.SMTPDataError)


def describe_failure(exc: BaseException) -> str:
    """A one-line reason for logs and the outbox, never containing credentials."""
    if isinstance(exc, smtplib.SMTPResponseException):
        detail = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
        return f"{type(exc).__name__}: {exc.smtp_code} {detail}"
    return f"{type(exc).__name__}: {exc}"
