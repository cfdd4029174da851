"""One exception family, so the CLI can turn any user-facing failure into a clear message."""


class CallwatchError(Exception):
    """Base of every error callwatch reports to its user."""


class ConfigError(CallwatchError):
    """A configuration or sources file is wrong; the message names file, entry and field."""


class SourceError(CallwatchError):
    """A source could not be read."""


class StoreError(CallwatchError):
    """The SQLite store cannot be opened or written."""


class DigestError(CallwatchError):
    """A digest could not be rendered or sent."""
