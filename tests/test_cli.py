"""The commands as a user runs them: exit codes, messages without tracebacks, stable JSON."""

import json
import subprocess
import sys

from digest.text import sentences
from digest.cli import main
from digest.sources import read_folder
from tests.conftest import ROOT, SEEDS


def digest(*args, cwd=ROOT):
    """The real command in its own process, as a user or cron runs it."""
    return subprocess.run([sys.executable, "-m", "digest", *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def command(capsys, *args):
    """The same command in this process (no 4 s interpreter start-up): (exit code, stdout, stderr)."""
    try:
        code = main(list(args))
    except SystemExit as exit:
        code = exit.code
    out, err = capsys.readouterr()
    return code, out, err


def test_run_prints_where_and_a_one_line_summary(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text((ROOT / "config.yaml").read_text().replace("path: seeds", f"path: {SEEDS}"), encoding="utf-8")
    result = digest("run", "--config", str(config), "--now", "2025-07-20T08:00:00+00:00")
    assert result.returncode == 0, result.stderr
    summary = result.stdout.splitlines()[0]
    assert summary.startswith("Read 5 articles · 1 story · 4 themes · ") and " facts · HTML " in summary and " KB" in summary
    assert (tmp_path / "out" / "2025-W29" / "digest.eml").is_file()
    assert str(tmp_path / "out" / "2025-W29" / "digest.html") in result.stdout
    assert (tmp_path / "digest.sqlite").is_file()


def test_bad_config_exits_2_with_one_line_per_problem(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text("dedup:\n  shingle_wrods: 4\nsources:\n  folders:\n    - path: missing\n", encoding="utf-8")
    result = digest("run", "--config", str(config))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = [l for l in result.stderr.splitlines() if l.strip()]
    assert len(lines) == 2
    assert "dedup.shingle_wrods: unknown key (did you mean shingle_words?)" in lines[0]
    assert "sources.folders.0.path: folder not found" in lines[1]


def test_bad_word_count_is_a_usage_error(capsys):
    code, _, err = command(capsys, "summarize", str(SEEDS), "--words", "5")
    assert code == 2 and "--words takes a whole number of 10 or more" in err


def test_bad_now_is_a_usage_error(capsys):
    code, _, err = command(capsys, "run", "--now", "last tuesday")
    assert code == 2 and "not an ISO 8601 date-time" in err


def test_dedup_json(capsys):
    code, out, err = command(capsys, "dedup", str(SEEDS), "--json")
    assert code == 0, err
    data = json.loads(out)
    (story,) = data["stories"]
    assert len(story["origins"]) == 5
    assert sorted(p for o in story["origins"] for p in o["articles"]) == sorted(str(p) for p in SEEDS.iterdir())
    assert all({"left", "right", "rule", "score"} <= set(m) for m in story["merges"])


def test_dedup_json_explains_every_merge(capsys, tmp_path):
    for seed in SEEDS.iterdir():
        (tmp_path / seed.name).write_bytes(seed.read_bytes())
    original = max(SEEDS.iterdir(), key=lambda p: p.stat().st_size)
    text = original.read_text(encoding="utf-8")
    (tmp_path / "reprint.txt").write_text(text[: len(text) // 2].rsplit("\n", 1)[0] + "\n", encoding="utf-8")
    code, out, err = command(capsys, "dedup", str(tmp_path), "--json")
    assert code == 0, err
    (story,) = json.loads(out)["stories"]
    assert len(story["origins"]) == 5 and story["articles"] == 6
    assert len(story["merges"]) == 5  # one per article joined
    (copy,) = [m for m in story["merges"] if m["kind"] == "copy"]
    assert sorted(copy["pair"]) == sorted([str(tmp_path / original.name), str(tmp_path / "reprint.txt")])
    assert copy["rule"] == "copy: shingle containment" and copy["score"] >= 0.8 and "5-word runs" in copy["detail"]
    assert all(m["kind"] == "same event" and "average" in m["detail"] for m in story["merges"] if m is not copy)


def test_facts_json(capsys):
    code, out, err = command(capsys, "facts", str(SEEDS), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert (data["articles"], data["origins"]) == (5, 5)
    statuses = {f["status"] for f in data["facts"]}
    assert statuses == {"consensus", "disputed", "variant"}
    for fact in data["facts"]:
        assert set(fact["sources"]) <= {str(p) for p in SEEDS.iterdir()}
        if fact["status"] == "consensus":
            assert len(fact["sources"]) >= 2
        else:
            assert fact["values"] and all(v["sources"] for v in fact["values"])


def test_summarize_is_verbatim_and_within_words(capsys):
    code, out, err = command(capsys, "summarize", str(SEEDS), "--words", "60")
    assert code == 0, err
    summary = out.strip()
    assert 0 < len(summary.split()) <= 60
    articles, _ = read_folder(SEEDS)
    quoted = [s for a in articles for s in sentences.split(" ".join(b.text for b in a.blocks))]
    for sentence in sentences.split(summary):
        assert any(sentence in q or q in sentence for q in quoted) or any(sentence in a.text for a in articles)


def test_missing_path_is_reported_not_a_crash(capsys, tmp_path):
    code, out, err = command(capsys, "dedup", str(tmp_path / "nope"), "--json")
    assert code == 0
    assert "no such file or folder" in err
    assert json.loads(out) == {"stories": []}


def test_a_week_with_nothing_new_says_so(capsys, tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text((ROOT / "config.yaml").read_text().replace("path: seeds", f"path: {SEEDS}"), encoding="utf-8")
    assert command(capsys, "run", "--config", str(config), "--now", "2025-07-20T08:00:00+00:00")[0] == 0
    code, out, err = command(capsys, "run", "--config", str(config), "--now", "2025-07-27T08:00:00+00:00")
    assert code == 0
    assert "left out, Netflix’s Generative AI Leap" in out and "already sent in issue 1 (2025-W29)" in out
    assert "This issue has no stories" in err


def test_week_and_source_do_not_mix(capsys):
    code, _, err = command(capsys, "run", "--week", "2025-W29", "--source", str(SEEDS))
    assert code == 1 and "--week rebuilds a week from the store and reads no source" in err
