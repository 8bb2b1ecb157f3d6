"""The programme on a JupyterHub (``deploy/hub/``, ``shine.hub``).

First the settings, the roster and the configuration, checked in this process. Then the whole
thing with real processes, as on a district server: ``jupyterhub -f deploy/hub/jupyterhub_config.py``
with configurable-http-proxy (npm) in front, the hub's database and the shine store in a
throwaway PostgreSQL, two participants of two districts who are real OS users (created here, so
this needs root, as CI has), each logging in through the hub's login form. One opens module 01
in Voila through the proxy in Chromium and uses a widget; files and store rows written as a
participant survive a restart of the hub; the idle culler stops an idle server. Last,
``shine hub demo`` starts and stops cleanly.

The participants' Python: the project's virtualenv is usually made from a Python under root's
home (pyenv), which OS users cannot run. The test lets them through root's home (o+x: through,
not list) for its duration, so every OS user runs the very interpreter and packages the hub runs,
as on a district server (a virtualenv in /opt). Where that is not possible, their servers run on
the machine's own Python of the same version over the same installed packages; a different patch
release can differ (soupsieve on Python 3.11.2 cannot parse the selectors nbconvert's HTML export
uses, so feedback pages fail there).
"""

from __future__ import annotations

import asyncio
import json
import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import pytest
import requests
from traitlets.config import Config

from conftest import free_port, need_system, system_tool
from shine import content
from shine.cli import main as shine_main
from shine.hub import config as hub_config
from shine.hub.courses import grader_account
from shine.hub.demo import stop_hub
from shine.hub.rooms import open_room
from shine.hub.roster import CourseEntry, Roster, RosterError, district_group
from shine.hub.settings import HubSettings, HubSettingsError
from shine.hub.singleuser import link_modules

REPO_ROOT = Path(__file__).resolve().parent.parent
DEPLOYED_CONFIG = REPO_ROOT / "deploy" / "hub" / "jupyterhub_config.py"
STARTUP_S = 240  # the hub starts its services (two formgraders, a room) one after another
SPAWN_S = 150  # two servers starting at once on two busy cores


# --------------------------------------------------------------------------
# Settings, roster, configuration (no processes)
# --------------------------------------------------------------------------


def test_settings_come_from_the_environment_with_a_district_servers_defaults(tmp_path):
    settings = HubSettings.from_env({"SHINE_DB_URL": "postgresql+psycopg://shine:secret@db/shine"})
    assert (settings.port, settings.hub_port, settings.proxy_api_port) == (8000, 8081, 8001)
    assert (settings.auth, settings.spawner, settings.cull_timeout) == ("pam", "local", 3600)
    assert settings.hub_db == "sqlite:////srv/jupyterhub/jupyterhub.sqlite"
    assert (settings.curriculum / "modules" / "01-definition.ipynb").is_file()
    shown = dict(settings.describe())
    assert "secret" not in " ".join(shown.values()) and "shine:***@db/shine" in shown["shine store"]


def test_settings_that_cannot_work_are_all_reported_at_once(tmp_path):
    with pytest.raises(HubSettingsError) as caught:
        HubSettings.from_env({"SHINE_HUB_AUTH": "dummy", "SHINE_HUB_PORT": "80000", "SHINE_HUB_SPAWNER": "docker",
                              "SHINE_CURRICULUM": str(tmp_path)})
    text = "\n".join(caught.value.problems)
    assert "Set SHINE_DB_URL" in text
    assert "SHINE_HUB_AUTH=dummy needs SHINE_HUB_ROSTER" in text  # anyone could log in as any OS user
    assert "SHINE_HUB_PORT='80000'" in text and "SHINE_HUB_SPAWNER='docker'" in text
    assert f"SHINE_CURRICULUM={tmp_path}" in text
    assert len(caught.value.problems) == 5
    with pytest.raises(HubSettingsError, match="at least 8 characters"):
        roster = tmp_path / "roster.yaml"
        roster.write_text("trainers: [maria]\n")
        HubSettings.from_env({"SHINE_DB_URL": "sqlite://", "SHINE_HUB_AUTH": "shared-password",
                              "SHINE_HUB_PASSWORD": "short", "SHINE_HUB_ROSTER": str(roster)})


def test_the_roster_gives_each_person_their_groups():
    roster = Roster.from_data({"admins": ["lead"], "trainers": ["maria"], "state": ["sam"],
                               "districts": {"Groton": ["ana", "maria"], "New London": ["ben"]}})
    assert roster.users == {"lead", "maria", "sam", "ana", "ben"}
    assert roster.groups() == {"trainers": ["maria"], "state": ["sam"], "district-groton": ["ana", "maria"],
                               "district-new-london": ["ben"]}
    assert district_group("New  London") == "district-new-london"
    assert Roster.from_data(yaml_round_trip(roster)).groups() == roster.groups()


def yaml_round_trip(roster: Roster):
    import yaml

    return yaml.safe_load(roster.to_yaml())


def test_a_roster_with_names_no_os_user_can_have_is_refused():
    with pytest.raises(RosterError) as caught:
        Roster.from_data({"trainers": ["Maria López", "root;rm"], "districts": {"Groton": "ana"}, "teachers": []})
    text = " ".join(caught.value.problems)
    assert "'Maria López', 'root;rm' cannot be user names" in text
    assert "Groton must be a list of names" in text
    assert "Unknown entries teachers" in text


def test_the_configuration_sets_up_proxy_spawner_culler_and_groups(tmp_path):
    roster = tmp_path / "roster.yaml"
    roster.write_text("admins: [lead]\ndistricts:\n  Groton: [ana]\n  Windsor: [ben]\n")
    store = tmp_path / "shine.db"
    settings = HubSettings.from_env({
        "SHINE_DB_URL": f"sqlite:///{store}", "SHINE_HUB_AUTH": "dummy", "SHINE_HUB_ROSTER": str(roster),
        "SHINE_HUB_STATE_DIR": str(tmp_path / "state"), "SHINE_HUB_PORT": "9000", "SHINE_HUB_CULL_TIMEOUT": "900",
        "SHINE_HUB_PYTHON": "/opt/time-to-shine/bin/python", "SHINE_HUB_NBGRADER_DIR": str(tmp_path / "nbgrader")})
    c = Config()
    hub_config.configure(c, settings)
    assert store.is_file()  # the store's schema is made before any participant's kernel opens it
    assert c.JupyterHub.bind_url == "http://:9000/"
    assert c.JupyterHub.hub_bind_url.startswith("http://127.0.0.1:")
    assert c.ConfigurableHTTPProxy.command == ["configurable-http-proxy"]
    assert c.JupyterHub.spawner_class == "localprocess" and c.JupyterHub.authenticator_class == "dummy"
    assert c.Authenticator.allowed_users == {"lead", "ana", "ben"} and c.Authenticator.admin_users == {"lead"}
    assert c.JupyterHub.load_groups == {"district-groton": {"users": ["ana"]}, "district-windsor": {"users": ["ben"]}}
    assert c.Spawner.cmd == ["/opt/time-to-shine/bin/python", "-m", "shine.hub.singleuser"]
    assert "--VoilaConfiguration.strip_sources=True" in c.Spawner.args
    assert "--VoilaConfiguration.show_tracebacks=False" in c.Spawner.args
    assert c.Spawner.pre_spawn_hook.func is hub_config.prepare_os_user  # never a server as root
    assert c.Spawner.environment["SHINE_DB_URL"] == f"sqlite:///{store}"
    assert Path(c.Spawner.environment["SHINE_CURRICULUM"]) == settings.curriculum
    [culler] = c.JupyterHub.services
    assert culler["name"] == "idle-culler" and "--timeout=900" in culler["command"]
    role, server_role = c.JupyterHub.load_roles
    assert role["services"] == ["idle-culler"] and "delete:servers" in role["scopes"]
    assert server_role["name"] == "server" and "read:users:groups!user" in server_role["scopes"]
    assert "admin:users" not in role["scopes"]  # a culled participant keeps their account


def test_servers_and_kernels_are_forked_from_the_zygote_unless_turned_off(tmp_path):
    """The hub's own Python and real OS users: servers come from the zygote (shine.hub.zygote), and
    so do their kernels; SHINE_HUB_FORK=0, another Python or the demo: the usual start."""
    roster = tmp_path / "roster.yaml"
    roster.write_text("districts:\n  Groton: [ana]\n")
    env = {"SHINE_DB_URL": f"sqlite:///{tmp_path / 'shine.db'}", "SHINE_HUB_AUTH": "dummy",
           "SHINE_HUB_ROSTER": str(roster), "SHINE_HUB_STATE_DIR": str(tmp_path / "state"),
           "SHINE_HUB_API_PORT": "9081", "SHINE_HUB_NBGRADER_DIR": str(tmp_path / "nbgrader"),
           "SHINE_HUB_DB_URL": "postgresql://hub:hub-secret@127.0.0.1/hub"}
    c = Config()
    hub_config.configure(c, HubSettings.from_env(env))
    assert c.JupyterHub.spawner_class == "shine.hub.spawner.ForkingSpawner"
    assert c.ForkingSpawner.zygote_socket == "/run/shine-hub/hub-9081/zygote.sock"
    assert c.Spawner.environment["SHINE_HUB_ZYGOTE"] == c.ForkingSpawner.zygote_socket
    assert "--KernelProvisionerFactory.default_provisioner_name=shine-hub-fork" in c.Spawner.args
    zygote_env = c.ForkingSpawner.zygote_env  # every child can read it: nothing secret
    assert not any("secret" in value or "SHINE_DB_URL" in name or "HUB_DB" in name for name, value in zygote_env.items())
    for off in ({"SHINE_HUB_FORK": "0"}, {"SHINE_HUB_PYTHON": "/opt/time-to-shine/bin/python"}):
        c = Config()
        hub_config.configure(c, HubSettings.from_env({**env, **off}))
        assert c.JupyterHub.spawner_class == "localprocess" and "SHINE_HUB_ZYGOTE" not in c.Spawner.environment
        assert not any("shine-hub-fork" in arg for arg in c.Spawner.args)


def test_the_hubs_own_python_by_another_name_still_forks_and_another_environment_does_not(tmp_path, monkeypatch):
    """A district server's hub runs ``/opt/time-to-shine/bin/python3`` while the settings name
    ``.../bin/python``: the same interpreter of the same environment, so servers are forked."""
    from dataclasses import replace

    bin_dir, other = tmp_path / "bin", tmp_path / "other-env" / "bin"
    for folder in (bin_dir, other):
        folder.mkdir(parents=True)
    (bin_dir / "python3").symlink_to(sys.executable)
    (bin_dir / "python").symlink_to("python3")
    (other / "python").symlink_to(sys.executable)
    monkeypatch.setattr(sys, "executable", str(bin_dir / "python3"))
    settings = HubSettings(store_url="sqlite://", curriculum=REPO_ROOT, python=str(bin_dir / "python"))
    assert settings.forks
    assert not replace(settings, python=str(other / "python")).forks  # another environment's packages
    assert not replace(settings, python=str(tmp_path / "missing" / "python")).forks
    assert not replace(settings, fork=False).forks and not replace(settings, spawner="demo").forks


def test_courses_and_rooms_of_the_roster_become_services_with_their_own_roles(tmp_path):
    """What the hub reads at its start for nbgrader courses and rooms (the demo's spawner: no OS
    users needed here; the end-to-end test below runs them as their own OS accounts)."""
    from shine.hub.courses import course_dir
    from shine.store import Store

    store = f"sqlite:///{tmp_path / 'shine.db'}"
    with Store(store) as opened:
        code = opened.room.create_workshop("Regional meeting", "regional-meeting").code
    roster = tmp_path / "roster.yaml"
    roster.write_text(Roster(districts={"Groton": ["ana", "carlos"]}, courses={
        "groton-fall": CourseEntry(trainers=["maria"], participants=["ana", "carlos"]),
        "not-made-yet": CourseEntry(trainers=["maria"], participants=["ana"])}, rooms=[code, "NOSUCH"]).to_yaml())
    settings_env = {
        "SHINE_DB_URL": store, "SHINE_HUB_AUTH": "dummy", "SHINE_HUB_ROSTER": str(roster),
        "SHINE_HUB_SPAWNER": "demo", "SHINE_HUB_HOMES": str(tmp_path / "homes"),
        "SHINE_HUB_STATE_DIR": str(tmp_path / "state"), "SHINE_HUB_NBGRADER_DIR": str(tmp_path / "nbgrader")}
    settings = HubSettings.from_env(settings_env)
    course_dir(settings, "groton-fall").mkdir(parents=True)
    (course_dir(settings, "groton-fall") / "nbgrader_config.py").write_text("c = get_config()\n")
    c = Config()
    hub_config.configure(c, settings)
    services = {s["name"]: s for s in c.JupyterHub.services}
    assert set(services) == {"idle-culler", "groton-fall", f"room-{code.lower()}"}  # what is not ready waits
    formgrader = services["groton-fall"]
    assert formgrader["cwd"] == str(course_dir(settings, "groton-fall"))
    assert "jupyterhub.singleuser" in formgrader["command"]
    assert formgrader["url"].startswith("http://127.0.0.1:") and formgrader["oauth_no_confirm"]
    roles = {r["name"]: r for r in c.JupyterHub.load_roles}
    assert roles["formgrade-groton-fall"]["scopes"][0] == "access:services!service=groton-fall"
    assert not any(s.startswith("access:") for s in roles["nbgrader-groton-fall"]["scopes"])  # see, not open
    assert c.JupyterHub.load_groups["nbgrader-groton-fall"] == {"users": ["ana", "carlos"]}
    room = services[f"room-{code.lower()}"]
    assert f"--prefix=/services/room-{code.lower()}/" in room["command"] and "user" not in room  # demo: this user
    assert room["environment"]["SHINE_DB_URL"] == store  # every post goes to the shared store
    assert "SHINE_ROOM_PASS_FILE" not in room["environment"]  # no trainers in this roster: the key only
    shared = Path(c.Spawner.environment["JUPYTER_CONFIG_PATH"])
    assert "JupyterHubAuthPlugin" in (shared / "nbgrader_config.py").read_text()
    assert json.loads((shared / "jupyter_server_config.json").read_text())["ServerApp"]["jpserver_extensions"][
        "nbgrader.server_extensions.formgrader"] is False
    exchange = tmp_path / "nbgrader" / "exchange"
    assert exchange.stat().st_mode & 0o7777 == 0o1777  # everyone writes, nobody removes another's files

    # With trainers in the roster, they open the room's console with their hub login too.
    roster.write_text(Roster(trainers=["maria"], districts={"Groton": ["ana"]}, rooms=[code]).to_yaml())
    c = Config()
    hub_config.configure(c, HubSettings.from_env({**settings_env, "SHINE_HUB_ROSTER": str(roster)}))
    services = {s["name"]: s for s in c.JupyterHub.services}
    trainers, room = services["trainer-console"], services[f"room-{code.lower()}"]
    key = Path(trainers["environment"]["SHINE_ROOM_PASS_FILE"])
    assert room["environment"]["SHINE_ROOM_PASS_FILE"] == str(key) and key.stat().st_mode & 0o777 == 0o600
    assert trainers["environment"]["SHINE_ROOM_CONSOLE"] == "/services/room-{code}/voila/render/console.ipynb"
    roles = {r["name"]: r for r in c.JupyterHub.load_roles}
    assert roles["trainer-console"] == {"name": "trainer-console", "groups": ["trainers"],
                                        "scopes": ["access:services!service=trainer-console"]}


def test_root_writes_no_course_file_through_a_link_the_grader_account_put_there(tmp_path):
    """`shine course init --hub` (root) rewrites files in the grader account's home, which that
    account (a trainer's terminal in the formgrader) can write: a link there is refused."""
    from shine.hub.courses import HubCourseError, refuse_links

    target = tmp_path / "passwd"
    target.write_text("root:x:0:0:root:/root:/bin/bash\n")
    (tmp_path / "nbgrader_config.py").symlink_to(target)
    os.link(target, tmp_path / "hub-roster.csv")
    for name in ("nbgrader_config.py", "hub-roster.csv"):
        with pytest.raises(HubCourseError, match="is a link or not a plain file"):
            refuse_links(tmp_path / name)
    plain = tmp_path / "plain.py"
    plain.write_text("c = get_config()\n")
    refuse_links(plain)  # a plain file of its own, and a name not there yet, are fine
    refuse_links(tmp_path / "not-there-yet.csv")
    assert target.read_text().startswith("root:x:0:0")


def test_a_roster_with_a_course_nobody_grades_or_a_bad_course_id_is_refused():
    with pytest.raises(RosterError) as caught:
        Roster.from_data({"courses": {"Groton Fall": {"trainers": ["maria"]}, "room-101": {"trainers": ["maria"]},
                                      "ok-course": {"participants": ["ana"]}, "odd": {"graders": ["x"]}},
                          "rooms": ["abc!"]})
    text = " ".join(caught.value.problems)
    assert "'Groton Fall' cannot be a course id" in text and "'room-101' cannot be a course id" in text
    assert "Course ok-course has no trainer" in text and "Course odd: give its trainers" in text
    assert "'ABC!' are not workshop join codes" in text


def test_the_deployed_config_file_is_the_one_shine_hub_config_prints(capsys):
    assert shine_main(["hub", "config"]) == 0
    assert capsys.readouterr().out == DEPLOYED_CONFIG.read_text(encoding="utf-8") == hub_config.CONFIG_FILE


def test_shine_hub_config_show_checks_the_settings(monkeypatch, tmp_path, capsys):
    for name in [n for n in os.environ if n.startswith("SHINE_HUB_") or n == "SHINE_DB_URL"]:
        monkeypatch.delenv(name)
    assert shine_main(["hub", "config", "--show"]) == 1
    assert "Set SHINE_DB_URL" in capsys.readouterr().err
    roster = tmp_path / "roster.yaml"
    roster.write_text("districts:\n  Groton: [ana]\n")
    monkeypatch.setenv("SHINE_DB_URL", "postgresql+psycopg://shine:secret@db/shine")
    monkeypatch.setenv("SHINE_HUB_ROSTER", str(roster))
    assert shine_main(["hub", "config", "--show"]) == 0
    out = capsys.readouterr().out
    assert "postgresql+psycopg://shine:***@db/shine" in out and "secret" not in out
    assert "district-groton: ana" in out


def test_shine_hub_room_prints_the_pages_the_key_and_for_trainers_their_login_link(monkeypatch, tmp_path, capsys):
    for name in [n for n in os.environ if n.startswith("SHINE_HUB_") or n == "SHINE_DB_URL"]:
        monkeypatch.delenv(name)
    roster = tmp_path / "roster.yaml"
    roster.write_text("districts:\n  Groton: [ana]\n")
    monkeypatch.setenv("SHINE_DB_URL", f"sqlite:///{tmp_path / 'shine.db'}")
    monkeypatch.setenv("SHINE_HUB_ROSTER", str(roster))
    monkeypatch.setenv("SHINE_HUB_STATE_DIR", str(tmp_path / "state"))
    assert shine_main(["hub", "room", "--name", "Regional meeting"]) == 0
    said = capsys.readouterr().out
    code = re.search(r"join code (\w+)", said).group(1)
    assert f"/services/room-{code.lower()}/voila/render/console.ipynb" in said and "Facilitator key" in said
    assert "trainer-console" not in said  # nobody in the roster's trainers: the key only
    roster.write_text("trainers: [maria]\ndistricts:\n  Groton: [ana]\n")
    assert shine_main(["hub", "room", code]) == 0
    assert f"/services/trainer-console/{code}" in capsys.readouterr().out


def test_a_person_without_an_os_user_gets_one_and_no_server_runs_as_root():
    """SHINE_HUB_CREATE_USERS=1, for logins from OAuth or LTI: the hub makes the OS user. And
    whatever the login, no server runs as root or a system account."""
    from types import SimpleNamespace

    if os.geteuid() != 0:
        need_system("root", "making OS users")
    system_tool("useradd", "the hub makes OS users with it")
    def spawner(name):
        return SimpleNamespace(user=SimpleNamespace(name=name))

    with pytest.raises(ValueError, match="cannot be an OS user name"):
        hub_config.prepare_os_user(spawner("ana@groton.k12.ct.us"), create=True)
    name = f"new-{uuid.uuid4().hex[:8]}"
    try:
        hub_config.prepare_os_user(spawner(name))  # without SHINE_HUB_CREATE_USERS: not made
        with pytest.raises(KeyError):
            pwd.getpwnam(name)
        hub_config.prepare_os_user(spawner(name), create=True)
        made = pwd.getpwnam(name)
        assert Path(made.pw_dir).is_dir() and made.pw_uid >= hub_config.MIN_UID
        hub_config.prepare_os_user(spawner(name), create=True)  # there already: nothing changes
        assert pwd.getpwnam(name) == made
    finally:
        subprocess.run(["userdel", "--remove", name], capture_output=True, timeout=60)
    for system in ("root", "daemon"):
        with pytest.raises(ValueError, match="is a system account"):
            hub_config.prepare_os_user(spawner(system), create=True)


def test_a_participants_home_gets_a_link_to_the_modules_never_over_their_own(tmp_path):
    modules = tmp_path / "curriculum" / "modules"
    modules.mkdir(parents=True)
    home = tmp_path / "home"
    home.mkdir()
    link = link_modules(home, modules)
    assert link == home / "modules" and link.is_symlink() and link.resolve() == modules
    assert link_modules(home, modules) == link  # a second start changes nothing
    moved = tmp_path / "new" / "modules"
    moved.mkdir(parents=True)
    assert link_modules(home, moved).resolve() == moved  # the curriculum moved: the link follows
    other = tmp_path / "other"
    (other / "modules").mkdir(parents=True)
    (other / "modules" / "mine.ipynb").write_text("{}")
    assert link_modules(other, modules) is None
    assert (other / "modules" / "mine.ipynb").is_file() and not (other / "modules").is_symlink()


# --------------------------------------------------------------------------
# shine hub demo
# --------------------------------------------------------------------------


def test_the_demo_hub_says_where_to_log_in_and_stops_cleanly_on_ctrl_c(tmp_path):
    system_tool("configurable-http-proxy", "JupyterHub's proxy, from npm")
    port = free_port()
    databases_before = set(Path("/tmp").glob("shine-hub-pg-*"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SHINE_", "JUPYTER"))}
    env.update(SHINE_HOME=str(tmp_path / "home"), TMPDIR=str(tmp_path), PYTHONUNBUFFERED="1")
    demo = subprocess.Popen([sys.executable, "-m", "shine", "hub", "demo", "--port", str(port)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(demo.stdout), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + STARTUP_S
        while time.monotonic() < deadline and not any("Ctrl-C" in line for line in lines):
            assert demo.poll() is None, "".join(lines)
            time.sleep(0.3)
        said = "".join(lines)
        assert f"Open http://127.0.0.1:{port}/" in said, said
        password = re.search(r"password for everyone: (\S+)", said).group(1)
        [work] = [p for p in tmp_path.iterdir() if p.name.startswith("shine-hub-demo-")]

        session = requests.Session()
        session.get(f"http://127.0.0.1:{port}/hub/login", timeout=30)
        answer = session.post(f"http://127.0.0.1:{port}/hub/login", allow_redirects=False, timeout=30,
                              data={"username": "ana", "password": password, "_xsrf": session.cookies["_xsrf"]})
        assert answer.status_code == 302
        wrong = requests.Session()
        wrong.get(f"http://127.0.0.1:{port}/hub/login", timeout=30)
        refused = wrong.post(f"http://127.0.0.1:{port}/hub/login", allow_redirects=False, timeout=30,
                             data={"username": "ana", "password": "guess", "_xsrf": wrong.cookies["_xsrf"]})
        assert refused.status_code != 302  # one password, and only that one
        session.get(f"http://127.0.0.1:{port}/hub/spawn", timeout=60)
        deadline = time.monotonic() + SPAWN_S  # Ana's server starts, as this user, in the demo's folder
        while time.monotonic() < deadline and not (work / "homes" / "ana" / "modules").is_symlink():
            time.sleep(0.5)
        assert (work / "homes" / "ana" / "modules").is_symlink()
        processes = psutil.Process(demo.pid).children(recursive=True)
        assert any("shine.hub.singleuser" in " ".join(p.cmdline()) for p in processes)
    except BaseException:
        demo.kill()
        raise
    demo.send_signal(signal.SIGINT)  # Ctrl-C
    assert demo.wait(90) == 0, "".join(lines)
    reader.join(10)
    gone, alive = psutil.wait_procs([p for p in processes if p.is_running()], timeout=10)
    assert not alive, alive  # hub, proxy, culler, Ana's server and kernels, PostgreSQL: all stopped
    assert not work.exists()
    assert set(Path("/tmp").glob("shine-hub-pg-*")) <= databases_before  # its PostgreSQL is gone too


# --------------------------------------------------------------------------
# A real hub: OS users, PostgreSQL, configurable-http-proxy
# --------------------------------------------------------------------------


def _reachable_by(user: str, python: str) -> bool:
    probe = subprocess.run(["runuser", "-u", user, "--", python, "-c", "import shine.hub.singleuser, jupyterhub"],
                           capture_output=True, timeout=120, cwd="/")
    return probe.returncode == 0


def _let_others_through(*paths: Path) -> None:
    """A checkout under a private folder (root's home, 0700): let other users pass through its
    parent folders (o+x: through, not list) for the test's duration; the modes come back at exit."""
    import atexit
    import stat

    changed = []
    for path in paths:
        for folder in reversed(Path(path).resolve().parents):
            mode = folder.stat().st_mode
            if not mode & stat.S_IXOTH:
                os.chmod(folder, mode | stat.S_IXOTH)
                changed.append((folder, mode))
    atexit.register(lambda: [os.chmod(folder, stat.S_IMODE(mode)) for folder, mode in reversed(changed)])


def participants_python(base: Path, user: str) -> str:
    """A Python the participants can run, with this project's packages (see the module's doc)."""
    if _reachable_by(user, sys.executable):
        return sys.executable
    if os.geteuid() == 0:  # the project's own interpreter, through its private parent folders
        _let_others_through(Path(sys.executable).resolve(), REPO_ROOT / "widgets", REPO_ROOT / "modules")
        if _reachable_by(user, sys.executable):
            return sys.executable
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    system = next((p for p in (f"/usr/bin/{version}", f"/usr/local/bin/{version}") if os.access(p, os.X_OK)), None)
    if system is None:
        need_system(f"/usr/bin/{version}", "the participants' servers need a Python other users can run")
    env = base / "participants-env"
    site = Path(sys.prefix) / "lib" / version / "site-packages"
    (env / "bin").mkdir(parents=True)
    (env / "lib" / version).mkdir(parents=True)
    (env / "bin" / "python").symlink_to(system)
    (env / "pyvenv.cfg").write_text(f"home = {Path(system).parent}\ninclude-system-site-packages = false\n")
    (env / "lib" / version / "site-packages").symlink_to(site)
    for folder in ("share", "etc"):
        if (Path(sys.prefix) / folder).is_dir():
            (env / folder).symlink_to(Path(sys.prefix) / folder)
    python = str(env / "bin" / "python")
    if not _reachable_by(user, python) and os.geteuid() == 0:
        _let_others_through(site, REPO_ROOT / "widgets", REPO_ROOT / "modules")
    if not _reachable_by(user, python):
        pytest.fail(f"{user} cannot run {python} over {site}: is the checkout readable by other users?",
                    pytrace=False)
    return python


@dataclass
class Hub:
    base: Path
    env: dict[str, str]
    url: str
    token: str
    users: dict[str, str]  # role -> OS user name
    store_url: str
    store_conninfo: str
    proc: subprocess.Popen | None = None
    log: Path | None = None
    starts: int = 0
    tokens: dict[str, str] = field(default_factory=dict)
    courses: dict[str, str] = field(default_factory=dict)  # district -> course id
    room: tuple[str, str] = ("", "")  # the workshop's join code, its facilitator key
    gradebook_conninfo: dict[str, str] = field(default_factory=dict)

    def start(self, **overrides: str) -> None:
        self.starts += 1
        self.log = self.base / f"hub-{self.starts}.log"
        env = dict(self.env, **overrides)
        with self.log.open("w") as out:
            self.proc = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(DEPLOYED_CONFIG)],
                                         cwd=self.base, env=env, stdout=out, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        deadline = time.monotonic() + STARTUP_S
        while time.monotonic() < deadline:
            assert self.proc.poll() is None, f"the hub stopped:\n{self.log_tail()}"
            try:
                if requests.get(self.url + "hub/health", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        pytest.fail(f"the hub did not start in {STARTUP_S} s:\n{self.log_tail()}", pytrace=False)

    def stop(self) -> None:
        if self.proc is not None:
            stop_hub(self.proc)
            self.proc = None

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-4000:] if self.log else ""

    def api(self, method: str, path: str, **kwargs) -> requests.Response:
        return requests.request(method, f"{self.url}hub/api/{path}", timeout=30,
                                headers={"Authorization": f"token {self.token}"}, **kwargs)

    def wait_ready(self, name: str, timeout: float = SPAWN_S) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            server = self.api("GET", f"users/{name}").json().get("servers", {}).get("")
            if server and server.get("ready"):
                return
            time.sleep(0.5)
        pytest.fail(f"{name}'s server was not ready in {timeout} s:\n{self.log_tail()}", pytrace=False)

    def ensure_running(self, name: str) -> None:
        server = self.api("GET", f"users/{name}").json().get("servers", {}).get("")
        if not server:
            started = self.api("POST", f"users/{name}/server")
            assert started.status_code in (201, 202), started.text
        self.wait_ready(name)

    def user_token(self, name: str) -> str:
        if name not in self.tokens:
            made = self.api("POST", f"users/{name}/tokens", json={"note": "test", "expires_in": 3600})
            assert made.status_code == 201, made.text
            self.tokens[name] = made.json()["token"]
        return self.tokens[name]

    def as_user(self, name: str, method: str, path: str, **kwargs) -> requests.Response:
        kwargs.setdefault("timeout", 60)
        return requests.request(method, f"{self.url}user/{name}/{path}",
                                headers={"Authorization": f"token {self.user_token(name)}"}, **kwargs)


def server_processes(user: str) -> list[psutil.Process]:
    uid = pwd.getpwnam(user).pw_uid
    found = []
    for proc in psutil.process_iter(["uids", "cmdline", "name"]):
        with_uid = proc.info["uids"]
        started = "shine.hub.singleuser" in " ".join(proc.info["cmdline"] or [])
        if with_uid and with_uid.real == uid and (started or proc.info["name"] == "shine-server"):  # or forked
            found.append(proc)
    return found


def end_processes_of(user: str) -> None:
    """Whatever the test's users still run (by process id), before their accounts go."""
    uid = pwd.getpwnam(user).pw_uid
    procs = [p for p in psutil.process_iter(["uids"]) if p.info["uids"] and p.info["uids"].real == uid]
    for proc in procs:
        try:
            proc.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(procs, timeout=10)


@pytest.fixture(scope="module")
def hub(postgres_server):
    if os.geteuid() != 0:
        need_system("root", "the hub test creates OS users, one per participant, as a district server has")
    proxy = system_tool("configurable-http-proxy", "JupyterHub's proxy, from npm")
    system_tool("useradd", "the hub test creates OS users")
    import psycopg

    tag = uuid.uuid4().hex[:6]
    base = Path(tempfile.mkdtemp(prefix="shine-hub-test-", dir="/tmp"))
    base.chmod(0o755)  # the participants' homes are in here
    # Two trainers, six participants in two districts; "groton"/"windsor" are the first of each.
    users = {"groton": f"ana-{tag}", "windsor": f"ben-{tag}", "trainer-groton": f"maria-{tag}",
             "trainer-windsor": f"jose-{tag}", "groton-2": f"carlos-{tag}", "groton-3": f"dee-{tag}",
             "windsor-2": f"femi-{tag}", "windsor-3": f"gus-{tag}"}
    courses = {"groton": f"groton-{tag}", "windsor": f"windsor-{tag}"}
    room_user = f"rooms-{tag}"
    created: list[str] = []
    databases = [f"hub_{tag}", f"shine_{tag}", *(f"gradebook_{c.replace('-', '_')}" for c in courses.values())]
    hub = None
    try:
        with psycopg.connect(postgres_server.conninfo(), autocommit=True) as conn:
            for db in databases[:2]:  # the gradebooks: shine course init --hub makes them
                conn.execute(f'CREATE DATABASE "{db}"')
        (base / "home").mkdir()
        (base / "home").chmod(0o755)
        for name in users.values():
            subprocess.run(["useradd", "--create-home", "--home-dir", str(base / "home" / name), "--shell",
                            "/bin/bash", "--user-group", name], check=True, capture_output=True, timeout=60)
            created.append(name)
        created.extend([*(grader_account(c) for c in courses.values()), room_user])  # made by shine, removed here
        python = participants_python(base, users["groton"])
        roster = base / "roster.yaml"
        district_of = {d: [n for role, n in users.items() if role.startswith(d.lower())] for d in ("Groton", "Windsor")}
        course_roster = Roster(
            trainers=[users["trainer-groton"], users["trainer-windsor"]], districts=district_of,
            courses={courses[d.lower()]: CourseEntry(trainers=[users[f"trainer-{d.lower()}"]], participants=members)
                     for d, members in district_of.items()})
        token = uuid.uuid4().hex
        config_dir = base / "config.d"
        config_dir.mkdir()
        # What a district adds in its own config folder: here, a service the test acts through.
        (config_dir / "50-test-admin.py").write_text(
            f'c.JupyterHub.services.append({{"name": "test-admin", "api_token": "{token}"}})\n'
            'c.JupyterHub.load_roles.append({"name": "test-admin", "services": ["test-admin"], "scopes": '
            '["admin:users", "admin:servers", "tokens", "list:groups", "read:groups", "list:services", '
            '"read:services"]})\n')
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SHINE_", "JUPYTER"))}
        env.update(SHINE_DB_URL=postgres_server.url(databases[1]), SHINE_HUB_DB_URL=postgres_server.url(databases[0]),
                   SHINE_HUB_AUTH="dummy", SHINE_HUB_ROSTER=str(roster), SHINE_HUB_IP="127.0.0.1",
                   SHINE_HUB_PORT=str(port), SHINE_HUB_API_PORT=str(free_port()),
                   SHINE_HUB_PROXY_API_PORT=str(free_port()), SHINE_HUB_STATE_DIR=str(base / "state"),
                   SHINE_HUB_CONFIG_DIR=str(config_dir), SHINE_HUB_PYTHON=python, SHINE_HUB_PROXY=proxy,
                   SHINE_HUB_NBGRADER_DIR=str(base / "nbgrader"), SHINE_HUB_ROOM_USER=room_user,
                   SHINE_HUB_ROOM_KIOSKS="0")
        # What an administrator does before the hub starts: a workshop for a room, the courses.
        roster.write_text(course_roster.to_yaml())
        workshop, key = open_room(HubSettings.from_env(env), name="Regional meeting")
        course_roster.rooms = [workshop.code]
        roster.write_text(course_roster.to_yaml())
        inits = [subprocess.Popen([sys.executable, "-m", "shine", "course", "init", "--hub", course_id], env=env,
                                  cwd=base, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                 for course_id in courses.values()]  # as root, both at once
        for init in inits:
            said = init.communicate(timeout=300)[0]
            assert init.returncode == 0 and "is ready in" in said, said
        hub = Hub(base=base, env=env, url=f"http://127.0.0.1:{port}/", token=token, users=users,
                  store_url=env["SHINE_DB_URL"], store_conninfo=postgres_server.conninfo(databases[1]),
                  courses=courses, room=(workshop.code, key), gradebook_conninfo={
                      c: postgres_server.conninfo(f"gradebook_{c.replace('-', '_')}") for c in courses.values()})
        hub.start()
        yield hub
    finally:
        if hub is not None:
            hub.stop()
        for name in created:
            try:
                pwd.getpwnam(name)
            except KeyError:
                continue
            end_processes_of(name)
            subprocess.run(["userdel", "--remove", name], capture_output=True, timeout=60)
        shutil.rmtree(base, ignore_errors=True)
        with psycopg.connect(postgres_server.conninfo(), autocommit=True) as conn:
            for db in databases:
                conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


def log_in_by_form(url: str, name: str, spawn: bool = True) -> requests.Session:
    """What a browser does with the hub's login page: its _xsrf cookie, then the form."""
    session = requests.Session()
    assert session.get(url + "hub/login", timeout=30).status_code == 200
    answer = session.post(url + "hub/login", data={"username": name, "password": "any", "_xsrf":
                                                   session.cookies["_xsrf"]}, allow_redirects=False, timeout=30)
    assert answer.status_code == 302, answer.text[:500]
    if spawn:
        session.get(url + "hub/spawn", timeout=60)  # where the login sends them: their server starts
    return session


def test_two_participants_log_in_and_one_uses_module_01_in_voila(hub, page, artifacts_dir):
    ana, ben = hub.users["groton"], hub.users["windsor"]
    listed = hub.api("GET", "groups")
    assert listed.status_code == 200, listed.text
    groups = {g["name"]: g["users"] for g in listed.json()}
    assert ana in groups["district-groton"] and ben in groups["district-windsor"]
    assert len(groups["district-groton"]) == len(groups["district-windsor"]) == 3
    services = {s["name"] for s in hub.api("GET", "services").json().values()}
    assert {"idle-culler", "test-admin"} <= services  # the config folder adds to the services, keeps ours

    ben_session = log_in_by_form(hub.url, ben)  # Ben through the form over HTTP; his server starts
    page.set_viewport_size({"width": 1100, "height": 900})
    page.goto(hub.url + "hub/login")  # Ana in Chromium
    page.fill("#username_input", ana)
    page.fill("#password_input", "any")
    page.click("#login_submit")
    hub.wait_ready(ana)
    hub.wait_ready(ben)
    for name in (ana, ben):  # each server runs as its participant's own OS user, forked from the zygote
        assert server_processes(name), f"no server of {name} runs as {name}"
        assert {p.name() for p in server_processes(name)} == {"shine-server"}
        assert f"Forked {name}'s server from the zygote" in hub.log.read_text()

    module = f"{hub.url}user/{ana}/voila/render/modules/01-definition.ipynb"
    page.goto(module)
    page.wait_for_selector(".shine-scenario-sort", timeout=90_000)
    body = page.inner_text("body")
    assert "from shine" not in body and "Traceback" not in body  # no code shown
    first = content.load().scenarios.scenarios[0]
    principle = content.get("principle", first.principle)
    sort = page.locator(".shine-scenario-sort")
    sort.locator("select").select_option(label=f"{principle.number}. {principle.short}")
    sort.get_by_role("button", name="Shows it" if first.verdict == "shows" else "Breaks it").click()
    sort.get_by_role("button", name="Check my answer").click()
    sort.get_by_text("Well spotted!").wait_for(timeout=30_000)
    page.screenshot(path=str(artifacts_dir / "hub-module-01.png"))
    ana_uid = pwd.getpwnam(ana).pw_uid
    kernels = [p for p in psutil.process_iter(["uids", "name"]) if p.info["name"] == "shine-kernel"
               and p.info["uids"] and p.info["uids"].real == ana_uid]
    assert kernels, "the module page's kernel was not forked as Ana"  # shine.hub.spawner.ZygoteProvisioner

    own = ben_session.get(f"{hub.url}user/{ben}/lab", timeout=60)
    assert own.status_code == 200 and own.url == f"{hub.url}user/{ben}/lab"  # Ben reaches his own Lab...
    other = ben_session.get(module, timeout=30, allow_redirects=False)
    assert other.status_code in (302, 403) and "Well spotted" not in other.text  # ...and not Ana's


async def _run_in_kernel(url: str, token: str, code: str) -> str:
    """Run ``code`` in a new kernel of the participant's server (Jupyter's websocket protocol)."""
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    headers = {"Authorization": f"token {token}"}
    kernel = requests.post(url + "api/kernels", headers=headers, json={"name": "python3"}, timeout=60).json()["id"]
    try:
        ws_url = url.replace("http://", "ws://") + f"api/kernels/{kernel}/channels"
        ws = await websocket_connect(HTTPRequest(ws_url, headers=headers, connect_timeout=30))
        msg_id = uuid.uuid4().hex
        ws.write_message(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": "test",
                       "session": uuid.uuid4().hex, "date": "", "version": "5.3"},
            "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
            "content": {"code": code, "silent": False, "store_history": False, "user_expressions": {},
                        "allow_stdin": False, "stop_on_error": True}}))
        output, deadline = [], time.monotonic() + 120
        while time.monotonic() < deadline:
            msg = json.loads(await asyncio.wait_for(ws.read_message(), timeout=120))
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "stream":
                output.append(msg["content"]["text"])
            elif msg["msg_type"] == "error":
                output.append("\n".join(msg["content"]["traceback"]))
            elif msg["msg_type"] == "execute_reply":
                break
        ws.close()
        return "".join(output)
    finally:
        requests.delete(url + f"api/kernels/{kernel}", headers=headers, timeout=60)


def test_a_participants_files_and_store_rows_are_their_own(hub):
    ana = hub.users["groton"]
    hub.ensure_running(ana)  # (running already, after the test above)
    saved = hub.as_user(ana, "PUT", "api/contents/our-notes.txt",
                        json={"type": "file", "format": "text", "content": "Family night: 12 March"})
    assert saved.status_code in (200, 201), saved.text
    notes = hub.base / "home" / ana / "our-notes.txt"
    assert notes.read_text() == "Family night: 12 March"
    assert notes.stat().st_uid == pwd.getpwnam(ana).pw_uid  # written by Ana's own server, as Ana

    code = ("import os, getpass\n"
            "from shine.store import Store\n"
            "with Store() as store:\n"
            "    store.teams.ensure('Groton', 'Fitch High School')\n"
            "    print(getpass.getuser(), store.describe())\n")
    with ThreadPoolExecutor(1) as thread:  # its own event loop: Playwright's runs in this thread
        said = thread.submit(asyncio.run, _run_in_kernel(f"{hub.url}user/{ana}/", hub.user_token(ana), code)
                             ).result(timeout=240)
    assert said.startswith(ana) and "postgresql" in said, said  # SHINE_DB_URL reached Ana's kernel
    assert ("Groton", "Fitch High School") in store_teams(hub)


def store_teams(hub: Hub) -> set[tuple[str, str]]:
    import psycopg

    with psycopg.connect(hub.store_conninfo) as conn:
        return {tuple(row) for row in conn.execute("SELECT district, school FROM teams")}


# --------------------------------------------------------------------------
# nbgrader courses, and a room as a service
# --------------------------------------------------------------------------

AID = "principles-in-practice"


def get_service(session: requests.Session, url: str, timeout: float = SPAWN_S) -> requests.Response:
    """A service the hub started with itself may still be starting: the proxy answers 503 until then."""
    deadline = time.monotonic() + timeout
    while True:
        answer = session.get(url, timeout=60)
        if answer.status_code not in (502, 503) or time.monotonic() > deadline:
            return answer
        time.sleep(1)


def course_folder(hub: Hub, course_id: str) -> Path:
    return Path(hub.env["SHINE_HUB_NBGRADER_DIR"]) / "courses" / course_id


def as_grader(hub: Hub, course_id: str, *args: str) -> str:
    """``shine course ...`` as the course's grader account: what a trainer types in a terminal of
    the course's formgrader service, which runs as that account."""
    folder = course_folder(hub, course_id)
    python = hub.env["SHINE_HUB_PYTHON"]
    env = {"PATH": f"{Path(python).parent}:/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(folder)}
    runuser = shutil.which("runuser") or "runuser"
    done = subprocess.run([runuser, "-u", grader_account(course_id), "--", python, "-m", "shine", "course", *args,
                           "--dir", str(folder)], cwd=folder, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def assignment_action(hub: Hub, name: str, action: str, course_id: str) -> list[dict]:
    """What JupyterLab's Assignments tab asks the participant's server (nbgrader's assignment list)."""
    if action == "list":
        answer = hub.as_user(name, "GET", "assignments", params={"course_id": course_id})
    else:
        answer = hub.as_user(name, "POST", f"assignments/{action}",
                             data={"course_id": course_id, "assignment_id": AID}, timeout=240)
    assert answer.status_code == 200, answer.text[:500]
    listed = answer.json()
    assert listed["success"], listed
    return listed["value"]


def test_two_courses_each_trainer_reaches_only_their_own_formgrader(hub):
    groton, windsor = hub.courses["groton"], hub.courses["windsor"]
    maria, jose = hub.users["trainer-groton"], hub.users["trainer-windsor"]
    groups = {g["name"]: g["users"] for g in hub.api("GET", "groups").json()}
    assert groups[f"formgrade-{groton}"] == [maria] and groups[f"formgrade-{windsor}"] == [jose]
    assert sorted(groups[f"nbgrader-{groton}"]) == sorted(hub.users[r] for r in ("groton", "groton-2", "groton-3"))
    services = hub.api("GET", "services").json()
    assert {groton, windsor, f"room-{hub.room[0].lower()}"} <= set(services)
    for course_id in (groton, windsor):  # each formgrader runs as its course's own grader account
        pid = services[course_id].get("pid") or 0
        assert pid and psutil.Process(pid).username() == grader_account(course_id), services[course_id]
        assert course_folder(hub, course_id).stat().st_mode & 0o077 == 0  # its gradebook password stays there

    sessions = {name: log_in_by_form(hub.url, name, spawn=False) for name in hub.users.values()}  # all eight
    for trainer, own, other in ((maria, groton, windsor), (jose, windsor, groton)):
        mine = get_service(sessions[trainer], f"{hub.url}services/{own}/formgrader")
        assert mine.status_code == 200 and "formgrader" in mine.text.lower(), (mine.status_code, mine.text[:300])
        theirs = get_service(sessions[trainer], f"{hub.url}services/{other}/formgrader")
        assert theirs.status_code == 403, (theirs.status_code, theirs.url)
    participant = get_service(sessions[hub.users["groton-2"]], f"{hub.url}services/{groton}/formgrader")
    assert participant.status_code == 403


def test_an_assignment_is_released_fetched_answered_submitted_graded_and_returned(hub):
    from shine.course import exercises as ex

    groton, windsor = hub.courses["groton"], hub.courses["windsor"]
    ana, ben = hub.users["groton"], hub.users["windsor"]
    hub.ensure_running(ana)
    hub.ensure_running(ben)
    # A participant's server has no formgrader and no assignment creation; the Assignments tab it has.
    assert hub.as_user(ana, "GET", "formgrader").status_code == 404
    lab = hub.as_user(ana, "GET", "lab").text
    page_config = json.loads(re.search(r'id="jupyter-config-data"[^>]*>(.*?)</script>', lab, re.S).group(1))
    off = page_config["disabledExtensions"]
    assert {"@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment"} <= set(off), off
    assert "@jupyter/nbgrader:assignment-list" not in off

    assert "Released" in as_grader(hub, groton, "release", AID)
    [listed] = assignment_action(hub, ana, "list", "")  # every course she takes: only Groton's
    assert (listed["course_id"], listed["assignment_id"], listed["status"]) == (groton, AID, "released")
    assert assignment_action(hub, ben, "list", "") == []  # Ben takes Windsor's course only
    assert not any(a["status"] == "fetched" for a in assignment_action(hub, ben, "fetch", groton))
    assert not (hub.base / "home" / ben / groton).exists()

    fetched = assignment_action(hub, ana, "fetch", groton)
    assert [a["status"] for a in fetched] == ["fetched"]
    folder = f"{groton}/{AID}"
    with tempfile.TemporaryDirectory() as scratch:  # her answers, as the exercise's widgets save them
        key = ex.key_answers(AID)
        for item in ex.assignment(AID).items:
            ex.save_answer(AID, item.id, "principle", key.get(item.id, "principle"), folder=scratch)
        answers = (Path(scratch) / ex.ANSWER_FILE).read_text(encoding="utf-8")
    saved = hub.as_user(ana, "PUT", f"api/contents/{folder}/{ex.ANSWER_FILE}",
                        json={"type": "file", "format": "text", "content": answers})
    assert saved.status_code in (200, 201), saved.text
    notebook = hub.as_user(ana, "GET", f"api/contents/{folder}/{AID}.ipynb").json()["content"]
    reflection = ex.assignment(AID).reflections[0].id
    for cell in notebook["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == reflection:
            cell["source"] = "We now send the newsletter home in three languages."
    saved = hub.as_user(ana, "PUT", f"api/contents/{folder}/{AID}.ipynb",
                        json={"type": "notebook", "format": "json", "content": notebook})
    assert saved.status_code == 200, saved.text
    submitted = assignment_action(hub, ana, "submit", groton)
    assert sorted(a["status"] for a in submitted) == ["fetched", "submitted"], submitted

    assert "Collected 1 submission" in as_grader(hub, groton, "collect", AID)
    graded = as_grader(hub, groton, "grade", AID)
    assert ana in graded, graded
    assert "1 returned through the exchange" in as_grader(hub, groton, "feedback", AID)
    returned = assignment_action(hub, ana, "fetch_feedback", groton)
    assert '"has_local_feedback": true' in json.dumps(returned), returned
    [page] = (hub.base / "home" / ana / groton / AID / "feedback").rglob("*.html")
    assert page.stat().st_uid == pwd.getpwnam(ana).pw_uid and "Well done." in page.read_text()

    import psycopg  # the gradebook is the course's own PostgreSQL database

    with psycopg.connect(hub.gradebook_conninfo[groton]) as conn:
        assert conn.execute("SELECT student_id FROM submitted_assignment").fetchall() == [(ana,)]
    with psycopg.connect(hub.gradebook_conninfo[windsor]) as conn:
        assert conn.execute("SELECT count(*) FROM submitted_assignment").fetchone() == (0,)


@pytest.mark.browser
def test_a_room_service_takes_kiosk_posts_without_login_and_shows_them_on_its_wall(hub, new_page, artifacts_dir):
    code, key = hub.room
    base = f"{hub.url}services/room-{code.lower()}/voila/render/"
    assert get_service(requests.Session(), base + "kiosk.ipynb").status_code == 200  # no login asked
    wall = new_page(1280, 800)
    wall.goto(base + "wall.ipynb")
    wall.wait_for_selector(".shine-wall-count", timeout=90_000)
    kiosk = new_page()
    kiosk.goto(base + "kiosk.ipynb")
    kiosk.wait_for_selector(".shine-kiosk .widget-text input", timeout=90_000)
    kiosk.fill(".shine-kiosk .widget-text input", code)
    kiosk.get_by_role("button", name="Join", exact=True).click()
    kiosk.wait_for_selector(".shine-kiosk select", timeout=30_000)
    kiosk.select_option(".shine-kiosk select", label="My school is not in the list")
    fields = kiosk.locator(".shine-kiosk .widget-text input")
    fields.nth(0).fill("Groton")
    fields.nth(1).fill("Fitch High School")
    kiosk.get_by_role("button", name="Continue").click()
    kiosk.wait_for_selector(".shine-kiosk textarea", timeout=30_000)
    body = "Families asked for evening conferences"
    kiosk.get_by_role("button", name="Challenge", exact=True).click()
    kiosk.fill(".shine-kiosk textarea", body)
    kiosk.get_by_role("button", name="Post", exact=True).click()
    kiosk.wait_for_function("document.querySelector('.shine-kiosk textarea').value === ''", timeout=30_000)
    wall.locator(".shine-tile", has_text=body).wait_for(timeout=30_000)
    wall.screenshot(path=str(artifacts_dir / "hub-room-wall.png"), full_page=True)
    import psycopg  # the post is in the shared store

    with psycopg.connect(hub.store_conninfo) as conn:
        assert conn.execute("SELECT count(*) FROM posts WHERE body = %s", (body,)).fetchone() == (1,)

    console = new_page(1280, 900)  # the console still opens only with the facilitator key
    console.goto(base + "console.ipynb")
    console.wait_for_selector("input[type=password]", timeout=90_000)
    console.fill("input[type=password]", key)
    console.get_by_role("button", name="Open the console").click()
    console.get_by_text("Agenda").wait_for(timeout=30_000)


@pytest.mark.browser
def test_a_trainer_opens_the_rooms_console_with_their_hub_login_and_a_participant_cannot(hub, new_page):
    """The console needs the facilitator key, or a trainer's hub login (shine.hub.trainers): the
    trainer-console service, which only the trainers group may reach, sends them to the console
    with a pass that opens it; a participant is refused, and a made-up pass opens nothing."""
    code, _key = hub.room
    link = f"{hub.url}services/trainer-console/{code}"
    trainer = log_in_by_form(hub.url, hub.users["trainer-windsor"], spawn=False)
    answer = get_service(trainer, link)  # the hub's OAuth, then the room's console with a pass
    assert answer.status_code == 200 and "/voila/render/console.ipynb?pass=" in answer.url, (
        answer.status_code, answer.url, answer.text[:300])
    page = new_page(1280, 900)
    page.goto(answer.url)
    page.get_by_text("hub login").wait_for(timeout=90_000)
    assert page.get_by_text("join code").count() and page.locator("input[type=password]").count() == 0
    participant = log_in_by_form(hub.url, hub.users["groton"], spawn=False)
    refused = get_service(participant, link)
    assert refused.status_code == 403 and "pass=" not in refused.url
    forged = new_page()
    forged.goto(answer.url.split("?pass=")[0] + "?pass=1.99999999999.bWFyaWE.0000")
    forged.wait_for_selector("input[type=password]", timeout=90_000)  # the key is asked, as always


@pytest.mark.browser
def test_through_the_hubs_services_a_groton_participant_gets_nothing_of_windsor(hub, new_page):
    """Scoping's service path. The services a participant can reach are the room's pages (which
    open the store as its owner: a room lists every district's schools) and the formgraders. With
    Windsor's plan and Mini Visit in the store, Ana of Groton, logged in, finds neither on any page
    of the room without the facilitator key, and no formgrader lets her in."""
    from datetime import datetime, timedelta

    from shine.store import MiniVisits, Scope, Store

    mark = uuid.uuid4().hex[:8]
    plan_text, leader = f"Windsor evening conferences {mark}", f"Bo Windsor {mark}"
    with Store(hub.store_url, scope=Scope.everyone()) as owner:
        team = owner.teams.ensure("Windsor", "Windsor High School")
        owner.plans.save(team.id, "2026-2027", {"district": "Windsor", "school": "Windsor High School",
                                                "school_year": "2026-2027", "goals": [{"id": "g1", "kind": "parenting",
                                                "activities": [{"id": "a1", "what": plan_text, "type": "parenting"}]}]})
        day = datetime.now().replace(hour=15, minute=0) + timedelta(days=9)
        while day.weekday() >= 5:  # Mini Visits are on school days, at the end of the day
            day += timedelta(days=1)
        MiniVisits(owner).schedule("Windsor", "Windsor High School", leader, day, 45)
    ana = hub.users["groton"]
    session = log_in_by_form(hub.url, ana, spawn=False)
    base = f"{hub.url}services/room-{hub.room[0].lower()}/voila/render/"
    ready = {"kiosk": ".shine-kiosk .widget-text input", "wall": ".shine-wall-count",
             "console": "input[type=password]", "mini-visits": "input[type=password]"}
    for name, selector in ready.items():
        answer = get_service(session, f"{base}{name}.ipynb")  # with her hub cookie: the room asks no login
        assert answer.status_code == 200 and plan_text not in answer.text and leader not in answer.text
        page = new_page()
        page.goto(f"{base}{name}.ipynb")
        page.wait_for_selector(selector, timeout=90_000)
        shown = page.inner_text("body")
        assert plan_text not in shown and leader not in shown, name
        page.context.close()
    for course_id in hub.courses.values():  # the formgraders: trainers of the course only
        answer = get_service(session, f"{hub.url}services/{course_id}/formgrader")
        assert answer.status_code == 403 and plan_text not in answer.text, (answer.status_code, answer.url)


def test_the_hub_restarts_keeping_everything_and_the_culler_stops_an_idle_server(hub):
    ana = hub.users["groton"]
    token = hub.user_token(ana)
    hub.stop()  # as on a server: every participant's server stops with the hub
    assert not server_processes(ana) and not server_processes(hub.users["windsor"])

    # Courses and rooms stay in their folders and databases; this restart is about participants,
    # so the hub comes back without their services (each formgrader takes ~15 s to start here).
    roster = Roster.load(Path(hub.env["SHINE_HUB_ROSTER"]))
    roster.courses, roster.rooms = {}, []
    (hub.base / "roster-no-services.yaml").write_text(roster.to_yaml())
    hub.start(SHINE_HUB_CULL_TIMEOUT="20", SHINE_HUB_CULL_EVERY="3",
              SHINE_HUB_ROSTER=str(hub.base / "roster-no-services.yaml"))
    assert ("Groton", "Fitch High School") in store_teams(hub)  # the store kept its rows
    hub.ensure_running(ana)
    # Ana's token was in the hub's database: it still works, and her file is still there.
    read = requests.get(f"{hub.url}user/{ana}/api/contents/our-notes.txt", timeout=60,
                        headers={"Authorization": f"token {token}"})
    assert read.status_code == 200 and read.json()["content"] == "Family night: 12 March"

    deadline = time.monotonic() + 120  # nobody uses it now: the culler stops it after 20 s
    while time.monotonic() < deadline:
        if not hub.api("GET", f"users/{ana}").json().get("servers"):
            break
        time.sleep(1)
    else:
        pytest.fail(f"the idle culler did not stop {ana}'s server:\n{hub.log_tail()}", pytrace=False)
    assert re.search(rf"Culling server {re.escape(ana)}\b", hub.log_tail()), hub.log_tail()
    psutil.wait_procs(server_processes(ana), timeout=30)
    assert not server_processes(ana)
    assert hub.api("GET", f"users/{ana}").status_code == 200  # culled, not deleted
