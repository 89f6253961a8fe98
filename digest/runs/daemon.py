"""``digest schedule``: the foreground daemon that builds and sends every week (I/O).

APScheduler 3's ``BackgroundScheduler`` fires two cron jobs in the configured time zone, with
``coalesce``, ``max_instances=1`` and ``misfire_grace_time`` from ``schedule.misfire_grace_minutes``
(a fire delayed while the machine slept or the process was busy still runs, once, within the grace).
A fire missed while the daemon was down is caught up once at start (``digest.runs.schedule.catch_up``).

Each job runs the same command a cron user runs, ``digest run`` or ``digest send --issue WEEK``, as a
child process: same lock, same records, same crash safety, and a job that crashes cannot take the
daemon with it. The jobs run one at a time (one worker). ``send_policy`` is checked before a send:
``never`` and an unapproved issue under ``approve`` are logged with the reason nothing went out.

SIGTERM or SIGINT stops the daemon: no new job starts, a job in progress finishes (a signal sent to
the whole process group, as systemd and Ctrl-C do, stops the child too; the work is left resumable
and, its fire not being recorded, is caught up at the next start).
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from digest.config import Config
from digest.errors import BusyError
from digest.runs.runlog import RunLog
from digest.runs.sendable import send_check
from digest.runs.schedule import JOBS, catch_up, latest_fire, next_times, repeated, trigger
from digest.store import Store
from digest.weeks import local, week_of

logger = logging.getLogger(__name__)
INTERRUPTED = (130,)  # the child's exit code after Ctrl-C (a signal death is negative): the fire stays owed
BUSY_RETRIES, BUSY_PAUSE = 10, 30.0  # a send finding the lock held (a desk send) tries again this often


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class Outcome:
    code: int  # the child's exit code (negative: killed by that signal)
    output: str  # its stdout
    errors: str = ""  # its stderr

    def summary(self) -> str:
        """Its first line of output when it succeeded, else its last line of errors."""
        text = self.output if self.code == 0 else (self.errors or self.output)
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        return (lines[0] if self.code == 0 else lines[-1]) if lines else "no output"


def run_command(args: list[str]) -> Outcome:
    """Run ``python -m digest ARGS`` and wait for it (a stop request lets it finish)."""
    process = subprocess.run([sys.executable, "-m", "digest", *args], capture_output=True, text=True,
                             env=os.environ | {"PYTHONUNBUFFERED": "1"})
    return Outcome(process.returncode, process.stdout, process.stderr)


class Daemon:
    """The weekly jobs of one config. ``clock`` and ``runner`` are the effects (tests pass their own)."""

    def __init__(self, config: Config, config_path: Path, log_args: tuple[str, ...] = (),
                 clock: Callable[[], datetime] = _utc_now, runner: Callable[..., Outcome] = run_command):
        self.config, self.config_path, self.log_args = config, config_path, log_args
        self.clock, self.runner = clock, runner
        self.settings = config.schedule
        self.grace = timedelta(minutes=self.settings.misfire_grace_minutes)
        self.triggers = {job: trigger(getattr(self.settings, job), self.settings.timezone) for job in JOBS}
        self.stop = threading.Event()
        self.busy = threading.Lock()

    def serve(self) -> int:
        """Catch up, then fire the jobs until SIGTERM/SIGINT; returns the exit code (0)."""
        from apscheduler.schedulers.background import BackgroundScheduler

        s = self.settings
        logger.info("digest schedule: build %r, send %r in %s, send_policy %s, misfire grace %d min, store %s",
                    s.build, s.send, s.timezone, s.send_policy, s.misfire_grace_minutes, self.config.store)
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._on_signal)
        self.catch_up()
        scheduler = BackgroundScheduler(timezone=s.timezone, job_defaults={
            "coalesce": True, "max_instances": 1, "misfire_grace_time": int(self.grace.total_seconds())},
            executors={"default": {"type": "threadpool", "max_workers": 1}})
        for job in JOBS:
            scheduler.add_job(self.fire, trigger=self.triggers[job], args=[job], id=job, name=job)
        scheduler.start()
        self.log_next()
        self.stop.wait()
        logger.info("stopping: %s", "waiting for the job in progress to finish" if self.busy.locked() else "idle")
        scheduler.shutdown(wait=True)
        logger.info("stopped")
        return 0

    def _on_signal(self, number, _frame) -> None:
        logger.info("received %s", signal.Signals(number).name)
        self.stop.set()

    def catch_up(self) -> list[str]:
        """Run, once, each job's latest fire missed while the daemon was down (within the grace)."""
        ran = []
        for job in JOBS:
            with RunLog(self.config.store) as log:
                owed = catch_up(job, self.triggers[job], log.last_fire(job), self.clock(), self.grace)
            (logger.warning if owed.run or owed.too_late else logger.info)("catch-up: %s", owed.describe())
            if owed.run is not None and not self.stop.is_set():
                self.run_job(job, owed.run, "catch-up")
                ran.append(job)
        return ran

    def fire(self, job: str) -> None:
        """APScheduler's job: run ``job`` for its latest fire time, then log the next fire times."""
        now = self.clock()
        if repeated(local(now, self.settings.timezone)):
            logger.info("%s: skipped: this local time happens twice tonight (clocks go back); it ran at the first", job)
            return
        when = latest_fire(self.triggers[job], now, within=self.grace + timedelta(minutes=1)) or now
        self.run_job(job, when, "schedule")
        self.log_next()

    def log_next(self) -> dict[str, datetime | None]:
        now = self.clock()
        times = next_times(self.settings, now)
        logger.info("next: %s", "; ".join(f"{job} {t.isoformat(timespec='minutes') if t else 'never'}"
                                          for job, t in times.items()))
        return times

    def run_job(self, job: str, fire: datetime, how: str) -> Outcome | None:
        """Run one job for its fire time; record the fire unless the job was killed (then it is owed)."""
        with self.busy:
            outcome = self._build(how) if job == "build" else self._send(fire, how)
            if outcome is None or outcome.code not in INTERRUPTED and outcome.code >= 0:
                with RunLog(self.config.store) as log:
                    log.fired(job, fire, self.clock())
            return outcome

    def _build(self, how: str) -> Outcome:
        logger.info("build (%s): digest run", how)
        outcome = self.runner([*self.log_args, "run", "--config", str(self.config_path), "--wait", "300"])
        self._report("build", outcome)
        return outcome

    def _send(self, fire: datetime, how: str) -> Outcome | None:
        week = week_of(self.clock(), self.settings.timezone)  # the week the build of this zone's Monday made
        with Store(self.config.store) as store:
            check = send_check(store, week, self.settings.send_policy)
        if check.refusal:
            with RunLog(self.config.store) as log:
                run = log.start("send", self.clock(), how, week)
                log.finish(run, "failed" if check.failed else "skipped", self.clock(), message=check.refusal)
            logger.warning("send (%s): nothing sent: %s", how, check.refusal)
            return None
        args = [*self.log_args, "send", "--config", str(self.config_path), "--issue", week]
        logger.info("send (%s): digest send --issue %s", how, week)
        with RunLog(self.config.store) as log:
            run = log.start("send", self.clock(), how, week)
        outcome = self._patiently(args)
        with RunLog(self.config.store) as log:
            log.finish(run, "ok" if outcome.code == 0 else "failed", self.clock(), week,
                       message=outcome.summary())
        self._report("send", outcome)
        return outcome

    def _patiently(self, args: list[str]) -> Outcome:
        """Run a send; while another process holds the lock (a desk send), try again a few times."""
        outcome = self.runner(args)
        for _ in range(BUSY_RETRIES):
            if outcome.code != BusyError.exit_code or self.stop.wait(BUSY_PAUSE):
                break
            logger.info("send: the lock is held (%s); trying again in %d s", outcome.summary(), BUSY_PAUSE)
            outcome = self.runner(args)
        return outcome

    def _report(self, job: str, outcome: Outcome) -> None:
        level = logging.INFO if outcome.code == 0 else logging.ERROR
        logger.log(level, "%s finished: exit %d: %s", job, outcome.code, outcome.summary())
