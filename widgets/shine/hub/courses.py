"""nbgrader courses on the hub, the way nbgrader documents several classes on one JupyterHub
(its ``demos/demo_multiple_classes``).

A course is an entry of the roster (``courses:``, :mod:`shine.hub.roster`) with its trainers and
participants. For each one:

- hub groups ``formgrade-<course>`` (its trainers) and ``nbgrader-<course>`` (its participants),
  with roles: the trainers may open the course's formgrader, the participants may only see that it
  exists (nbgrader's Assignments tab asks the hub which courses someone takes);
- a grader OS account ``grader-<course>`` whose home is the course folder
  (``SHINE_HUB_NBGRADER_DIR/courses/<course>``, nbgrader's layout, our ``nbgrader_config.py``);
- a hub service named as the course, run as that account: a JupyterLab with the formgrader and a
  terminal, at ``/services/<course>/``. Trainers grade there with the formgrader, or run
  ``shine course grade`` in its terminal (our sandboxed grading, as the grader account);
- its gradebook in PostgreSQL, a database of its own on the shine store's server
  (``SHINE_HUB_GRADEBOOK_URL``): the formgrader and the command line may write at once;
- the exchange ``SHINE_HUB_NBGRADER_DIR/exchange``, shared by every course (world-writable with the
  sticky bit, as nbgrader documents); nbgrader makes each course's ``outbound`` (readable by all)
  and ``inbound`` (writable, not listable) in it when the course first releases.

Participants' servers read :func:`write_participants_config`'s folder (``JUPYTER_CONFIG_PATH``):
the exchange, ``JupyterHubAuthPlugin`` (so each person sees the courses of their groups and may
fetch only from those), and no formgrader, course list or assignment creation for them.

``shine course init --hub <course>`` (:func:`init_course`, as root) makes the account, the
folder, the gradebook and its roster. The services and groups are read from the roster when the
hub starts: JupyterHub takes the services it runs only from its configuration, so a new course
needs a restart of the hub anyway, and one file (the roster) says everything about a course.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from shine.i18n import _
from shine.web.sheets import write_csv

from .roster import GRADERS_PREFIX, PARTICIPANTS_PREFIX, Roster
from .settings import HubSettings

GRADER_PREFIX = "grader-"
# The hub starts its services one after another and gives up on the hub when one is not up in time.
SERVICE_START_S = 180
HUB_BLOCK = "# --- on the hub (written by shine course init --hub; changed there) ---"
# Participants' servers: nbgrader's trainer-side parts are not theirs.
# Each is loaded at every start of every participant's server: the formgrader runs as each course's
# service (as nbgrader's multiple-classes setup disables it for students); no language server is
# installed; JupyterLab is the interface (not the Notebook one); a family's account needs no shell.
PARTICIPANT_SERVER_EXTENSIONS_OFF = ["nbgrader.server_extensions.formgrader", "nbgrader.server_extensions.course_list",
                                     "jupyter_lsp", "notebook", "jupyter_server_terminals"]
# The formgrader service: what grading has no use for (each is time at every start of the hub).
FORMGRADER_EXTENSIONS_OFF = ["voila", "jupyter_lsp", "nbgrader.server_extensions.assignment_list",
                             "nbgrader.server_extensions.validate_assignment"]
PARTICIPANT_LAB_PLUGINS_OFF = ["@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
                               "@jupyter/nbgrader:course-list"]
# A participant's server token may read its owner's groups (nbgrader's JupyterHubAuthPlugin asks
# the hub which courses they take) besides what JupyterHub's default "server" role gives it.
SERVER_SCOPES = ["users:activity!user", "access:servers!server", "read:users:name!user", "read:users:groups!user"]


class HubCourseError(RuntimeError):
    """Something the administrator must fix; the message says what."""


def grader_account(course_id: str) -> str:
    return GRADER_PREFIX + course_id


def course_dir(settings: HubSettings, course_id: str) -> Path:
    return settings.nbgrader_dir / "courses" / course_id


def exchange_dir(settings: HubSettings) -> Path:
    return settings.nbgrader_dir / "exchange"


def participants_config_dir(settings: HubSettings) -> Path:
    return settings.nbgrader_dir / "participants"


def gradebook_url(settings: HubSettings, course_id: str) -> str:
    """The course's own database: ``SHINE_HUB_GRADEBOOK_URL`` with ``{course}`` filled in, else a
    database ``gradebook_<course>`` on the shine store's PostgreSQL, else SQLite in the course folder."""
    name = course_id.replace("-", "_")
    if settings.gradebook_url:
        return settings.gradebook_url.replace("{course}", name)
    if settings.store_url.startswith("postgresql"):
        from sqlalchemy.engine import make_url

        return make_url(settings.store_url).set(database=f"gradebook_{name}").render_as_string(hide_password=False)
    return f"sqlite:///{course_dir(settings, course_id) / 'gradebook.db'}"


def ensure_database(url: str) -> bool:
    """Create the PostgreSQL database of ``url`` when it is missing (its user needs CREATEDB);
    True when it was made."""
    if not url.startswith("postgresql"):
        return False
    import psycopg
    from psycopg import sql
    from sqlalchemy.engine import make_url

    parts = make_url(url)
    with psycopg.connect(host=parts.host or None, port=parts.port, user=parts.username, password=parts.password,
                         dbname="postgres", autocommit=True, connect_timeout=10) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (parts.database,)).fetchone():
            return False
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(parts.database)))
    return True


def ensure_exchange(settings: HubSettings) -> Path:
    """The shared exchange: everyone may write, nobody may remove another's files (1777)."""
    folder = exchange_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder.parent, 0o755)
    os.chmod(folder, 0o1777)
    return folder


def write_participants_config(settings: HubSettings) -> Path:
    """The folder every participant's server reads (``JUPYTER_CONFIG_PATH``): nbgrader's exchange
    and login plugin, and which nbgrader parts stay off. Readable by all, written by the hub."""
    folder = participants_config_dir(settings)
    (folder / "labconfig").mkdir(parents=True, exist_ok=True)
    (folder / "nbgrader_config.py").write_text(
        '"""nbgrader in every participant\'s server (written by the hub at each start: shine.hub.courses)."""\n'
        "c = get_config()  # noqa: F821\n"
        f"c.Exchange.root = {str(exchange_dir(settings))!r}\n"
        "c.Exchange.path_includes_course = True\n"
        '# The courses a person takes are their hub groups nbgrader-<course> (and formgrade-<course>).\n'
        'c.Authenticator.plugin_class = "nbgrader.auth.JupyterHubAuthPlugin"\n', encoding="utf-8")
    (folder / "jupyter_server_config.json").write_text(json.dumps(
        {"ServerApp": {"jpserver_extensions": {name: False for name in PARTICIPANT_SERVER_EXTENSIONS_OFF},
                       "terminals_enabled": False}},
        indent=1), encoding="utf-8")
    (folder / "labconfig" / "page_config.json").write_text(json.dumps(
        {"disabledExtensions": {name: True for name in PARTICIPANT_LAB_PLUGINS_OFF}}, indent=1), encoding="utf-8")
    for path in (folder, folder / "labconfig"):
        os.chmod(path, 0o755)
    return folder


def _no_follow(path: str, flags: int) -> int:
    return os.open(path, flags | os.O_NOFOLLOW, 0o644)


def refuse_links(path: Path) -> None:
    """Root writes these files in the grader account's home, which that account can write: a link
    put there (symbolic, or hard to another file) would make root write somewhere else."""
    if path.is_symlink() or (path.exists() and (not path.is_file() or path.stat().st_nlink != 1)):
        raise HubCourseError(_("{path} is a link or not a plain file; remove it and run this again.").format(
            path=path))


def course_ready(settings: HubSettings, course_id: str) -> str | None:
    """None when the course can be served; else what is missing, in a sentence."""
    if settings.spawner == "local":
        try:
            pwd.getpwnam(grader_account(course_id))
        except KeyError:
            return _("there is no OS user {name}").format(name=grader_account(course_id))
    if not (course_dir(settings, course_id) / "nbgrader_config.py").is_file():
        return _("there is no course folder {path}").format(path=course_dir(settings, course_id))
    return None


def formgrader_service(settings: HubSettings, course_id: str, port: int) -> dict:
    """The course's formgrader: a JupyterLab (JupyterHub's single-user server) in the course
    folder, run as the course's grader account, reachable by its trainers only."""
    service = {
        "name": course_id,  # nbgrader's course list links to /services/<course id>/
        "url": f"http://127.0.0.1:{port}",
        "command": [settings.python, "-m", "jupyterhub.singleuser", "--ServerApp.terminals_enabled=True",
                    *(f"--ServerApp.jpserver_extensions={name}=False" for name in FORMGRADER_EXTENSIONS_OFF)],
        "cwd": str(course_dir(settings, course_id)),
        "environment": {"JUPYTERHUB_DEFAULT_URL": "/lab", "SHINE_CURRICULUM": str(settings.curriculum),
                        "PATH": os.pathsep.join([str(Path(settings.python).parent), "/usr/local/bin", "/usr/bin",
                                                 "/bin"])},
        "oauth_no_confirm": True,  # our own service: no "authorize access?" page for trainers
        "timeout": SERVICE_START_S,
    }
    if settings.spawner == "local":
        service["user"] = grader_account(course_id)
    return service


def course_roles(course_id: str, groups: dict[str, list[str]]) -> list[dict]:
    """Trainers reach the formgrader; participants may see that the course's service exists."""
    roles = []
    graders, participants = GRADERS_PREFIX + course_id, PARTICIPANTS_PREFIX + course_id
    if groups.get(graders):
        roles.append({"name": graders, "groups": [graders], "scopes": [
            f"access:services!service={course_id}", "list:services", f"read:services!service={course_id}"]})
    if groups.get(participants):
        roles.append({"name": participants, "groups": [participants], "scopes": [
            "list:services", f"read:services!service={course_id}"]})
    return roles


def add_courses(c, settings: HubSettings, roster: Roster | None, free_port) -> list[str]:
    """Services and roles of every course of the roster that is ready; the courses served."""
    try:
        write_participants_config(settings)
        ensure_exchange(settings)
    except OSError as exc:  # the hub still starts, for the modules and the rooms
        print(_("[shine] no nbgrader course is served: {error}").format(error=exc), file=sys.stderr)
        return []
    c.Spawner.environment["JUPYTER_CONFIG_PATH"] = str(participants_config_dir(settings))
    c.JupyterHub.load_roles.append({"name": "server", "scopes": list(SERVER_SCOPES)})
    served = []
    groups = roster.groups() if roster else {}
    for course_id in (roster.courses if roster else {}):
        missing = course_ready(settings, course_id)
        if missing:
            print(_("[shine] course {course} is not served: {why}. Run: shine course init --hub {course}").format(
                course=course_id, why=missing), file=sys.stderr)
            continue
        c.JupyterHub.services.append(formgrader_service(settings, course_id, free_port()))
        c.JupyterHub.load_roles.extend(course_roles(course_id, groups))
        served.append(course_id)
    return served


@dataclass
class HubCourse:
    course_id: str
    folder: Path
    account: str
    gradebook: str
    participants: int
    database_made: bool


def init_course(settings: HubSettings, roster: Roster, course_id: str) -> HubCourse:
    """``shine course init --hub <course>``, as root: the grader account (its home is the course
    folder), the course folder and its config, the gradebook database with the course's
    participants. Running it again brings a course up to date with the roster."""
    from shine.course.pipeline import Course
    from shine.web.paths import exercises_dir

    entry = roster.courses.get(course_id)
    if entry is None:
        raise HubCourseError(_("The roster has no course {course}; add it under courses: with its trainers and "
                               "participants.").format(course=course_id))
    if os.geteuid() != 0:
        raise HubCourseError(_("Run it as root (sudo): it creates the OS account {name}.").format(
            name=grader_account(course_id)))
    folder = course_dir(settings, course_id)
    folder.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(folder.parent, 0o755)
    account = grader_account(course_id)
    try:
        pwd.getpwnam(account)
    except KeyError:
        made = subprocess.run(["useradd", "--create-home", "--home-dir", str(folder), "--shell", "/bin/bash",
                               "--user-group", "--", account], capture_output=True, text=True, timeout=60)
        if made.returncode != 0:
            raise HubCourseError(_("The OS account {name} could not be made: {error}").format(
                name=account, error=made.stderr.strip())) from None
    url = gradebook_url(settings, course_id)
    database_made = ensure_database(url)
    config, listed = folder / "nbgrader_config.py", folder / "hub-roster.csv"
    for path in (config, listed):
        refuse_links(path)
    if not config.exists():
        shutil.copy(exercises_dir() / "nbgrader_config.py", config)
        shutil.copytree(exercises_dir() / "source", folder / "source", dirs_exist_ok=True)
    text = config.read_text(encoding="utf-8").split(HUB_BLOCK)[0].rstrip("\n")
    with open(config, "w", encoding="utf-8", opener=_no_follow) as fh:
        fh.write(text + "\n\n" + HUB_BLOCK + "\n" + "\n".join([
            f"c.CourseDirectory.course_id = {course_id!r}",
            f"c.CourseDirectory.db_url = {url!r}",
            f"c.Exchange.root = {str(exchange_dir(settings))!r}",
            "c.Exchange.path_includes_course = True",
            "c.NbGrader.logfile = str(here / 'nbgrader.log')",
        ]) + "\n")
    ensure_exchange(settings)
    with open(listed, "w", newline="", encoding="utf-8", opener=_no_follow) as fh:
        write_csv(fh, ["id"], ([name] for name in sorted(set(entry.participants))))
    if entry.participants:
        Course(folder).import_roster(listed)
    owner = pwd.getpwnam(account)
    for path in [folder, *folder.rglob("*")]:
        os.lchown(path, owner.pw_uid, owner.pw_gid)
    os.chmod(folder, 0o700)  # the gradebook's password is in its config
    return HubCourse(course_id, folder, account, url, len(set(entry.participants)), database_made)
