"""``shine.store``: the one place that touches the database (SQLAlchemy 2).

Default: one SQLite file at ``<SHINE_HOME>/shine.db`` (``~/.time-to-shine/shine.db``), created on
first use. ``SHINE_DB_URL=postgresql+psycopg://user@host/db`` runs the same code on PostgreSQL.
"""

from .api import (MAX_POST_CHARS, POST_KINDS, TEAM_LEVELS, PostView, SessionState, Store, TeamInfo, TeamPresent,
                  WorkshopInfo, clean_text, hash_key, key_matches, new_facilitator_key)
from .engine import (DatabaseDamagedError, SchemaTooNewError, StoreError, StoreInputError, default_url,
                     head_revision, shine_home)

__all__ = [
    "MAX_POST_CHARS", "POST_KINDS", "TEAM_LEVELS", "DatabaseDamagedError", "PostView", "SchemaTooNewError",
    "SessionState", "Store", "StoreError", "StoreInputError", "TeamInfo", "TeamPresent", "WorkshopInfo",
    "clean_text", "default_url", "hash_key", "head_revision", "key_matches", "new_facilitator_key", "shine_home",
]

from .visits import MiniVisits, VisitRuleError  # noqa: E402 - registers the tracker's tables too

__all__ += ["MiniVisits", "VisitRuleError"]
