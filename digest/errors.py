"""Errors digest raises on purpose. Only ``cli.py`` turns them into exit codes.

    DigestError                 anything digest reports to its user without a traceback
    ├── ConfigError             config.yaml is unreadable or invalid (exit code 2)
    ├── SourceError             one source could not be read; becomes a Problem, the run goes on
    │   └── FetchError          an HTTP fetch failed (status, timeout, size cap)
    ├── StrictModeError         --strict and the run recorded problems (exit code 1)
    ├── RenderError             the issue could not be rendered (a template or MJML failure)
    ├── DeliveryError           the issue cannot be sent as asked (nothing built, too big, no link)
    └── BusyError               another digest process holds the run/send lock (exit code 75)
        (subscribers, unsubscribe and smtp add their own: SubscriberError, UnsubscribeError, SmtpSetupError)
"""

from __future__ import annotations


class DigestError(Exception):
    """Base class: a message for the user, no traceback."""


class ConfigError(DigestError):
    """Every problem found in a config file, one line each."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        super().__init__("\n".join(lines))


class SourceError(DigestError):
    """A source or one of its files could not be read."""

    def __init__(self, where: str, what: str, hint: str = ""):
        self.where, self.what, self.hint = where, what, hint
        super().__init__(f"{where}: {what}" + (f" ({hint})" if hint else ""))


class FetchError(SourceError):
    """An HTTP fetch failed; ``retry`` says whether asking again may help (5xx, timeout)."""

    def __init__(self, where: str, what: str, hint: str = "", retry: bool = False):
        super().__init__(where, what, hint)
        self.retry = retry


class StrictModeError(DigestError):
    """--strict turns recorded problems into a failure."""


class RenderError(DigestError):
    """A template or the MJML compiler failed."""


class DeliveryError(DigestError):
    """The issue cannot be sent as asked."""


class BusyError(DigestError):
    """Another digest process (a run, a send, the scheduler or the desk) holds the run/send lock."""

    exit_code = 75  # EX_TEMPFAIL (sysexits.h): try again later; cron and systemd treat it as such
