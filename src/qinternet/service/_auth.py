"""Bearer tokens: generated once, stored only as salted scrypt hashes, checked in constant time.

A token reads ``qi_<client id>_<secret>``: the id selects the stored hash, the secret is
checked against it (:func:`hashlib.scrypt`, then :func:`hmac.compare_digest`).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

__all__ = ["TokenHash", "hash_secret", "new_client_id", "new_token", "split_token",
           "verify_secret"]

#: scrypt cost parameters (n = 2**14, r = 8, p = 1: about 16 MiB and tens of ms per hash).
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
_PREFIX = "qi_"


@dataclass(frozen=True, slots=True, kw_only=True)
class TokenHash:
    """What is stored of a token: hex salt and hex scrypt digest."""

    salt: str
    digest: str


def new_client_id() -> str:
    """A fresh client id (``c`` + 12 hex digits)."""
    return "c" + secrets.token_hex(6)


def new_token(client_id: str) -> str:
    """A fresh token for ``client_id`` (shown to the user once, never stored)."""
    return f"{_PREFIX}{client_id}_{secrets.token_urlsafe(24)}"


def split_token(token: str) -> tuple[str, str] | None:
    """``(client id, secret)`` of a well-formed token, else None."""
    if not token.startswith(_PREFIX):
        return None
    ident, sep, secret = token[len(_PREFIX):].partition("_")
    if not sep or not ident or not secret or len(token) > 200:
        return None
    return ident, secret


def _scrypt(secret: str, salt: bytes, n: int) -> bytes:
    return hashlib.scrypt(secret.encode(), salt=salt, n=n, r=SCRYPT_R, p=SCRYPT_P,
                          dklen=32, maxmem=64 * 1024 * 1024)


def hash_secret(secret: str) -> TokenHash:
    """Salted scrypt hash of a token's secret (digest ``"N$hex"``: the cost is stored)."""
    salt = secrets.token_bytes(16)
    return TokenHash(salt=salt.hex(), digest=f"{SCRYPT_N}${_scrypt(secret, salt, SCRYPT_N).hex()}")


def verify_secret(secret: str, stored: TokenHash) -> bool:
    """Constant-time comparison of ``secret``'s hash with ``stored``."""
    n_text, _, digest = stored.digest.partition("$")
    got = _scrypt(secret, bytes.fromhex(stored.salt), int(n_text))
    return hmac.compare_digest(got, bytes.fromhex(digest))
