"""Client secrets: random, shown once, stored as a SHA-256 digest.

A plain digest is enough here (unlike passwords): the secret is 256 bits of
randomness, so there is nothing to brute-force, and the token endpoint stays
fast.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets


def new_client_secret() -> str:
    return secrets.token_urlsafe(32)


def hash_client_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def client_secret_matches(secret: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_client_secret(secret), stored_hash)
