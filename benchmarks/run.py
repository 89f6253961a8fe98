"""A busy week, timed: the real ``digest run`` on a corpus of N articles, per stage and against the floor.

    python3 benchmarks/run.py --articles 1000 --data ../shared/data --json out.json [--mix on-topic|newsroom]
                              [--seed 18] [--rerun 0.01] [--keep DIR]

The corpus (``benchmarks/corpus.py``: real BBC sentences, stories told by 2-6 outlets, 10 %
syndicated copies, dates inside the week; ``--mix newsroom`` is 5 % on topic) is written to a
temporary folder with a config that is the shipped ``config.yaml`` pointed at it. Then ``python
-m digest run --timings`` runs in a child process and the report gives, for the whole run and each
stage it recorded (collect, relevance, dedup, themes, consensus, render, write): wall and CPU
seconds, peak memory (the child's maximum resident set; ``os.wait4`` gives this run's alone,
with its worker processes), articles per second, and what the run spent outside the stages
(interpreter start, imports, config, the store's reads and writes around the stages:
``outside_stages``); whether an issue came out and its HTML size; and the **floor**, reading and
splitting the corpus once (``read_folder`` and ``sentences.split`` of every block, in this
process), with the run's ratio to it. ``--rerun 0.01`` then adds 1 % new articles (new stories) and runs again on the same store:
the incremental cost (``share_of_first``: wall, ``cpu_share_of_first``: CPU). The machine's load
average is in the report: timings on a shared machine are noisy, compare ratios measured in one run.

The child runs digest from compiled bytecode, as an installed package does (pip compiles it at
install; a checkout writes ``__pycache__`` on its first run): ``PYTHONDONTWRITEBYTECODE`` is
dropped for it and the package is compiled into its own ``__pycache__`` before the first run, so
both runs start alike. Without this, with ``PYTHONDONTWRITEBYTECODE=1`` set in the shell, every run
compiled ~80 digest modules from source (~0.1 s of CPU, measured on the 1,000-article re-run).
No ``PYTHONPYCACHEPREFIX``: a fresh prefix has no bytecode for the libraries either, so the first
run compiled numpy, scipy, nltk, sumy, pydantic... from source and the re-run did not (1,000
articles: first run 13 -> 22 s, its themes stage 2.1 -> 8.4 s), which flattered the re-run's share.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402

from digest.sources.folder import read_folder  # noqa: E402
from digest.text.sentences import split  # noqa: E402
from digest.weeks import iso_week  # noqa: E402


def write_config(work: Path) -> Path:
    config = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    config["sources"] = {"folders": [{"path": "corpus", "name": "corpus"}], "feeds": []}
    config.update(store="digest.sqlite", output="out")
    config["fetch"]["teaser_words"] = 0  # a folder needs no page fetching
    path = work / "config.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def floor(folder: Path) -> dict:
    started, cpu = time.perf_counter(), time.process_time()
    articles, _ = read_folder(folder)
    sentences = sum(len(split(b.text)) for a in articles for b in a.blocks)
    return {"wall": time.perf_counter() - started, "cpu": time.process_time() - cpu, "articles": len(articles),
            "sentences": sentences}


def child_env() -> dict[str, str]:
    """The child's environment: this checkout first on the path, bytecode read and written where it lives."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("PYTHONPYCACHEPREFIX", None)
    return env


def compile_digest() -> None:
    """Compile the digest package's bytecode into its ``__pycache__``, as installing it would."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "digest")], env=child_env(), check=True,
                   stdout=subprocess.DEVNULL)


def run_digest(config: Path, work: Path, label: str) -> dict:
    timings = work / f"timings-{label}.json"
    command = [sys.executable, "-m", "digest", "run", "--config", str(config), "--now", corpus.NOW.isoformat()]
    env = child_env()
    usage_text = subprocess.run([*command[:4], "--help"], env=env, capture_output=True, text=True).stdout
    command += ["--timings", str(timings)] if "--timings" in usage_text else []  # an older digest has none
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        child = subprocess.Popen(command, cwd=work, env=env, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(child.pid, 0)  # this child's own usage (with its pool's), not the --help probe's
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        out, err = out.read(), err.read()
    stages = json.loads(timings.read_text()) if timings.exists() else []
    html = work / "out" / iso_week(corpus.NOW) / "digest.html"
    return {"label": label, "exit": child.returncode, "wall": round(wall, 3),
            "cpu": round(usage.ru_utime + usage.ru_stime, 3), "peak_mb": round(usage.ru_maxrss / 1024, 1),
            "issue": child.returncode == 0 and html.exists(),
            "html_kb": round(html.stat().st_size / 1024, 1) if html.exists() else None,
            "stages": stages, "summary": out.strip().splitlines()[:1], "errors": err.strip().splitlines()[-3:]}


def with_rates(run: dict, articles: int, base: dict) -> dict:
    run["articles_per_s"] = round(articles / run["wall"], 1)
    run["outside_stages"] = {key: round(run[key] - sum(s[key] for s in run["stages"]), 3) for key in ("wall", "cpu")}
    run["ratio_to_floor"] = round(run["wall"] / base["wall"], 1)
    for stage in run["stages"]:
        stage["articles_per_s"] = round(articles / stage["wall"], 1) if stage["wall"] else None
    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, required=True)
    parser.add_argument("--data", type=Path, required=True, help="the shared data folder (../shared/data)")
    parser.add_argument("--json", type=Path, required=True, help="write the report here")
    parser.add_argument("--mix", choices=sorted(corpus.ON_TOPIC_SHARE), default="on-topic")
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--rerun", type=float, default=0.0, help="then add this share of new articles and run again")
    parser.add_argument("--keep", type=Path, help="build the corpus here and keep it (default: a temporary folder)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="digest-bench-") as temporary:
        work = args.keep or Path(temporary)
        report = bench(args, work)
    args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    for run in report["runs"]:
        share = (f", {run['share_of_first']:.1%} of the first run's wall, {run['cpu_share_of_first']:.1%} of its CPU"
                 if "share_of_first" in run else "")
        print(f"{run['label']}: {run['articles']} articles, {run['wall']:.1f} s, CPU {run['cpu']:.1f} s "
              f"({run['ratio_to_floor']}x the floor {report['floor']['wall']:.2f} s{share}), peak {run['peak_mb']:.0f} MB, "
              f"issue {run['issue']} ({run['html_kb']} KB)")
        for stage in run["stages"]:
            print(f"    {stage['name']:<10} {stage['items']:>6} items {stage['wall']:7.2f} s  CPU {stage['cpu']:7.2f} s")
        outside = run["outside_stages"]
        print(f"    {'outside':<10} {'':>6}       {outside['wall']:7.2f} s  CPU {outside['cpu']:7.2f} s  "
              "(start, imports, config, store)")
    return 0 if all(r["issue"] for r in report["runs"]) else 1


def bench(args: argparse.Namespace, work: Path) -> dict:
    folder = work / "corpus"
    started = time.perf_counter()
    stories = corpus.build(args.data, folder, args.articles, args.mix, args.seed)
    report = {"articles": args.articles, "mix": args.mix, "seed": args.seed, "stories": stories,
              "corpus_seconds": round(time.perf_counter() - started, 2), "load_average": os.getloadavg(),
              "cores": os.cpu_count(), "floor": floor(folder), "runs": []}
    config = write_config(work)
    compile_digest()
    report["bytecode"] = "digest compiled into its __pycache__ before the first run"
    report["runs"].append(with_rates(run_digest(config, work, "first"), args.articles, report["floor"]) | {
        "articles": args.articles})
    if args.rerun:
        added = max(1, round(args.articles * args.rerun))
        corpus.build(args.data, folder, added, args.mix, args.seed, prefix="new-")
        rerun = with_rates(run_digest(config, work, "rerun"), args.articles + added, report["floor"])
        first = report["runs"][0]
        rerun |= {"articles": args.articles + added, "share_of_first": round(rerun["wall"] / first["wall"], 3),
                  "cpu_share_of_first": round(rerun["cpu"] / first["cpu"], 3) if first["cpu"] else None}
        report["runs"].append(rerun)
    report["load_average_after"] = os.getloadavg()
    return report


if __name__ == "__main__":
    sys.exit(main())
