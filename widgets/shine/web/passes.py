"""A trainer's pass to a room's facilitator console, after logging in to the hub.

On a JupyterHub the room's console opens with the facilitator key, or for a trainer logged in to
the hub: the hub service ``trainer-console`` (:mod:`shine.hub.trainers`, which only the
``trainers`` group may reach) issues a pass and sends the trainer's browser to the room's
``console.ipynb?pass=...``. A pass names the workshop, the trainer and the moment it stops working
(:data:`TTL_S` after it was issued: long enough to load the page), signed (HMAC-SHA256) with a key
that only the room's OS account can read (the file named by ``SHINE_ROOM_PASS_FILE``). Voila gives
the page's query string to its kernel (``QUERY_STRING``), where the console checks the pass and
opens without asking for the key.

Without that file (a laptop's ``shine workshop``) no pass is accepted, so the key is the only way in.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import stat
import time
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import parse_qs

PASS_ENV = "SHINE_ROOM_PASS_FILE"
QUERY_ENV = "QUERY_STRING"  # what Voila puts in a page's kernel: the page's query string
TTL_S = 60


def make_key(path: Path, owner: tuple[int, int] | None = None) -> Path:
    """The signing key, made once (32 random bytes, hex), readable by its owner only.

    Root makes it in the rooms' account's home, a folder that account can write: a name there
    that is a link (symbolic or hard) is refused, never followed, so the account cannot make
    root hand it another file."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        os.write(fd, secrets.token_hex(32).encode())
    except FileExistsError:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)  # a symbolic link: ELOOP, an OSError
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_nlink != 1:
            raise OSError(f"{path} is not a plain file of its own")
        if owner is not None:
            os.fchown(fd, *owner)
        os.fchmod(fd, 0o600)
    finally:
        os.close(fd)
    return path


def read_key(path: str | os.PathLike) -> bytes | None:
    try:
        key = Path(path).read_text().strip().encode()
    except OSError:
        return None
    return key if len(key) >= 32 else None


def _sign(key: bytes, body: str) -> str:
    return hmac.new(key, body.encode(), hashlib.sha256).hexdigest()


def issue(key: bytes, workshop_id: int, user: str, now: float | None = None, ttl: int = TTL_S) -> str:
    """A pass for ``user`` to the console of ``workshop_id``, good for ``ttl`` seconds."""
    expires = int((time.time() if now is None else now) + ttl)
    name = base64.urlsafe_b64encode(user.encode()).decode().rstrip("=")
    body = f"{workshop_id}.{expires}.{name}"
    return f"{body}.{_sign(key, body)}"


def verify(key: bytes, token: str, workshop_id: int, now: float | None = None) -> str | None:
    """The trainer's name, when ``token`` is a good pass to this workshop's console; else None."""
    try:
        wid, expires, name, signature = token.split(".")
        if not hmac.compare_digest(signature, _sign(key, f"{wid}.{expires}.{name}")):
            return None
        if int(wid) != workshop_id or int(expires) < (time.time() if now is None else now):
            return None
        return base64.urlsafe_b64decode(name + "=" * (-len(name) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        return None


def trainer_from_env(workshop_id: int, environ: Mapping[str, str] | None = None) -> str | None:
    """In a console page's kernel: the trainer whose pass came with the page, or None."""
    env = os.environ if environ is None else environ
    key = read_key(env[PASS_ENV]) if env.get(PASS_ENV) else None
    token = parse_qs(env.get(QUERY_ENV, "")).get("pass", [""])[0]
    if key is None or not token:
        return None
    return verify(key, token, workshop_id)
