"""What the code imports is declared: a plain `pip install .` (no extra packages pulled in by a pip
upgrade) can read HTML. Checked against the venv's installed metadata, offline."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
import tomllib
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("newsdesk", "ingest", "assistant", "ui")


def declared_closure() -> set[str]:
    """Every distribution a plain install of the project brings: its dependencies and theirs, with extras."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    todo = [(Requirement(r), "") for r in project["dependencies"]]
    seen: set[tuple[str, str]] = set()
    names: set[str] = set()
    while todo:
        req, extra = todo.pop()
        if req.marker and not _marker_holds(req, extra):
            continue
        name = canonicalize_name(req.name)
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            names.add(name)
            continue
        # an extra counts only when spelled as the package spells it: pip before 23.3 does not normalise
        # extra names (PEP 685), so justext's "lxml[html_clean]" brings nothing from lxml's "html-clean"
        provided = set(dist.metadata.get_all("Provides-Extra") or [])
        for wanted in ("", *sorted(e for e in req.extras if e in provided)):
            if (name, wanted) in seen:
                continue
            seen.add((name, wanted))
            names.add(name)
            todo.extend((Requirement(r), wanted) for r in dist.requires or [])
    return names


def _marker_holds(req: Requirement, extra: str) -> bool:
    """The requirement's marker for this environment, its `extra == "..."` compared literally."""
    marker = str(req.marker)
    if "extra" in marker:
        if not extra or f'extra == "{extra}"' not in marker:
            return False
        marker = marker.replace(f'extra == "{extra}"', 'python_version >= "3"')
    from packaging.markers import Marker

    return Marker(marker).evaluate()


def optional_extras() -> set[str]:
    """Distributions of the project's optional runtime extras (e.g. newsdesk[gguf]); dev is not one."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project.get("optional-dependencies", {})
    return {canonicalize_name(Requirement(r).name) for k, rs in extras.items() if k != "dev" for r in rs}


def test_every_import_of_the_code_is_a_declared_distribution():
    providers = metadata.packages_distributions()
    closure = declared_closure() | optional_extras()  # an extra's package is imported only by its engine
    missing = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                mods = [a.name for a in node.names] if isinstance(node, ast.Import) else []
                if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    mods = [node.module]
                for mod in mods:
                    top = mod.split(".")[0]
                    if top in sys.stdlib_module_names or top in PACKAGES:
                        continue
                    dists = {canonicalize_name(d) for d in providers.get(top, [top])}
                    if not dists & closure:
                        missing[top] = str(path.relative_to(ROOT))
    assert not missing, (
        f"imported but not declared in pyproject.toml (directly or through a dependency): {missing}"
    )


@pytest.mark.slow
def test_html_parses_with_only_the_declared_distributions(tmp_path):
    """A site folder holding only what a plain install brings; a -S interpreter parses an HTML page with it."""
    site = tmp_path / "site"
    site.mkdir()
    for name in declared_closure():
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        base = Path(dist.locate_file(""))
        for top in {f.parts[0] for f in dist.files or [] if f.parts and f.parts[0] != ".."}:
            if (base / top).exists() and not (site / top).exists():
                (site / top).symlink_to(base / top)
    code = (
        "import json, sys; from ingest.parse import parse_file; "
        "p = parse_file(sys.argv[1]); print(json.dumps([a.title for a in p.articles]))"
    )
    html = ROOT / "tests" / "fixtures" / "parse" / "article.html"
    got = subprocess.run(
        [sys.executable, "-S", "-c", code, str(html)],
        env={"PYTHONPATH": f"{site}:{ROOT}", "PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert got.returncode == 0, got.stderr[-2000:]
    assert json.loads(got.stdout.strip().splitlines()[-1]), got.stdout
