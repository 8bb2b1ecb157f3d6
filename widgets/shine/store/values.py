"""Values as the store keeps them: text checked and cleaned, facilitator keys hashed, times in UTC.

Every value a person typed passes through :func:`clean_text` before any table sees it, and is
refused with a plain-language :class:`StoreInputError` when it is empty or too long.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timezone
from typing import Any

from shine.i18n import N_, _

from .errors import StoreInputError

POST_KINDS = ("milestone", "challenge", "practice", "question")
TEAM_LEVELS = ("elementary", "middle", "high", "k-8", "k-12", "other")
MAX_POST_CHARS = 2000
MAX_NAME_CHARS = 200
MAX_TAGS = 12
JOIN_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud in a room
_KEY_ITERATIONS = 200_000


def new_facilitator_key() -> str:
    """A key a trainer can type: four groups of four from the join-code alphabet (80 bits)."""
    chars = "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(16))
    return "-".join(chars[i:i + 4] for i in range(0, 16, 4))


def _normal_key(key: str) -> str:
    return "".join(ch for ch in (key or "").upper() if ch.isalnum())


def hash_key(key: str) -> str:
    """What the workshops table keeps instead of the key itself."""
    salt = secrets.token_hex(16)
    digest = hashlib.pbkdf2_hmac("sha256", _normal_key(key).encode(), salt.encode(), _KEY_ITERATIONS).hex()
    return f"pbkdf2_sha256${_KEY_ITERATIONS}${salt}${digest}"


def key_matches(key: str, key_hash: str | None) -> bool:
    try:
        scheme, iterations, salt, digest = (key_hash or "").split("$")
    except ValueError:
        return False
    if scheme != "pbkdf2_sha256" or not _normal_key(key):
        return False
    mine = hashlib.pbkdf2_hmac("sha256", _normal_key(key).encode(), salt.encode(), int(iterations)).hex()
    return hmac.compare_digest(mine, digest)


def now() -> datetime:
    return datetime.now(timezone.utc)


def aware(value: datetime) -> datetime:
    """SQLite hands timestamps back without their zone; they were written in UTC."""
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value


def clean_text(value: Any, *, field: str, max_chars: int, required: bool = True) -> str | None:
    """Text as it will be stored: stripped, NUL characters removed (PostgreSQL refuses them).

    ``field`` is the untranslated label (marked with ``N_``); it is translated only for an error."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise StoreInputError(_("{field} must be text.").format(field=_(field)))
    text = value.replace("\x00", "").strip()
    if not text:
        if required:
            raise StoreInputError(_("{field} is empty; please write something.").format(field=_(field)))
        return None
    if len(text) > max_chars:
        raise StoreInputError(
            _("{field} is {n} characters long; the limit is {limit}. Please shorten it.").format(
                field=_(field), n=len(text), limit=max_chars))
    return text


def checked_client(client_id: str) -> str:
    """A browser session's id, as every table that records who did something keeps it."""
    return clean_text(client_id, field=N_("The participant id"), max_chars=64)
