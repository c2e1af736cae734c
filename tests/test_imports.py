"""Imports flow one way, including imports inside functions.

Every module of the package is parsed (not imported) and each ``import`` or
``from ... import`` anywhere in it, at the top or inside a function, is an edge
from its layer to another. The rules:

- ``results/`` imports nothing of ours outside ``results/``;
- computation (``sections/``, ``explain/``, ``fairness/``, the context, model,
  data, metrics, bootstrap, artifacts, lineage) never imports ``render/``,
  ``plots/`` or ``cli/``;
- ``render/`` and ``plots/`` never import computation, the audit, the policy or
  ``cli/``;
- a private module (``pkg/_x.py``) is imported only from inside ``pkg``, and a
  private name (``_x``) never from another module;
- one CLI command never imports another (they share ``cli/_errors`` and friends);
- no import cycle between subpackages.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "auditor"

COMPUTATION = {
    "auditor.sections", "auditor.explain", "auditor.fairness", "auditor.context", "auditor.model", "auditor.data",
    "auditor.metrics", "auditor.bootstrap", "auditor.artifacts", "auditor.lineage",
}
VIEWS = {"auditor.render", "auditor.plots"}
CLI_COMMANDS = {"auditor.cli._run", "auditor.cli._render", "auditor.cli._diff", "auditor.cli._demo"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _is_package(path: Path) -> bool:
    return path.name == "__init__.py"


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str, path: Path) -> list[tuple[str, tuple[str, ...], int]]:
    """(imported module, names imported from it, line) for every import in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = name if _is_package(path) else name.rpartition(".")[0]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, (), node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            out.append((target, tuple(a.name for a in node.names), node.lineno))
    return [(t, n, line) for t, n, line in out if t == "auditor" or t.startswith("auditor.")]


def _layer(module: str) -> str:
    """The top-level unit a module belongs to: a subpackage or a root module."""
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 1 else module


def _in(module: str, prefixes: set[str]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def _edges():
    mods = _modules()
    for name, path in mods.items():
        for target, names, line in _imports(name, path):
            # "from auditor.x import y" may import the module auditor.x.y
            targets = [target] + [f"{target}.{n}" for n in names if f"{target}.{n}" in mods]
            yield name, target, names, line, targets


def _violations() -> list[str]:
    mods = _modules()
    bad = []
    for src, target, names, line, targets in _edges():
        where = f"{src} (line {line}) imports {target}" + (f" [{', '.join(names)}]" if names else "")
        if src == "auditor":
            continue  # the package's front door composes everything
        for t in targets:
            if _in(src, {"auditor.results"}) and not _in(t, {"auditor.results"}):
                bad.append(f"{where}: results/ imports nothing of ours outside results/")
            if _in(src, COMPUTATION) and _in(t, VIEWS | {"auditor.cli"}):
                bad.append(f"{where}: computation never imports render/, plots/ or cli/")
            if _in(src, VIEWS) and (_in(t, COMPUTATION | {"auditor.cli", "auditor.policy", "auditor.auditor"})):
                bad.append(f"{where}: render/ and plots/ never import computation, the policy or cli/")
            if src in CLI_COMMANDS and t in CLI_COMMANDS and t != src:
                bad.append(f"{where}: a CLI command never imports another command")
            # a private module is reachable only from inside its own package
            parts = t.split(".")
            for i, part in enumerate(parts):
                if part.startswith("_") and not part.startswith("__"):
                    owner = ".".join(parts[:i])
                    if not (src == owner or src.startswith(owner + ".")):
                        bad.append(f"{where}: private module {'.'.join(parts[: i + 1])} used outside {owner}")
                    break
        private = [n for n in names if n.startswith("_") and not n.startswith("__") and f"{target}.{n}" not in mods]
        if private:
            bad.append(f"{where}: private name(s) {private} imported from another module")
    return sorted(set(bad))


def test_no_forbidden_import_edge():
    assert _violations() == []


def test_no_import_cycle_between_subpackages():
    graph: dict[str, set[str]] = {}
    for src, _, _, _, targets in _edges():
        if src == "auditor":
            continue
        for t in targets:
            a, b = _layer(src), _layer(t)
            if a != b and b != "auditor":
                graph.setdefault(a, set()).add(b)
    cycles = []
    state: dict[str, int] = {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt):] + [nxt] if nxt in stack else [node, nxt])
            elif nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert cycles == []


def test_the_checker_sees_imports_inside_functions(tmp_path):
    # guard against a walker that only reads top-level imports
    src = "def f():\n    from auditor.render import render_html\n    import auditor.cli\n"
    path = tmp_path / "m.py"
    path.write_text(src)
    found = [t for t, _, _ in _imports("auditor.sections.m", path)]
    assert found == ["auditor.render", "auditor.cli"]


@pytest.mark.parametrize("module", ["auditor.results", "auditor.sections", "auditor.policy"])
def test_layers_import_without_the_renderer(module):
    import subprocess
    import sys

    code = (
        f"import sys; import {module}; "
        "bad = [m for m in ('jinja2', 'matplotlib', 'weasyprint', 'auditor.render', 'auditor.plots') if m in sys.modules]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_package_imports_without_dask():
    # the Dask engine is an optional extra: nothing imports dask until a Dask frame is audited
    import subprocess
    import sys

    code = "import sys; import auditor, auditor.cli, auditor.engine; sys.exit(1 if 'dask' in sys.modules else 0)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
