"""A throwaway PostgreSQL server in a temporary folder, for ``shine hub demo``.

PostgreSQL refuses to run as root: as root, the cluster belongs to the ``postgres`` user that
Debian's package creates, and its programs run as that user (``runuser``). The server listens on
127.0.0.1 only, trusts local connections (nothing else can reach it) and is deleted when stopped.
"""

from __future__ import annotations

import glob
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from shine.i18n import _


class PostgresUnavailable(RuntimeError):
    pass


def bin_dir() -> Path | None:
    """Debian's /usr/lib/postgresql/<version>/bin (the newest), else initdb on PATH, else None."""
    found = glob.glob("/usr/lib/postgresql/*/bin/pg_ctl")
    if found:
        def version(path: str) -> tuple[int, ...]:
            match = re.search(r"/postgresql/([\d.]+)/bin/", path)
            return tuple(int(p) for p in match.group(1).split(".") if p) if match else ()
        return Path(max(found, key=version)).parent
    on_path = shutil.which("pg_ctl")
    return Path(on_path).resolve().parent if on_path and shutil.which("initdb") else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TemporaryPostgres:
    """``with TemporaryPostgres() as pg: pg.create("shine")`` -> a SQLAlchemy URL."""

    def __init__(self):
        self.bin = bin_dir()
        if self.bin is None:
            raise PostgresUnavailable(_("PostgreSQL is not installed (no initdb, pg_ctl)."))
        self.as_user: list[str] = []
        self.owner = None
        if os.geteuid() == 0:
            try:
                self.owner = pwd.getpwnam("postgres")
            except KeyError:
                raise PostgresUnavailable(_("As root, PostgreSQL needs the 'postgres' user that its package "
                                            "creates.")) from None
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self.base: Path | None = None
        self.port = 0
        self.user = self.owner.pw_name if self.owner else pwd.getpwuid(os.geteuid()).pw_name

    def _run(self, *cmd: str) -> subprocess.CompletedProcess:
        return subprocess.run([*self.as_user, *cmd], cwd=self.base, capture_output=True, text=True, timeout=120)

    def start(self) -> "TemporaryPostgres":
        # Directly under /tmp: the postgres user must be able to enter it, and the socket path be short.
        self.base = Path(tempfile.mkdtemp(prefix="shine-hub-pg-", dir="/tmp" if os.path.isdir("/tmp") else None))
        if self.owner:
            os.chown(self.base, self.owner.pw_uid, self.owner.pw_gid)
        data = self.base / "data"
        init = self._run(str(self.bin / "initdb"), "-D", str(data), "--auth=trust", "-U", self.user,
                         "--encoding=UTF8", "--no-locale", "--no-sync")
        if init.returncode != 0:
            self.stop()
            raise PostgresUnavailable(_("initdb failed: {error}").format(error=init.stderr.strip()[-500:]))
        for _attempt in range(5):  # another program may take the free port first
            self.port = _free_port()
            options = f"-h 127.0.0.1 -p {self.port} -k {self.base} -c fsync=off"
            started = self._run(str(self.bin / "pg_ctl"), "-D", str(data), "-l", str(self.base / "server.log"),
                                "-w", "-t", "60", "-o", options, "start")
            if started.returncode == 0:
                return self
        self.stop()
        raise PostgresUnavailable(_("PostgreSQL did not start: {error}").format(error=started.stderr.strip()[-500:]))

    def create(self, dbname: str) -> str:
        """A new database; its SQLAlchemy URL (psycopg 3)."""
        import psycopg

        conninfo = f"host=127.0.0.1 port={self.port} user={self.user} dbname=postgres"
        deadline = time.monotonic() + 30
        while True:
            try:
                with psycopg.connect(conninfo, autocommit=True, connect_timeout=2) as conn:
                    conn.execute(f'CREATE DATABASE "{dbname}"')
                break
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{dbname}"

    def stop(self) -> None:
        if self.base is None:
            return
        if (self.base / "data" / "postmaster.pid").exists():
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.base / "data"), "-m", "fast", "-w", "stop")
        shutil.rmtree(self.base, ignore_errors=True)
        self.base = None

    def __enter__(self) -> "TemporaryPostgres":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
