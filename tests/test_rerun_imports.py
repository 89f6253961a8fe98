"""A re-run with nothing new loads only what it uses: no feed or page libraries for a folder, no
summarisers or consensus rules for stories whose work is kept, no datasketch (it pulls in
scipy.integrate) for dedup (each costs start-up time)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

from digest.cli import main
from tests.conftest import ROOT, SEEDS

UNUSED = ("httpx", "feedparser", "trafilatura", "lxml", "bs4", "nltk", "sumy.summarizers", "digest.summary.themes",
          "digest.facts.consensus", "digest.sources.feed",
          "datasketch", "scipy.integrate")  # dedup: pinned LSH bands, MinHash permutations drawn as datasketch does
USED = ("digest.pipeline", "jinja2")  # the probe sees what the run loaded
_RUN = f"""
import json, sys
from digest.cli import main
code = main(["-q", "run", "--config", sys.argv[1], "--now", "2025-07-20T08:00:00+00:00"])
print(json.dumps([code, sorted(m for m in {UNUSED + USED!r} if m in sys.modules)]))
"""


def test_an_unchanged_rerun_of_a_folder_loads_no_feed_summary_or_consensus_code(tmp_path):
    shutil.copytree(SEEDS, tmp_path / "saved")
    config = tmp_path / "config.yaml"
    config.write_text("sources:\n  folders:\n    - path: saved\noutput: out\nstore: digest.sqlite\n", encoding="utf-8")
    assert main(["-q", "run", "--config", str(config), "--now", "2025-07-20T08:00:00+00:00"]) == 0
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, "-c", _RUN, str(config)], capture_output=True, text=True, env=env, check=True)
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [0, sorted(USED)]
