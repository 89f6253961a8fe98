"""The desk's state (I/O): the latest build of the week's issue, or what stopped it, and the editor's actions.

Every build goes through ``pipeline.run_issue`` (the path ``digest run`` and the scheduler take, so
the corrections file is honoured the same way and the issue files and store record are the ones
``digest send`` sends) while holding the run/send lock, waiting up to ``LOCK_WAIT`` seconds for a
run or send in progress. A build that fails keeps the last good issue on the page and says why
(file, line, message); the server never goes down with it. ``version`` counts builds, so the page
knows when to reload.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from digest import config as config_module
from digest import corrections as corrections_file
from digest.corrections import Corrections, WeekCorrections
from digest.errors import ConfigError, DigestError
from digest.files import sha256_file
from digest.lock import RunLock
from digest.models import Email
from digest.store import Store
from digest.weeks import local, week_of

logger = logging.getLogger(__name__)

LOCK_WAIT = 30.0
_WHERE = re.compile(r"^(?:template )?(?P<file>[^\s:][^:]*?)(?::(?P<line>\d+))?: (?P<message>.+)$", re.S)


@dataclass(frozen=True)
class BuildError:
    """Why the last build failed, as the page shows it."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"{self.file}{f':{self.line}' if self.line else ''}: {self.message}"


class Desk:
    """One week's issue on the editor's desk: build it, correct it, approve it, test-send it."""

    def __init__(self, config_path: Path, week: str | None = None, now: datetime | None = None,
                 clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)):
        self.config_path = Path(config_path).resolve()
        self.config = config_module.load(self.config_path)  # a broken config stops the desk at start
        self.fixed_week, self.fixed_now, self.clock = week, now, clock
        self.result = None  # pipeline.RunResult of the last good build
        self.error: BuildError | None = None
        self.version = 0
        self.notice = ""  # one line about the editor's last action
        self.building = False
        self.used = ""  # sha256 of the corrections file the last build read (a write of the same: no rebuild)
        self._lock = threading.Lock()

    @property
    def week(self) -> str:
        return self.fixed_week or week_of(self.fixed_now or self.clock(), self.config.schedule.timezone)

    def build(self) -> None:
        """Rebuild the week's issue from the current config, templates, corrections and sources."""
        from digest.pipeline import run_issue

        with self._lock:
            self.building = True
            try:
                config = config_module.load(self.config_path)
                self.used = file_sha(config.corrections)
                with RunLock(config.store, "preview build", wait=LOCK_WAIT):
                    now = local(self.fixed_now or self.clock(), config.schedule.timezone)  # as `digest run`
                    result = run_issue(config, now, week=self.fixed_week)
                self.config, self.result, self.error = config, result, None
            except Exception as error:  # the page shows it; the server stays up
                self.error = describe(error)
                logger.warning("build failed: %s", self.error)
            self.version += 1
            self.building = False

    def corrections(self) -> WeekCorrections:
        """This week's corrections; none while the file is broken (the build error says why)."""
        try:
            return self._book().week(self.week)
        except ConfigError:
            return WeekCorrections()

    def correct(self, change: Callable[[WeekCorrections], WeekCorrections]) -> None:
        """Apply one change to this week's corrections and write the file (atomically); then rebuild."""
        book = self._book()
        corrections_file.save(self.config.corrections, book.with_week(self.week, change(book.week(self.week))))
        self.build()

    def approve(self, fingerprint: str, editor: str) -> None:
        """Approve the issue as the editor saw it: refused if it changed since the page was loaded, or
        while the last build failed (the files are the last good issue, not what the sources say now)."""
        if self.error:
            raise DigestError(f"the last build failed ({self.error}): fix it before approving")
        with Store(self.config.store) as store:
            record = store.issue(self.week)
            if not record or record["fingerprint"] != fingerprint:
                raise DigestError("the issue changed since this page was loaded: look at it again, then approve")
            store.approve(self.week, fingerprint, self.clock(), editor)
        self.notice = f"Approved issue {self.week}"

    def withdraw(self) -> None:
        with Store(self.config.store) as store:
            store.withdraw_approval(self.week)
        self.notice = f"Approval of {self.week} withdrawn"

    def approval(self, week: str | None = None) -> dict | None:
        with Store(self.config.store) as store:
            return store.approval(week or self.week)

    def issues(self) -> list[dict]:
        with Store(self.config.store) as store:
            return store.issues()

    def stored_email(self, week: str) -> Email:
        """The issue exactly as ``digest send`` reads it (files checked against the store's record)."""
        from digest.email.publish import read_built

        with Store(self.config.store) as store:
            record = store.issue(week)
        if record is None:
            raise DigestError(f"no issue {week} in the store")
        return read_built(record)

    def email_for(self, week: str, address: str) -> Email:
        """The issue as one subscriber gets it: their own signed unsubscribe link, as ``send`` makes it."""
        from digest.mail.deliver import personalize

        url = self._own_link(address)
        if url is None:
            raise DigestError(f"{address} is not a subscriber (`digest subscribers add {address}`)")
        return personalize(self.stored_email(week), self.config.email, url)

    def _own_link(self, address: str) -> str | None:
        """The address's own signed unsubscribe link, as ``send`` makes it; None for a non-subscriber."""
        from digest.mail import unsubscribe
        from digest.mail.subscribers import SubscriberBook

        settings = self.config.email
        with SubscriberBook(self.config.store) as book:
            subscriber = book.get(address)
        if subscriber is None:
            return None
        return unsubscribe.link(settings, subscriber.key, unsubscribe.secret_from(settings, os.environ))

    def test_send(self) -> str:
        """Mail the exact issue to ``email.editor_address`` (holding the run/send lock); one line. An editor
        who subscribes gets their own copy, unsubscribe link and List-Unsubscribe header included, as
        ``send`` makes it; otherwise the copy carries the general link (as the archive's web page does)."""
        from digest.mail.deliver import compose, own_message
        from digest.mail.smtp import Mailer, PermanentFailure, TemporaryFailure

        settings, editor = self.config.email, self.config.email.editor_address
        if not editor:
            raise DigestError("set email.editor_address in config.yaml: the test send goes to the editor only")
        with RunLock(self.config.store, "test send", wait=LOCK_WAIT):
            email, url = self.stored_email(self.week), self._own_link(editor)
            message = own_message(email, settings, self.clock(), editor, url) if url else \
                compose(email, settings, self.clock(), editor)
            try:
                with Mailer(settings.smtp, os.environ) as mailer:
                    mailer.send(message, settings.from_address, editor)
            except (TemporaryFailure, PermanentFailure) as error:
                raise DigestError(f"test send to {editor} failed: {error}") from None
        link = "its own unsubscribe link" if url else f"the general unsubscribe link: {editor} is not a subscriber"
        return f"Test issue {self.week} sent to {editor} (with {link})"

    def _book(self) -> Corrections:
        return corrections_file.load(self.config.corrections)


def file_sha(path: Path) -> str:
    """sha256 of a file, or "" if it cannot be read (a missing corrections file)."""
    try:
        return sha256_file(path)
    except OSError:
        return ""


def describe(error: BaseException) -> BuildError:
    """File, line and message of a failed build: the config's or corrections' line, the template's, or
    the innermost frame of an unexpected error."""
    if isinstance(error, ConfigError):
        return _parse(error.lines[0], "config") if len(error.lines) == 1 else \
            _parse(error.lines[0] + f" (and {len(error.lines) - 1} more: " + "; ".join(error.lines[1:]) + ")", "config")
    if isinstance(error, DigestError):
        found = _parse(str(error), "digest")
        template = _template_frame(error.__cause__)
        if template and found.line is None:
            return BuildError(template[0], template[1], found.message)
        return found
    frame = traceback.extract_tb(error.__traceback__)[-1] if error.__traceback__ else None
    return BuildError(frame.filename if frame else "?", frame.lineno if frame else None,
                      f"{type(error).__name__}: {error}")


def _parse(text: str, fallback: str) -> BuildError:
    match = _WHERE.match(text)
    if not match:
        return BuildError(fallback, None, text)
    line = match["line"]
    return BuildError(match["file"], int(line) if line else None, match["message"])


def _template_frame(error: BaseException | None) -> tuple[str, int] | None:
    """Jinja2 puts template lines in the traceback: the innermost one."""
    frames = traceback.extract_tb(error.__traceback__) if error and error.__traceback__ else []
    found = [(f.filename, f.lineno) for f in frames if f.filename.endswith(".j2")]
    return found[-1] if found else None
