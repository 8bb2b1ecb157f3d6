"""``Store``: the database and one small repository per area of the product.

    store = Store()                # the default database (SHINE_DB_URL, else SQLite in SHINE_HOME)
    store.teams.ensure(district, school)
    store.room.add_post(...)       # regional meetings: workshops, posts, votes, moderation
    store.plans.save(...)          # One-Year Action Plans, versioned
    store.answers.record(...)      # self-assessment answers, per team
    MiniVisits(store)              # the Mini Visit tracker (visits.py)

    Store(url, scope=Scope.everyone())   # whose rows it shows (scope.py); by default, from the
                                         # environment: a hub user's own, else everything
"""

from __future__ import annotations

from .answers import Answers
from .db import Database
from .plans import Plans
from .room import Room
from .scope import Scope
from .teams import Teams


class Store(Database):
    """The one place that touches the database. ``Store()`` opens the default database."""

    def __init__(self, url: str | None = None, *, upgrade: bool = True, check: bool = True,
                 scope: Scope | None = None):
        super().__init__(url, upgrade=upgrade, check=check)
        try:
            self.scope = scope if scope is not None else Scope.from_env(self)
        except BaseException:
            self.close()
            raise
        self.teams = Teams(self)
        self.room = Room(self)
        self.plans = Plans(self)
        self.answers = Answers(self)
