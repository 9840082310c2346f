"""Global IDs: ``base64url("Type:uuid")``, opaque to clients.

The GraphQL layer hands them out (``api.relay.to_global_id``); the command line and
exports read and print them too, so the encoding lives in the kernel.
"""

from __future__ import annotations

import base64
import binascii
import uuid


def global_id(type_name: str, object_id: uuid.UUID) -> str:
    raw = f"{type_name}:{object_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def parse_global_id(text: str, expected_type: str | None = None) -> tuple[str, uuid.UUID] | None:
    """Decode a global ID; None for anything malformed or of another type."""
    try:
        padded = text + "=" * (-len(text) % 4)
        type_name, _, raw_id = base64.urlsafe_b64decode(padded.encode()).decode().partition(":")
        object_id = uuid.UUID(raw_id)
    except (binascii.Error, ValueError, UnicodeError):
        return None
    if expected_type is not None and type_name != expected_type:
        return None
    return type_name, object_id


__all__ = ["global_id", "parse_global_id"]
