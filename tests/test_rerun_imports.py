"""A re-run with nothing new loads only what it uses: no feed or page libraries for a folder, no
summarisers or consensus rules for stories whose work is kept, no sentence splitter when nothing
is split, no APScheduler for a plain cron string, no rich when stderr is no terminal, no
datasketch (it pulls in scipy.integrate) and no scipy at all for dedup (scipy.sparse's import took
~0.25 s: only an all-pairs computation uses it), no process pool for a few new articles (each
costs start-up time), no SMTP or TLS code; config and corrections models build no validator they do
not use, and pydantic looks for no plugins (``cli.main`` sets ``PYDANTIC_DISABLE_PLUGINS``)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

from digest.cli import main
from tests.conftest import ROOT, SEEDS

UNUSED = ("httpx", "feedparser", "trafilatura", "lxml", "bs4", "nltk", "sumy.summarizers", "digest.summary.themes",
          "digest.facts.consensus", "digest.sources.feed", "nupunkt", "apscheduler", "rich",
          "datasketch", "scipy",  # dedup: pinned LSH bands, MinHash permutations drawn as datasketch does, numpy rows
          "numpy.random",  # those permutations drawn by Python's Mersenne Twister (features.mersenne_outputs)
          "numpy.ma",  # np.unique imported it on its first call (stories/sets.py)
          "multiprocessing", "concurrent.futures.process",  # pools start only for many new articles or stories
          "smtplib", "ssl", "digest.mail.smtp", "digest.mail.ledger",  # a run composes the email, sends nothing
          "email.parser")  # read only for a saved .eml file (sources/eml.py)
USED = ("digest.pipeline", "jinja2")  # the probe sees what the run loaded
# pydantic models build their validators on first use (defer_build); config's parts are built with Config's
DEFERRED = ("digest.config:Sources", "digest.config:FolderSource", "digest.config:FeedSource", "digest.config:ThemeConfig",
            "digest.corrections:Ref", "digest.corrections:Move",  # (a default made by a factory is built)
            "digest.corrections:Corrections", "digest.corrections:WeekCorrections")  # no corrections file: none made
_RUN = f"""
import json, sys
from digest.cli import main
code = main([*sys.argv[2:], "run", "--config", sys.argv[1], "--now", "2025-07-20T08:00:00+00:00"])
print(json.dumps([code, sorted(m for m in {UNUSED + USED!r} if m in sys.modules)]))
built = [name for name in {DEFERRED!r} if getattr(sys.modules[name.split(":")[0]], name.split(":")[1]).__pydantic_complete__]
scanned = getattr(sys.modules.get("pydantic.plugin._loader"), "_plugins", None) is not None
print(json.dumps(built + ["pydantic read the installed packages' entry points"] * scanned))
"""


def test_an_unchanged_rerun_of_a_folder_loads_no_feed_summary_or_consensus_code(tmp_path):
    shutil.copytree(SEEDS, tmp_path / "saved")
    config = tmp_path / "config.yaml"
    config.write_text("sources:\n  folders:\n    - path: saved\noutput: out\nstore: digest.sqlite\n", encoding="utf-8")
    assert main(["-q", "run", "--config", str(config), "--now", "2025-07-20T08:00:00+00:00"]) == 0
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    env.pop("PYDANTIC_DISABLE_PLUGINS", None)  # the run sets it itself (main, in this process, set it here)
    done = subprocess.run([sys.executable, "-c", _RUN, str(config), "-q"], capture_output=True, text=True, env=env,
                          check=True)
    assert json.loads(done.stdout.strip().splitlines()[-2]) == [0, sorted(USED)]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []  # none built on its own, no plugin scan
    env = {name: value for name, value in env.items() if name not in ("FORCE_COLOR", "TTY_COMPATIBLE")}
    told = subprocess.run([sys.executable, "-c", _RUN, str(config)], capture_output=True, text=True, env=env, check=True)
    assert json.loads(told.stdout.strip().splitlines()[-2]) == [0, sorted(USED)]  # not quiet: still no rich
    assert "note 2025-W29 unchanged since 2025-07-20T08:00:00+00:00 (same issue, byte for byte)\n" in told.stderr
    forced = subprocess.run([sys.executable, "-c", _RUN, str(config)], capture_output=True, text=True, check=True,
                            env={**env, "FORCE_COLOR": "1"})  # rich's own switch: a terminal, bars and colours
    assert json.loads(forced.stdout.strip().splitlines()[-2]) == [0, sorted([*USED, "rich"])]
    assert "\x1b[" in forced.stderr and "unchanged since 2025-07-20T08:00:00+00:00" in forced.stderr


_LOADING = """
import gc, json, os, sys
os.environ.pop("OPENBLAS_NUM_THREADS", None)
during = []  # collections started while digest's config or pipeline module was still loading
young = [0]  # the objects each young collection walked


def started(phase, info):
    loading = [name for name, made in (("digest.config", "load"), ("digest.pipeline", "run_issue"))
               if name in sys.modules and not hasattr(sys.modules[name], made)]
    if phase == "start" and loading:
        during.append(loading[0])
    if phase == "start" and info["generation"] == 0:
        young.append(len(gc.get_objects(0)))


gc.callbacks.append(started)
from digest.cli import main
code = main(["-q", "run", "--config", sys.argv[1], "--now", "2025-07-20T08:00:00+00:00"])
threads = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("Threads:"))
print(json.dumps([code, len(during), threads, os.environ.get("OPENBLAS_NUM_THREADS"), max(young)]))
"""


def test_a_run_loads_its_code_without_collections_and_numpy_without_a_blas_thread_pool(tmp_path):
    """The ~400 modules a run loads make only objects that live to its end: no garbage collection
    walks them while they load (~80 did, ~40 ms), nor once they have loaded (the first young
    collection after the loading walked all ~30,000 of them, twice, ~35 ms). numpy's BLAS starts no thread of its own (digest
    uses processes; the idle thread spun, ~55 ms of CPU): the run process has one thread (a
    re-run starts no pool), on any machine with two cores or more."""
    shutil.copytree(SEEDS, tmp_path / "saved")
    config = tmp_path / "config.yaml"
    config.write_text("sources:\n  folders:\n    - path: saved\noutput: out\nstore: digest.sqlite\n", encoding="utf-8")
    assert main(["-q", "run", "--config", str(config), "--now", "2025-07-20T08:00:00+00:00"]) == 0
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, "-c", _LOADING, str(config)], capture_output=True, text=True, env=env,
                          check=True)
    code, collections, threads, blas, walked = json.loads(done.stdout.strip().splitlines()[-1])
    assert (code, collections, blas) == (0, 0, "1")
    assert walked < 10_000  # not the ~30,000 objects of the code just loaded (they are frozen: heap.reading)
    if (os.cpu_count() or 1) > 1 and os.path.exists("/proc/self/status"):
        assert threads == 1
