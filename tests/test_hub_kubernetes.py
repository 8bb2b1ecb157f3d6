"""``deploy/kubernetes/``: Zero to JupyterHub values and the single-user Dockerfile, written by
``shine hub kubernetes`` from the hub's settings and roster. No cluster: the committed files must
be what the command writes now, the values must pass the chart's own schema (merged over the
chart's defaults, as ``helm install`` checks them) and carry the tested hub's settings, and the
image must install from the lock."""

from __future__ import annotations

import copy
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import yaml

from shine.cli import main as shine_main
from shine.hub.config import singleuser_args
from shine.hub.kubernetes import (ROLES_SECRET, ROSTER_ENV, STORE_SECRET, STORE_URL_CONFIG, kubernetes_settings, render,
                                  values, wheel_name)
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
    # The store's owner URL and the roles' key are references to Secrets, read by the hub pod only:
    # no participant's pod gets the owner's URL (the hub gives each their own role's, below).
    for variable, (name, key) in (("SHINE_DB_URL", STORE_SECRET), ("SHINE_STORE_ROLES_KEY", ROLES_SECRET)):
        assert ours["hub"]["extraEnv"][variable] == {"valueFrom": {"secretKeyRef": {"name": name, "key": key}}}
    assert "SHINE_DB_URL" not in ours["singleuser"].get("extraEnv", {})
    assert ours["hub"]["extraConfig"]["shine-store-url"] == STORE_URL_CONFIG
    text = (KUBE / "values.yaml").read_text(encoding="utf-8")
    assert not re.search(r"postgresql\S*://[^@\s]*:[^@\s]*@", text)  # no password in any URL
    [init] = ours["hub"]["initContainers"]
    command = " ".join(init["command"])
    assert "prepare_store" in command and "shine hub sync-db" in command
    assert init["image"].startswith(ours["singleuser"]["image"]["name"])
    assert {e["name"]: e.get("value") for e in init["env"]}[ROSTER_ENV] == roster.to_yaml()

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


def _hub_store_url(store_url: str, key: str, name: str) -> str:
    """What the chart's hub runs: hub.extraConfig's snippet, with its environment, for ``name``."""
    from types import SimpleNamespace

    from traitlets.config import Config

    c = Config()
    namespace = {"c": c}
    saved = {k: os.environ.get(k) for k in ("SHINE_DB_URL", "SHINE_STORE_ROLES_KEY")}
    os.environ.update(SHINE_DB_URL=store_url, SHINE_STORE_ROLES_KEY=key + "\n")  # a Secret's trailing newline
    try:
        exec(compile(STORE_URL_CONFIG, "hub.extraConfig", "exec"), namespace)
        environment = c.KubeSpawner.environment.get_value({})
        return environment["SHINE_DB_URL"](SimpleNamespace(user=SimpleNamespace(name=name)))
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def test_on_kubernetes_each_pod_gets_its_persons_own_role_and_the_init_container_scopes_the_store(
        postgres_server, tmp_path):
    """The init container's command, run as the container runs it (``sh -c`` with its environment)
    against PostgreSQL: the schema, the roster's memberships, a role per person and row-level
    security. The hub's snippet then gives Ana's pod the URL that ``shine.hub.dbroles`` gives her
    server on one machine, and on it she sees Groton's plan and not Windsor's."""
    import psycopg

    from shine.hub.dbroles import person_url
    from shine.hub.settings import HubSettings
    from shine.store import Scope, Store

    tag = uuid.uuid4().hex[:6]
    ana, ben = f"ana_{tag}", f"ben_{tag}"
    roster = Roster.from_data({"districts": {"Groton": [ana], "Windsor": [ben]},
                               "schools": {"Groton": {"Fitch High School": [ana]},
                                           "Windsor": {"Windsor High School": [ben]}}})
    dbname = f"kube_{tag}"
    with psycopg.connect(postgres_server.conninfo(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{dbname}"')
    try:
        owner_url, key = postgres_server.url(dbname), uuid.uuid4().hex
        [init] = values(kubernetes_settings({}), roster)["hub"]["initContainers"]
        env = {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(tmp_path)}
        for item in init["env"]:  # the Secrets' values, as Kubernetes fills them in
            env[item["name"]] = item.get("value") or {"SHINE_DB_URL": owner_url, "SHINE_STORE_ROLES_KEY": key}[item["name"]]
        env["SHINE_HUB_STATE_DIR"] = str(tmp_path / "state")  # (the container's /tmp is its own)
        env["SHINE_HUB_ROSTER"] = str(tmp_path / "state" / "roster.yaml")
        done = subprocess.run(init["command"], env=env, capture_output=True, text=True, timeout=300, cwd=tmp_path)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "Row-level security is on" in done.stdout

        pod_url = _hub_store_url(owner_url, key, ana)
        settings = HubSettings.from_env({"SHINE_DB_URL": owner_url, "SHINE_HUB_STATE_DIR": str(tmp_path / "state")})
        assert pod_url == person_url(settings, ana)  # one derivation, on one server and on Kubernetes
        with Store(owner_url, scope=Scope.everyone()) as owner:
            fitch, windsor = (owner.teams.ensure(d, s).id for d, s in (("Groton", "Fitch High School"),
                                                                       ("Windsor", "Windsor High School")))
            for team in (fitch, windsor):
                owner.plans.save(team, "2026-2027", {"school_year": "2026-2027", "goals": []})
        with Store(pod_url, scope=Scope.everyone()) as hers:  # her own role: PostgreSQL's policies decide
            assert hers.plans.latest(fitch, "2026-2027") is not None
            assert hers.plans.latest(windsor, "2026-2027") is None
    finally:
        with psycopg.connect(postgres_server.conninfo(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
            for role in (ana, ben, f"{dbname}_people"):
                conn.execute(f'DROP ROLE IF EXISTS "{role}"')
