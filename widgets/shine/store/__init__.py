"""``shine.store``: the one place that touches the database (SQLAlchemy 2).

Default: one SQLite file at ``<SHINE_HOME>/shine.db`` (``~/.time-to-shine/shine.db``), created on
first use. ``SHINE_DB_URL=postgresql+psycopg://user@host/db`` runs the same code on PostgreSQL.

:class:`Store` opens the database; each area of the product has its own small repository on it
(``store.teams``, ``store.room``, ``store.plans``, ``store.answers``, and :class:`MiniVisits`).
On a JupyterHub, a store shows a person only the teams of their :class:`Scope` (``scope.py``).
"""

from shine.web.paths import shine_home

from .api import Store
from .engine import default_url, head_revision
from .errors import (
                     DatabaseBusyError,
                     DatabaseDamagedError,
                     DatabaseReadOnlyError,
                     DiskFullError,
                     SchemaTooNewError,
                     SchemaVersionMissingError,
                     StoreError,
                     StoreInputError,
)
from .feed import PostCursor
from .room import PostView, SessionState, TeamPresent, WorkshopInfo
from .scope import Scope, ScopeError
from .teams import TeamInfo
from .values import (
                     MAX_NAME_CHARS,
                     MAX_POST_CHARS,
                     POST_KINDS,
                     TEAM_LEVELS,
                     clean_text,
                     hash_key,
                     key_matches,
                     new_facilitator_key,
)
from .visits import MiniVisits, VisitRuleError  # registers the tracker's tables too

__all__ = [
    "MAX_NAME_CHARS", "MAX_POST_CHARS", "POST_KINDS", "TEAM_LEVELS", "DatabaseBusyError", "DatabaseDamagedError",
    "DatabaseReadOnlyError", "DiskFullError", "MiniVisits", "PostCursor", "PostView", "SchemaTooNewError",
    "SchemaVersionMissingError", "Scope", "ScopeError", "SessionState", "Store", "StoreError", "StoreInputError", "TeamInfo",
    "TeamPresent", "VisitRuleError", "WorkshopInfo", "clean_text", "default_url", "hash_key", "head_revision",
    "key_matches", "new_facilitator_key", "shine_home",
]
