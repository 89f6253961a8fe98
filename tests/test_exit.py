"""``digest.cli.leave``: the quick exit still does what an exit must (atexit handlers, flushed output,
other threads waited for) and keeps the exit code."""

import subprocess
import sys

from tests.conftest import ROOT


def python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)


def test_leave_runs_the_exit_handlers_flushes_and_keeps_the_code(tmp_path):
    mark = tmp_path / "handler"
    result = python(f"""
import atexit, logging, sys
from pathlib import Path
from digest.cli import leave
atexit.register(lambda: Path({str(mark)!r}).write_text("ran"))
logging.basicConfig(stream=sys.stderr)
logging.getLogger("t").warning("a logged line")
sys.stdout.write("x" * 100_000)  # more than a pipe's buffer: still all written
leave(3)
""")
    assert result.returncode == 3, result.stderr
    assert result.stdout == "x" * 100_000
    assert "a logged line" in result.stderr
    assert mark.read_text() == "ran"


def test_leave_waits_for_another_thread(tmp_path):
    mark = tmp_path / "thread"
    result = python(f"""
import threading, time
from pathlib import Path
from digest.cli import leave
threading.Thread(target=lambda: (time.sleep(0.3), Path({str(mark)!r}).write_text("done"))).start()
leave(0)
""")
    assert result.returncode == 0, result.stderr
    assert mark.read_text() == "done"


def test_python_m_digest_exits_with_the_commands_code(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text("store: [not, a, path\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "digest", "run", "--config", str(config)], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2, result.stderr
    assert "config.yaml" in result.stdout + result.stderr


LEFT_BEHIND = """
import os, sys
from digest.cli import leave

class Mark:  # writes to its file when the interpreter tears its module down
    def __init__(self):
        self.write, self.fd = os.write, os.open({path!r}, os.O_WRONLY | os.O_CREAT)

    def __del__(self):
        self.write(self.fd, b"torn down")

mark = Mark()
{before}
leave(0)
"""


def test_leave_skips_the_teardown_but_not_under_a_profiler(tmp_path):
    quick, profiled = tmp_path / "quick", tmp_path / "profiled"
    assert python(LEFT_BEHIND.format(path=str(quick), before="")).returncode == 0
    assert quick.read_text() == ""  # the quick exit: no teardown
    result = python(LEFT_BEHIND.format(path=str(profiled), before="sys.setprofile(lambda *args: None)"))
    assert result.returncode == 0, result.stderr
    assert profiled.read_text() == "torn down"  # python -m cProfile writes its report in the teardown
