"""A QR code as inline SVG (the 2FA set-up shows the otpauth URI as one): drawn here, so the dashboard
needs no script of its own for it and nothing leaves the machine. segno does the encoding."""

from __future__ import annotations

import io

import segno

MAX_TEXT = 2048


def qr_svg(text: str) -> str:
    """Black modules on white with a quiet zone, whatever the page's theme (scanners need the contrast)."""
    code = segno.make(text, error="m")
    out = io.BytesIO()
    code.save(
        out, kind="svg", scale=4, border=4, dark="#000", light="#fff", xmldecl=False, svgclass="qr", lineclass=None
    )
    return out.getvalue().decode("ascii")
