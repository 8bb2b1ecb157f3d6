"""environment.yml (conda) must list what pyproject.toml lists, with the same specifiers.

Compared: pyproject's ``dependencies`` plus the extras in EXTRAS, against
environment.yml's conda dependencies.  Names are compared PEP 503-normalised
with extras stripped; CONDA_ALIASES maps the conda-forge names that differ
from the PyPI ones.  Specifiers are compared as packaging SpecifierSets, so
order and spacing do not matter, but the versions do.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name

REPO_ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = REPO_ROOT / "pyproject.toml"
ENVIRONMENT_YML = REPO_ROOT / "environment.yml"

# Extras that environment.yml installs alongside the runtime dependencies.
EXTRAS = ("test", "postgres", "hub")

# conda-forge name -> PyPI name, where they differ beyond PEP 503 normalisation.
CONDA_ALIASES = {
    "playwright-python": "playwright",
    "matplotlib-base": "matplotlib",
}

# Conda entries that are not Python packages of ours; `python` is checked
# against requires-python instead.
CONDA_TOOLING = {"python", "pip"}

Specs = dict[str, SpecifierSet]


def pyproject_requirements(pyproject: dict) -> Specs:
    project = pyproject["project"]
    own_name = canonicalize_name(project["name"])
    optional = project.get("optional-dependencies", {})
    lines = list(project.get("dependencies", []))
    for extra in EXTRAS:
        lines += optional.get(extra, [])

    specs: Specs = {}
    for line in lines:
        req = Requirement(line)
        name = canonicalize_name(req.name)
        if name == own_name:
            # e.g. "time-to-shine[postgres]" inside the test extra: the extras
            # it pulls in must be compared too, or they would be missed.
            not_covered = set(req.extras) - set(EXTRAS)
            assert not not_covered, (
                f"pyproject.toml refers to its own extra(s) {sorted(not_covered)}; "
                f"add them to EXTRAS in {Path(__file__).name} and to environment.yml"
            )
            continue
        specs[name] = specs[name] & req.specifier if name in specs else req.specifier
    return specs


_CONDA_ENTRY = re.compile(r"^\s*(?:[\w.-]+::)?([A-Za-z0-9_.-]+)\s*(.*?)\s*$")


def conda_requirements(environment: dict) -> tuple[Specs, Specs, list]:
    """(packages, tooling such as python/pip, pip-section entries)."""
    packages: Specs = {}
    tooling: Specs = {}
    pip_section: list = []
    for entry in environment.get("dependencies", []):
        if isinstance(entry, dict):
            pip_section += entry.get("pip", [])
            continue
        match = _CONDA_ENTRY.match(str(entry))
        if not match:
            raise ValueError(f"environment.yml: cannot parse dependency {entry!r}")
        conda_name, spec_text = match.groups()
        try:
            spec = SpecifierSet(spec_text.replace(" ", ""))
        except InvalidSpecifier:
            raise ValueError(
                f"environment.yml: {entry!r}: write version constraints PEP 440-style "
                f"(e.g. '>=1.2,<2'), which conda also accepts, so they can be compared "
                f"with pyproject.toml"
            ) from None
        conda_name = conda_name.lower()
        if conda_name in CONDA_TOOLING:
            tooling[conda_name] = spec
            continue
        name = canonicalize_name(CONDA_ALIASES.get(conda_name, conda_name))
        packages[name] = packages[name] & spec if name in packages else spec
    return packages, tooling, pip_section


def compare(pyproject_specs: Specs, conda_specs: Specs) -> list[str]:
    """One human-readable line per disagreement; empty when they agree."""
    def show(spec: SpecifierSet) -> str:
        return str(spec) or "(any version)"

    problems = []
    for name in sorted(pyproject_specs.keys() - conda_specs.keys()):
        problems.append(
            f"{name}: in pyproject.toml ({show(pyproject_specs[name])}) but missing from environment.yml"
        )
    for name in sorted(conda_specs.keys() - pyproject_specs.keys()):
        problems.append(
            f"{name}: in environment.yml ({show(conda_specs[name])}) but not in pyproject.toml "
            f"(dependencies or extras {', '.join(EXTRAS)})"
        )
    for name in sorted(pyproject_specs.keys() & conda_specs.keys()):
        if pyproject_specs[name] != conda_specs[name]:
            problems.append(
                f"{name}: pyproject.toml says {show(pyproject_specs[name])}, "
                f"environment.yml says {show(conda_specs[name])}"
            )
    return problems


def check_files(pyproject_path: Path, environment_path: Path) -> list[str]:
    pyproject = tomllib.loads(pyproject_path.read_text(encoding="utf-8"))
    environment = yaml.safe_load(environment_path.read_text(encoding="utf-8"))
    conda_specs, tooling, _ = conda_requirements(environment)
    problems = compare(pyproject_requirements(pyproject), conda_specs)

    requires_python = SpecifierSet(pyproject["project"].get("requires-python", ""))
    if "python" not in tooling:
        problems.append(f"python: missing from environment.yml (pyproject requires-python {requires_python})")
    elif tooling["python"] != requires_python:
        problems.append(
            f"python: pyproject.toml requires-python is {requires_python}, "
            f"environment.yml says {tooling['python'] or '(any version)'}"
        )
    return problems


def _report(problems: list[str]) -> str:
    return "environment.yml and pyproject.toml disagree:\n  " + "\n  ".join(problems)


# --------------------------------------------------------------------------


def test_environment_yml_matches_pyproject():
    problems = check_files(PYPROJECT, ENVIRONMENT_YML)
    assert not problems, _report(problems)


def test_environment_yml_installs_the_project_itself():
    environment = yaml.safe_load(ENVIRONMENT_YML.read_text(encoding="utf-8"))
    _, tooling, pip_section = conda_requirements(environment)
    assert environment.get("name") == "time-to-shine"
    assert environment.get("channels") == ["conda-forge"]
    assert "pip" in tooling, "environment.yml needs `pip` for its pip: section"
    assert "-e ." in pip_section, "environment.yml's pip: section must install the package (-e .)"


def test_comparison_reports_every_disagreement(tmp_path):
    """The check must fail on real disagreements, or it proves nothing."""
    pyproject_text = PYPROJECT.read_text(encoding="utf-8")
    environment = yaml.safe_load(ENVIRONMENT_YML.read_text(encoding="utf-8"))

    # Whatever the unmodified copies already report is the baseline (normally
    # nothing; test_environment_yml_matches_pyproject reports it), so only the
    # problems the edits below introduce are looked at.
    (tmp_path / "pyproject.toml").write_text(pyproject_text, encoding="utf-8")
    (tmp_path / "environment.yml").write_text(yaml.safe_dump(environment), encoding="utf-8")
    baseline = set(check_files(tmp_path / "pyproject.toml", tmp_path / "environment.yml"))

    # 1. A package only in pyproject.toml.
    assert "dependencies = [\n" in pyproject_text
    edited_pyproject = pyproject_text.replace("dependencies = [\n", 'dependencies = [\n    "Requests>=2.31",\n', 1)
    # 2. A package dropped from environment.yml; 3. a specifier changed there;
    # 4. a package only in environment.yml; 5. python changed.
    deps = environment["dependencies"]
    dropped = [d for d in deps if isinstance(d, str) and d.startswith("alembic")]
    assert dropped, "test assumes environment.yml lists alembic"
    edited = []
    for d in deps:
        if d in dropped:
            continue
        if isinstance(d, str) and d.startswith("pydantic"):
            d = "pydantic>=2.5,<3"
        if isinstance(d, str) and d.startswith("python>="):
            d = "python>=3.10"
        edited.append(d)
    edited.insert(0, "rich>=13")
    environment["dependencies"] = edited

    (tmp_path / "pyproject.toml").write_text(edited_pyproject, encoding="utf-8")
    (tmp_path / "environment.yml").write_text(yaml.safe_dump(environment), encoding="utf-8")
    problems = [p for p in check_files(tmp_path / "pyproject.toml", tmp_path / "environment.yml") if p not in baseline]
    text = "\n".join(problems)

    assert "requests: in pyproject.toml (>=2.31) but missing from environment.yml" in text
    assert "alembic: in pyproject.toml (>=1.13) but missing from environment.yml" in text
    assert "pydantic: pyproject.toml says <3,>=2.6, environment.yml says <3,>=2.5" in text
    assert "rich: in environment.yml (>=13) but not in pyproject.toml" in text
    assert "python: pyproject.toml requires-python is >=3.11, environment.yml says >=3.10" in text
    assert len(problems) == 5, text


def test_names_and_specifiers_are_normalised():
    # Case, separators, extras, spec order and spacing must not matter.
    pyproject = {
        "project": {
            "name": "time-to-shine",
            "dependencies": ["PyYAML>=6.0", "Python_Docx >= 1.1", "psycopg[binary]>=3.1,<4"],
            "optional-dependencies": {"test": ["time-to-shine[postgres]", "playwright>=1.44"], "postgres": []},
        }
    }
    environment = {"dependencies": ["pyyaml >=6.0", "python-docx>=1.1", "psycopg <4, >=3.1", "conda-forge::playwright-python>=1.44"]}
    conda_specs, _, _ = conda_requirements(environment)
    assert compare(pyproject_requirements(pyproject), conda_specs) == []


def test_conda_only_version_syntax_is_rejected_clearly():
    with pytest.raises(ValueError, match="PEP 440-style"):
        conda_requirements({"dependencies": ["voila=0.5"]})


def test_pip_check_is_clean():
    result = subprocess.run(
        [sys.executable, "-m", "pip", "check"], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, f"pip check found broken requirements:\n{result.stdout}{result.stderr}"


# --- the lock -------------------------------------------------------------------------------

LOCK = REPO_ROOT / "requirements" / "lock.txt"
_PIN = re.compile(r"^([A-Za-z0-9_.-]+)==([^\s;#]+)", re.MULTILINE)


def lock_pins(text: str) -> dict[str, str]:
    return {canonicalize_name(name): version for name, version in _PIN.findall(text)}


def lock_problems(pyproject_specs: Specs, pins: dict[str, str]) -> list[str]:
    problems = [f"{name}: in pyproject.toml but not pinned in requirements/lock.txt"
                for name in sorted(pyproject_specs.keys() - pins.keys())]
    problems += [f"{name}: the lock pins {pins[name]}, which pyproject.toml's {spec} does not allow"
                 for name, spec in sorted(pyproject_specs.items())
                 if name in pins and not spec.contains(pins[name], prereleases=True)]
    return problems


def test_the_lock_pins_every_dependency_within_its_range():
    """A dependency added to pyproject.toml without `make upgrade-deps` would install unpinned."""
    pyproject = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    problems = lock_problems(pyproject_requirements(pyproject), lock_pins(LOCK.read_text(encoding="utf-8")))
    assert not problems, "Run `make upgrade-deps`:\n  " + "\n  ".join(problems)


def test_the_lock_check_reports_a_missing_pin_and_a_pin_out_of_range():
    pins = lock_pins(LOCK.read_text(encoding="utf-8"))
    specs = {"voila": SpecifierSet(">=0.6"), "weasyprint": SpecifierSet(">=60")}
    problems = "\n".join(lock_problems(specs, pins))
    assert "weasyprint: in pyproject.toml but not pinned" in problems
    assert f"voila: the lock pins {pins['voila']}" in problems
