"""Scoped data on the hub: each person's database role, and PostgreSQL's row-level security.

Every participant can run code in their own JupyterLab, so hiding rows in widgets is not enough.
:func:`sync_db` (at every start of the hub, and ``shine hub sync-db``) does three things, each
idempotent:

1. writes the roster's memberships into the store (``memberships``: who is a team's participant,
   a district's leader, a trainer, the state), which :class:`shine.store.Store`'s scope reads;
2. on PostgreSQL, gives every person of the roster a ``LOGIN`` role of their own name, member of
   the ``NOLOGIN`` group role ``<database>_people`` (``shine_people`` for the database ``shine``),
   which reads the store's tables, adds rows only to the scoped ones and owns none; a name that
   left the roster loses ``LOGIN``. Roles belong to the whole PostgreSQL server: two hubs sharing
   one server should not share people's names. Each password is derived from a secret that only
   the hub can read (``<SHINE_HUB_STATE_DIR>/store-roles.key``), so nothing is kept per person;
   the hub hands each server the URL with its person's own role (:func:`person_url`);
3. enables row-level security on the scoped tables (teams, plans, self-assessment answers, Mini
   Visits and their notes, follow-ups and resources, memberships), with policies that check the
   connecting role's memberships: a Groton participant's own connection returns no Windsor row.

The store's owner (``SHINE_DB_URL``: the hub, room services, formgraders) owns the tables and is
not subject to these policies. The owner needs ``CREATEROLE``
(``createuser --createrole --pwprompt shine``). On SQLite only the memberships are written: the
store's scope applies, but a participant who opens the file has every row.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import make_url

from shine.i18n import _

from .roster import Roster
from .settings import HubSettings

KEY_FILE = "store-roles.key"
# Tables whose rows belong to a team: (table, how a row names its team).
TEAM_TABLES = {"plan_versions": "team_id", "assessment_responses": "team_id", "visits": "team_id"}
VISIT_TABLES = ("visit_notes", "visit_followups", "visit_resources")
WRITTEN = ("teams", *TEAM_TABLES, *VISIT_TABLES)  # what a person's pages add rows to
UPDATED = ("visits", "visit_followups")  # a visit's status, a follow-up done

FUNCTIONS = """
CREATE OR REPLACE FUNCTION shine_sees(d text, s text, writing boolean) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT EXISTS (SELECT 1 FROM memberships m WHERE m.username = current_user AND (
    m.kind = 'trainer' OR (m.kind = 'state' AND NOT writing)
    OR (m.kind = 'leader' AND m.district = d) OR (m.kind = 'team' AND m.district = d AND m.school = s)))
$$;
CREATE OR REPLACE FUNCTION shine_sees_team(t integer, writing boolean) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT t IS NULL OR EXISTS (SELECT 1 FROM teams WHERE id = t AND shine_sees(district, school, writing))
$$;
CREATE OR REPLACE FUNCTION shine_sees_visit(v integer, writing boolean) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT EXISTS (SELECT 1 FROM visits WHERE id = v AND shine_sees_team(team_id, writing))
$$;
"""


class DbRolesError(RuntimeError):
    pass


@dataclass
class SyncReport:
    memberships: int
    roles: list[str]
    skipped: list[str]  # names that are already roles of another kind (the owner, postgres)
    disabled: list[str]
    secured: bool  # row-level security applied (PostgreSQL)


def _key(settings: HubSettings) -> bytes:
    """The hub's secret for the people's passwords, made on first use (readable by the hub only)."""
    path = settings.state_dir / KEY_FILE
    if not path.exists():
        settings.state_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32))
    return path.read_text().strip().encode()


def person_password(settings: HubSettings, name: str) -> str:
    return hmac.new(_key(settings), name.encode(), hashlib.sha256).hexdigest()


def is_postgres(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


def server_store_url(settings: HubSettings, spawner) -> str:
    """``SHINE_DB_URL`` for a person's server (``c.Spawner.environment``, called at each spawn)."""
    return person_url(settings, spawner.user.name)


def person_url(settings: HubSettings, name: str) -> str:
    """The store's URL for ``name``'s own server: their own role and password, on PostgreSQL."""
    if not is_postgres(settings.store_url):
        return settings.store_url
    url = make_url(settings.store_url).set(username=name, password=person_password(settings, name))
    return url.render_as_string(hide_password=False)


def _policies(table: str, read: str, write: str) -> list[str]:
    return [f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY',
            *(f'DROP POLICY IF EXISTS shine_{cmd} ON "{table}"' for cmd in ("read", "insert", "update")),
            f'CREATE POLICY shine_read ON "{table}" FOR SELECT USING ({read})',
            f'CREATE POLICY shine_insert ON "{table}" FOR INSERT WITH CHECK ({write})',
            f'CREATE POLICY shine_update ON "{table}" FOR UPDATE USING ({write}) WITH CHECK ({write})']


def group_role(dbname: str) -> str:
    """The NOLOGIN role of a store's people: ``shine`` -> ``shine_people``."""
    return (re.sub(r"[^a-z0-9_]", "_", dbname.lower()) or "shine")[:50] + "_people"


def security_statements(group: str) -> list[str]:
    """Grants, functions and policies (every statement idempotent)."""
    # People read the tables and write only their teams' rows: never a workshop (its facilitator
    # key), a room's posts or moderation, the memberships or the schema's version.
    out = [f'GRANT USAGE ON SCHEMA public TO "{group}"',
           f'GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{group}"',
           f'REVOKE INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public FROM "{group}"',
           f'GRANT INSERT ON {", ".join(WRITTEN)} TO "{group}"',
           f'GRANT UPDATE ON {", ".join(UPDATED)} TO "{group}"',
           f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "{group}"',
           *(part.strip() + "\n$$" for part in FUNCTIONS.split("$$;") if part.strip())]
    out += _policies("teams", "shine_sees(district, school, false)", "shine_sees(district, school, true)")
    for table, column in TEAM_TABLES.items():
        out += _policies(table, f"shine_sees_team({column}, false)", f"shine_sees_team({column}, true)")
    for table in VISIT_TABLES:
        out += _policies(table, "shine_sees_visit(visit_id, false)", "shine_sees_visit(visit_id, true)")
    out += ['ALTER TABLE memberships ENABLE ROW LEVEL SECURITY',
            'DROP POLICY IF EXISTS shine_read ON memberships',
            "CREATE POLICY shine_read ON memberships FOR SELECT USING (username = current_user OR username = '*')"]
    return out


def sync_db(settings: HubSettings, roster: Roster) -> SyncReport:
    """Memberships, roles and policies from the roster (see the module's description)."""
    from shine.store import Scope, Store
    from shine.store.scope import write_memberships

    rows = roster.memberships()
    with Store(settings.store_url, scope=Scope.everyone()) as store:
        write_memberships(store, rows)
        if store.backend != "postgresql":
            return SyncReport(len(rows), [], [], [], secured=False)
        with store.engine.connect() as conn, conn.begin():
            group = group_role(conn.execute(text("SELECT current_database()")).scalar())
            return _roles_and_policies(conn, settings, group, sorted(roster.users), len(rows))


def _roles_and_policies(conn, settings: HubSettings, group: str, names: list[str], n_rows: int) -> SyncReport:
    me = conn.execute(text("SELECT rolcreaterole OR rolsuper FROM pg_roles WHERE rolname = current_user")).scalar()
    if not me:
        raise DbRolesError(_("The store's database user may not create roles, so each person's server cannot get a "
                             "role of its own. Give it CREATEROLE (ALTER ROLE ... CREATEROLE) and start again."))
    if not conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": group}).scalar():
        conn.execute(text(f'CREATE ROLE "{group}" NOLOGIN'))
    # Ours: the direct members of the group role, and nothing that may do more than a person.
    existing = {r.rolname: r for r in conn.execute(text(
        "SELECT r.rolname, (NOT r.rolsuper AND NOT r.rolcreaterole AND NOT r.rolcreatedb AND EXISTS ("
        "  SELECT 1 FROM pg_auth_members a JOIN pg_roles g ON g.oid = a.roleid"
        "  WHERE a.member = r.oid AND g.rolname = :g)) AS ours FROM pg_roles r"), {"g": group})}
    owner = conn.execute(text("SELECT current_user")).scalar()
    made, skipped = [], []
    for name in names:
        found = existing.get(name)
        if name in (owner, group) or (found is not None and not found.ours):
            skipped.append(name)  # a role that is not one of ours (the owner, postgres): never taken over
            continue
        password = person_password(settings, name).replace("'", "")
        verb = "ALTER" if found is not None else "CREATE"
        conn.execute(text(f"""{verb} ROLE "{name}" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '{password}'"""))
        if found is None:
            conn.execute(text(f'GRANT "{group}" TO "{name}"'))
        made.append(name)
    disabled = sorted(n for n, r in existing.items() if r.ours and n not in names)
    for name in disabled:
        conn.execute(text(f'ALTER ROLE "{name}" NOLOGIN'))
    for statement in security_statements(group):
        conn.execute(text(statement))
    return SyncReport(n_rows, made, skipped, disabled, secured=True)
