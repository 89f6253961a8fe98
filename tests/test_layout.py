"""The package layout: no import loops, arrows pointing down the pipeline, a light CLI."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "digest"
FLOOR = {"models", "errors", "weeks", "text", "files", "lock", "checkpoint", "tables"}  # the floor: imports only the floor
STAGES = ["sources", "stories", "summary", "facts", "email", "mail"]  # pipeline order
CONFIG_MAY_IMPORT = FLOOR | {"email.style", "runs.schedule"}  # the house style's settings; cron checks
HEAVY = ("sumy", "nltk", "scipy", "numpy", "datasketch", "trafilatura", "httpx", "mjml", "feedparser", "pysbd", "nupunkt")


def _name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every digest module ``path`` imports, at any depth of the file (lazy imports count too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "digest"}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] == "digest":
            for alias in node.names:  # "from digest.facts import claims" imports the module digest.facts.claims
                candidate = f"{node.module}.{alias.name}"
                found.add(candidate if _module_path(candidate) else node.module)
    return found - {"digest"}


def _module_path(name: str) -> Path | None:
    base = PACKAGE.parent / name.replace(".", "/")
    return next((p for p in (base.with_suffix(".py"), base / "__init__.py") if p.is_file()), None)


GRAPH = {_name(p): _imports(p) for p in PACKAGE.rglob("*.py")}


def _top(name: str) -> str:
    """"digest.facts.claims" -> "facts"; "digest.email.style" stays whole where a rule names it."""
    rest = name.removeprefix("digest.")
    return rest if rest in CONFIG_MAY_IMPORT else rest.split(".")[0]


def test_every_module_is_read():
    assert {"digest.cli", "digest.pipeline", "digest.facts.claims", "digest.text.sentences"} <= GRAPH.keys()
    assert all(GRAPH[m] for m in ("digest.cli", "digest.pipeline")), "the graph reads imports"


def test_no_import_cycle():
    state: dict[str, int] = {}  # 1 visiting, 2 done

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(GRAPH.get(module, ())):
            if state.get(target) == 1:
                cycle = path[path.index(target):] + [target] if target in path else [module, target]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if target not in state:
                visit(target, [*path, target])
        state[module] = 2

    for module in sorted(GRAPH):
        if module not in state:
            visit(module, [module])


def test_a_cycle_is_caught(monkeypatch):
    """The check above can fail: a planted loop is reported."""
    monkeypatch.setitem(GRAPH, "digest.facts.names", GRAPH["digest.facts.names"] | {"digest.facts.statements"})
    with pytest.raises(pytest.fail.Exception, match="import cycle"):
        test_no_import_cycle()


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_arrows_point_down(module):
    """The floor imports only the floor; a stage imports the floor, config and earlier stages only."""
    top = _top(module)
    targets = {_top(t) for t in GRAPH[module]} - {top}
    if top in FLOOR:
        allowed = FLOOR
    elif top == "config":
        allowed = CONFIG_MAY_IMPORT
    elif top in STAGES:
        allowed = FLOOR | {"config", "email.style", *STAGES[: STAGES.index(top)]}
    else:  # store, pipeline, commands, cli and __main__ compose the stages
        return
    assert targets <= allowed, f"{module} imports {sorted(targets - allowed)}"


def test_every_package_says_what_comes_in_and_goes_out():
    for init in PACKAGE.glob("*/__init__.py"):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and len(doc) > 80, f"{init} needs a docstring saying what comes in and what goes out"


def test_the_cli_loads_no_heavy_library():
    """``digest --help`` and usage errors answer at once: nothing heavy is imported with the CLI."""
    code = f"import sys, digest.cli; print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "[]"
