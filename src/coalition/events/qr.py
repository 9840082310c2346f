"""The QR image of a registration's check-in code, for the confirmation and the badge.

The code alone is encoded (never the person's name or email): whoever scans it learns
nothing but the code, which the door staff look up (``registrations.check_in``).
"""

from __future__ import annotations

import segno

# Any of the eight mask patterns makes a valid symbol (ISO/IEC 18004); evaluating all of
# them, segno's default, only picks the one with the fewest confusable patterns, and costs
# 1.4 ms of 1.7 while the event's row is locked by the registration. An 8-character code
# is a 21x21 symbol that scans fine with a fixed one.
MASK = 2


def _symbol(code: str) -> segno.QRCode:
    return segno.make(code, error="m", micro=False, mask=MASK)


def check_in_qr_svg(code: str) -> str:
    """An SVG document (no XML declaration, sized in pixels) of ``code`` as a QR code."""
    svg: str = _symbol(code).svg_inline(scale=6, border=2, title=f"Check-in code {code}")
    return svg


def check_in_qr_data_uri(code: str) -> str:
    """The same image as a ``data:image/svg+xml`` URI, for an ``<img src>``."""
    uri: str = _symbol(code).svg_data_uri(scale=6, border=2)
    return uri


__all__ = ["check_in_qr_data_uri", "check_in_qr_svg"]
