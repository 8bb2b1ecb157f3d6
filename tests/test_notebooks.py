"""Every notebook of the curriculum runs top to bottom, and is committed clean."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from shine import content

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("modules", "facilitator", "exercises/source")
CELL_TIMEOUT_S = 120


def all_notebooks() -> list[Path]:
    found = []
    for folder in FOLDERS:
        found += [p for p in sorted((ROOT / folder).rglob("*.ipynb")) if ".ipynb_checkpoints" not in p.parts]
    return found


def committed_notebooks() -> list[Path]:
    out = subprocess.run(["git", "ls-files", "*.ipynb"], cwd=ROOT, capture_output=True, text=True)
    if out.returncode != 0:
        return all_notebooks()
    return [ROOT / line for line in out.stdout.split()]


NOTEBOOKS = all_notebooks()


def test_there_are_notebooks_to_run():
    assert ROOT.joinpath("modules", "00-welcome.ipynb") in NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_notebook_runs_top_to_bottom(path, tmp_path, monkeypatch):
    monkeypatch.setenv("SHINE_HOME", str(tmp_path / "home"))  # never touch a real database
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=CELL_TIMEOUT_S, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    try:
        client.execute()
    except CellExecutionError as exc:
        pytest.fail(f"{path.relative_to(ROOT)} failed:\n{exc}", pytrace=False)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors


def test_committed_notebooks_have_no_outputs_or_execution_counts():
    dirty = []
    for path in committed_notebooks():
        try:
            nb = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            dirty.append(f"{path.relative_to(ROOT)}: not a readable notebook ({exc})")
            continue
        for i, cell in enumerate(nb.get("cells", [])):
            if cell.get("outputs") or cell.get("execution_count") is not None:
                dirty.append(f"{path.relative_to(ROOT)}: cell {i} has outputs or an execution count")
                break
    assert not dirty, ("Clear outputs before committing (jupyter nbconvert --clear-output --inplace FILE):\n"
                       + "\n".join(dirty))


def test_every_module_notebook_opens_with_its_header():
    headers = {m.notebook: m for m in content.items("module")}
    for path in sorted((ROOT / "modules").glob("*.ipynb")):
        rel = str(path.relative_to(ROOT))
        assert rel in headers, f"{rel} has no entry in modules.yaml"
        nb = nbformat.read(path, as_version=4)
        code = [c.source for c in nb.cells if c.cell_type == "code"]
        assert f'ModuleHeader("{headers[rel].id}")' in code[0], f"{rel} must open with its ModuleHeader"
        assert f'KeyPoints("{headers[rel].id}")' in "\n".join(code), f"{rel} must end with its KeyPoints"


def test_notebook_cells_call_the_library_rather_than_hold_logic():
    """Logic lives in shine; a code cell is a few lines that import and show a component."""
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                lines = [ln for ln in cell.source.splitlines() if ln.strip() and not ln.strip().startswith("#")]
                assert len(lines) <= 12, f"{path.name}: a cell of {len(lines)} lines belongs in shine"
                assert not any(ln.lstrip().startswith(("def ", "class ")) for ln in lines), path.name
