"""The run's accounting: every article read is featured, a copy, off topic, already sent or
outside the week, and the numbers in the run summary and notes.txt add up to what was read."""

from __future__ import annotations

import re
import shutil

from tests.conftest import ROOT, SEEDS
from tests.test_cli import command

OLD = """---
title: {title}
published: {date}
---
{title}. The studio said generative AI tools rendered the crowd scenes of its new film, and the actors' union
asked for consent and payment for every digital double used in the production.
"""
COOKING = "A summer soup\n\nChop two tomatoes and a cucumber, add olive oil and salt, and chill the soup for an hour.\n"


def _folder(tmp_path, seeds=True):
    folder = tmp_path / "articles"
    shutil.copytree(SEEDS, folder) if seeds else folder.mkdir()
    (folder / "old-2019.md").write_text(OLD.format(title="A studio films crowds with AI", date="2019-03-01"), encoding="utf-8")
    (folder / "old-2023.md").write_text(OLD.format(title="Extras fight digital doubles", date="2023-06-30"), encoding="utf-8")
    (folder / "soup.txt").write_text(COOKING, encoding="utf-8")
    (folder / "empty.txt").write_text("   \n", encoding="utf-8")
    config = tmp_path / "config.yaml"
    config.write_text((ROOT / "config.yaml").read_text().replace("path: seeds", f"path: {folder}"), encoding="utf-8")
    return config


def test_the_run_summary_accounts_for_every_article_read(tmp_path, capsys):
    config = _folder(tmp_path)
    code, out, err = command(capsys, "run", "--config", str(config), "--now", "2025-07-20T08:00:00+00:00")
    assert code == 0, err
    line = next(l for l in out.splitlines() if l.startswith("  Articles: "))
    read = int(re.search(r"Articles: (\d+) read", line).group(1))
    parts = {label: int(n) for n, label in re.findall(
        r"(\d+) (featured|copies of featured ones|off topic|already sent|outside the week)", line)}
    assert read == 8 and parts["outside the week"] == 2 and parts["off topic"] == 1
    assert sum(parts.values()) == read, line
    assert "outside the week, 2019-03-01 to 2023-06-30" in line and "1 unreadable" in line
    notes = (tmp_path / "out" / "2025-W29" / "notes.txt").read_text(encoding="utf-8")
    assert line.removeprefix("  ") in notes


def test_an_issue_without_stories_says_why_not_nothing_new(tmp_path, capsys):
    config = _folder(tmp_path, seeds=False)  # no issue was ever made: nothing can be "already sent"
    code, out, err = command(capsys, "run", "--config", str(config), "--now", "2025-07-20T08:00:00+00:00")
    assert code == 0
    message = " ".join(err.split())
    assert "nothing new since the last issue" not in message
    assert ("This issue has no stories: of 3 articles, 2 outside the week, 2019-03-01 to 2023-06-30, "
            "1 off topic") in message, message
