"""``deploy/kubernetes/``: Zero to JupyterHub values and the single-user Dockerfile, written by
``shine hub kubernetes`` from the hub's settings and roster. No cluster: the committed files must
be what the command writes now, the values must pass the chart's own schema (merged over the
chart's defaults, as ``helm install`` checks them) and carry the tested hub's settings, and the
image must install from the lock."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import yaml

from shine.cli import main as shine_main
from shine.hub.config import singleuser_args
from shine.hub.kubernetes import STORE_SECRET, kubernetes_settings, render, wheel_name
from shine.hub.roster import Roster

REPO_ROOT = Path(__file__).resolve().parent.parent
KUBE = REPO_ROOT / "deploy" / "kubernetes"
EXAMPLE_ROSTER = REPO_ROOT / "deploy" / "hub" / "roster.example.yaml"


def _load(path: Path):
    return yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _merge(base: dict, over: dict) -> dict:
    """Helm's merge of user values over a chart's defaults."""
    out = copy.deepcopy(base)
    for key, value in over.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def test_the_committed_files_are_what_shine_hub_kubernetes_writes(tmp_path, monkeypatch):
    for name in [n for n in __import__("os").environ if n.startswith("SHINE_")]:
        monkeypatch.delenv(name)
    assert shine_main(["hub", "kubernetes", "--out", str(tmp_path), "--roster", str(EXAMPLE_ROSTER)]) == 0
    for name in ("values.yaml", "Dockerfile"):
        assert (tmp_path / name).read_text(encoding="utf-8") == (KUBE / name).read_text(encoding="utf-8"), (
            f"deploy/kubernetes/{name} is stale: run shine hub kubernetes --roster deploy/hub/roster.example.yaml")
    assert render({}, EXAMPLE_ROSTER)["values.yaml"] == (KUBE / "values.yaml").read_text(encoding="utf-8")


def test_the_values_pass_zero_to_jupyterhubs_schema_and_carry_the_hubs_settings():
    import jsonschema

    ours = _load(KUBE / "values.yaml")
    defaults, schema = _load(KUBE / "z2jh" / "values.yaml"), _load(KUBE / "z2jh" / "values.schema.yaml")
    validator = jsonschema.Draft7Validator(schema)  # the schema's own $schema
    errors = [f"{'.'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in validator.iter_errors(
        _merge(defaults, ours))]
    assert errors == []  # unknown keys are refused too (additionalProperties: false)
    bad = _merge(defaults, {"singleuser": {"defaultURL": "/lab"}})  # a misspelt key fails, so the check bites
    assert next(validator.iter_errors(bad), None) is not None

    settings = kubernetes_settings({})  # the tested hub's defaults
    config = ours["hub"]["config"]
    assert config["KubeSpawner"]["args"] == singleuser_args(settings)  # no code, no tracebacks, kernels culled
    assert "--VoilaConfiguration.strip_sources=True" in config["KubeSpawner"]["args"]
    assert ours["singleuser"]["cmd"] == ["python", "-m", "shine.hub.singleuser"]
    assert ours["singleuser"]["defaultUrl"] == settings.default_url == "/lab"
    assert (ours["cull"]["timeout"], ours["cull"]["every"]) == (settings.cull_timeout, settings.cull_every) == (3600, 300)
    assert ours["cull"]["users"] is False  # a culled participant keeps their account
    roster = Roster.load(EXAMPLE_ROSTER)
    assert config["JupyterHub"]["load_groups"] == {g: {"users": m} for g, m in roster.groups().items()}
    assert set(config["Authenticator"]["allowed_users"]) == roster.users
    assert config["Authenticator"]["admin_users"] == roster.admins
    name, key = STORE_SECRET  # the store's URL is a reference to a Secret, never in the file
    assert ours["singleuser"]["extraEnv"]["SHINE_DB_URL"] == {"valueFrom": {"secretKeyRef": {"name": name, "key": key}}}
    text = (KUBE / "values.yaml").read_text(encoding="utf-8")
    assert not re.search(r"postgresql\S*://[^@\s]*:[^@\s]*@", text)  # no password in any URL
    [init] = ours["hub"]["initContainers"]
    assert "prepare_store" in " ".join(init["command"]) and init["image"].startswith(ours["singleuser"]["image"]["name"])

    other = render({"SHINE_HUB_CULL_TIMEOUT": "900", "SHINE_HUB_DEFAULT_URL": "/voila/render/modules"}, None)
    changed = yaml.safe_load(other["values.yaml"])
    assert changed["cull"]["timeout"] == 900 and changed["singleuser"]["defaultUrl"] == "/voila/render/modules"
    assert changed["hub"]["config"]["Authenticator"] == {"allow_all": True}  # no roster: an admin approves each


def test_the_image_installs_the_wheel_with_the_lock_as_make_does():
    dockerfile = (KUBE / "Dockerfile").read_text(encoding="utf-8")
    assert "COPY requirements/lock.txt /opt/time-to-shine/lock.txt" in dockerfile
    install = re.search(r"pip install[^\n]*\\\n\s*(.*)", dockerfile).group(1)
    assert "-c /opt/time-to-shine/lock.txt" in install and f"{wheel_name()}[hub]" in install
    makefile = (REPO_ROOT / "Makefile").read_text(encoding="utf-8")
    assert "-c $(LOCK)" in makefile and "LOCK   := requirements/lock.txt" in makefile  # the same lock, the same way
    version = re.search(r'^version = "([^"]+)"', (REPO_ROOT / "pyproject.toml").read_text(), re.M).group(1)
    assert wheel_name() == f"time_to_shine-{version}-py3-none-any.whl"
    python = re.search(r"^FROM python:(\d+\.\d+)", dockerfile, re.M).group(1)
    assert f"with Python {python}\n" in (REPO_ROOT / "requirements" / "lock.txt").read_text()[:600]  # the lock's Python
    assert re.search(r'^CMD \["python", "-m", "shine.hub.singleuser"\]', dockerfile, re.M)
