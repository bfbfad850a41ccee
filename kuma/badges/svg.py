"""Render shields.io-style SVG badges byte-compatible with the ones Uptime Kuma 2.5.3 serves.

Layout facts (from the golden badges): text is measured with Verdana width tables (11px for flat,
flat-square and plastic; 10px normal / bold with 1.25 px letter spacing for for-the-badge, which
upper-cases), widths are truncated then rounded up to an odd number, 5 px horizontal padding, text
coordinates scaled ×10. A badge without a label has no label part and a zero-width label rect.
"""

from __future__ import annotations

import bisect
import colorsys
import gzip
import json
import re
from functools import lru_cache
from pathlib import Path

from kuma.badges.css_colors import CSS_COLOR_NAMES

STYLES = ("flat", "flat-square", "plastic", "for-the-badge", "social")
FONT_FAMILY = "Verdana,Geneva,DejaVu Sans,sans-serif"
SOCIAL_FONT_FAMILY = "Helvetica Neue,Helvetica,Arial,sans-serif"
DEFAULT_COLOR = "#4c1"
DEFAULT_LABEL_COLOR = "#555"

NAMED_COLORS = {
    "brightgreen": "#4c1",
    "green": "#97ca00",
    "yellow": "#dfb317",
    "yellowgreen": "#a4a61d",
    "orange": "#fe7d37",
    "red": "#e05d44",
    "blue": "#007ec6",
    "grey": "#555",
    "lightgrey": "#9f9f9f",
}
COLOR_ALIASES = {
    "gray": "grey",
    "lightgray": "lightgrey",
    "critical": "red",
    "important": "orange",
    "success": "brightgreen",
    "informational": "blue",
    "inactive": "lightgrey",
}
_HEX_BARE = re.compile(r"^([0-9a-f]{3}){1,2}$", re.I)
_HEX_CSS = re.compile(r"^#([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$", re.I)
_FUNC = re.compile(r"^(rgba?|hsla?)\(\s*([^)]*)\)$", re.I)


# -- text measurement ------------------------------------------------------------------------------
class WidthTable:
    """Per-character widths as sorted code point ranges; unknown characters count as an 'm'."""

    def __init__(self, ranges: list[list[float]]) -> None:
        self.lows = [int(r[0]) for r in ranges]
        self.highs = [int(r[1]) for r in ranges]
        self.widths = [float(r[2]) for r in ranges]
        self.em = self.char_width(ord("m")) or 0.0

    def char_width(self, code: int) -> float | None:
        if code <= 31 or code == 127:
            return 0.0
        i = bisect.bisect_right(self.lows, code) - 1
        if i >= 0 and code <= self.highs[i]:
            return self.widths[i]
        return None

    def width_of(self, text: str) -> float:
        total = 0.0
        for ch in text:
            w = self.char_width(ord(ch))
            total += self.em if w is None else w
        return total


@lru_cache(maxsize=1)
def _tables() -> dict[str, WidthTable]:
    """Loaded on first use: the idle server does not carry them."""
    path = Path(__file__).with_name("verdana_widths.json.gz")
    data = json.loads(gzip.decompress(path.read_bytes()))
    return {name: WidthTable(ranges) for name, ranges in data.items()}


def text_width(text: str, font: str = "11px Verdana") -> float:
    return _tables()[font].width_of(text)


def preferred_width(text: str, font: str = "11px Verdana") -> int:
    """Truncated text width, rounded up to an odd number (pixel grid alignment)."""
    width = int(text_width(text, font))
    return width + 1 if width % 2 == 0 else width


# -- colours ----------------------------------------------------------------------------------------
def _css_rgb(color: str) -> tuple[float, float, float] | None:
    """RGB (0-255) of a CSS colour string, or None when it is not one."""
    c = color.strip().lower()
    if c in CSS_COLOR_NAMES:
        c = CSS_COLOR_NAMES[c]
    if _HEX_CSS.match(c):
        h = c[1:]
        if len(h) in (3, 4):
            h = "".join(ch * 2 for ch in h)
        return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)
    m = _FUNC.match(c)
    if not m:
        return None
    parts = [p for p in re.split(r"[\s,/]+", m.group(2).strip()) if p]
    if len(parts) < 3:
        return None
    try:
        if m.group(1).startswith("rgb"):
            vals = []
            for p in parts[:3]:
                vals.append(float(p[:-1]) * 2.55 if p.endswith("%") else float(p))
            red, green, blue = (max(0.0, min(255.0, v)) for v in vals)
            return red, green, blue
        hue = float(parts[0].rstrip("deg")) / 360.0
        sat = float(parts[1].rstrip("%")) / 100.0
        light = float(parts[2].rstrip("%")) / 100.0
        r, g, b = colorsys.hls_to_rgb(hue % 1.0, light, sat)
        return r * 255, g * 255, b * 255
    except ValueError:
        return None


def normalize_color(color: str | None) -> str | None:
    if color is None:
        return None
    color = str(color)
    if color in NAMED_COLORS:
        return color
    if color in COLOR_ALIASES:
        return COLOR_ALIASES[color]
    if _HEX_BARE.match(color):
        return "#" + color.lower()
    if color.strip() and _css_rgb(color) is not None:
        return color.lower()
    return None


def to_svg_color(color: str | None) -> str | None:
    """Badge colour as written into the SVG: shields' own palette for its names, else the CSS colour."""
    normalized = normalize_color(color)
    if normalized in NAMED_COLORS:
        return NAMED_COLORS[normalized]
    if normalized in COLOR_ALIASES:
        return NAMED_COLORS[COLOR_ALIASES[normalized]]
    return normalized


def brightness(color: str | None) -> float:
    rgb = _css_rgb(color) if color else None
    if rgb is None:
        return 0.0
    return round((rgb[0] * 299 + rgb[1] * 587 + rgb[2] * 114) / 255000, 2)


def text_colors(background: str) -> tuple[str, str]:
    """(text colour, shadow colour) readable on `background`."""
    return ("#fff", "#010101") if brightness(background) <= 0.69 else ("#333", "#ccc")


def percentage_color(ratio: float, min_hue: float = 10, max_hue: float = 90) -> str:
    """Uptime badge colour: hue from red (0 %) to green (100 %), saturation 90 %, lightness 40 %."""
    hue = ratio * (max_hue - min_hue) + min_hue
    r, g, b = colorsys.hls_to_rgb((hue / 360.0) % 1.0, 0.40, 0.90)
    return "#" + "".join(f"{int(_js_round(v * 255)):02x}" for v in (r, g, b))


def _js_round(x: float) -> float:
    return float(int(x + 0.5)) if x >= 0 else -float(int(-x + 0.5))


# -- SVG pieces ---------------------------------------------------------------------------------------
def escape_xml(text: str) -> str:
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&apos;")
    )


def num(x: float) -> str:
    """A number as JavaScript prints it (no trailing `.0`)."""
    if float(x).is_integer():
        return str(int(x))
    return repr(float(x))


def _strip_ws(xml: str) -> str:
    return re.sub(r"<\s+", "<", re.sub(r">\s+", ">", xml)).strip()


def _head(width: float, height: float, accessible: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="{num(width)}" '
        f'height="{num(height)}" role="img" aria-label="{escape_xml(accessible)}"><title>{escape_xml(accessible)}</title>'
    )


def _text(left: float, content: str, color: str, vertical: int, shadow: bool) -> tuple[str, int]:
    """One label or message text (+ its shadow) starting `left` px from the badge edge."""
    if not content:
        return "", 0
    width = preferred_width(content)
    x = num(10 * (left + 0.5 * width + 5))
    length = num(10 * width)
    fill, shadow_fill = text_colors(color)
    out = ""
    if shadow:
        out += (
            f'<text aria-hidden="true" x="{x}" y="{150 + vertical}" fill="{shadow_fill}" fill-opacity=".3" '
            f'transform="scale(.1)" textLength="{length}">{escape_xml(content)}</text>'
        )
    out += f'<text x="{x}" y="{140 + vertical}" transform="scale(.1)" fill="{fill}" textLength="{length}">{escape_xml(content)}</text>'
    return out, width


def _classic(style: str, label: str, message: str, color: str, label_color: str | None) -> str:
    """flat, flat-square and plastic share one geometry."""
    height = 18 if style == "plastic" else 20
    vertical = -10 if style == "plastic" else 0
    shadow = style != "flat-square"
    has_label = bool(label) or bool(label_color)
    left_color = (label_color or DEFAULT_LABEL_COLOR) if has_label else color
    left_color = escape_xml(left_color)
    color = escape_xml(color)
    label_svg, label_w = _text(1, label, left_color, vertical, shadow)
    left_width = label_w + 10 if has_label else 0
    message_margin = left_width - (1 if message else 0)
    if not has_label:
        message_margin += 1
    message_svg, message_w = _text(message_margin, message, color, vertical, shadow)
    right_width = message_w + 10
    width = left_width + right_width
    accessible = f"{label}: {message}" if label else message
    if style == "flat-square":
        body = (
            f'<g shape-rendering="crispEdges"><rect width="{left_width}" height="{height}" fill="{left_color}"/>'
            f'<rect x="{left_width}" width="{right_width}" height="{height}" fill="{color}"/></g>'
        )
    elif style == "flat":
        body = (
            '<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/>'
            '<stop offset="1" stop-opacity=".1"/></linearGradient>'
            f'<clipPath id="r"><rect width="{width}" height="{height}" rx="3" fill="#fff"/></clipPath>'
            f'<g clip-path="url(#r)"><rect width="{left_width}" height="{height}" fill="{left_color}"/>'
            f'<rect x="{left_width}" width="{right_width}" height="{height}" fill="{color}"/>'
            f'<rect width="{width}" height="{height}" fill="url(#s)"/></g>'
        )
    else:  # plastic
        body = (
            '<linearGradient id="s" x2="0" y2="100%"><stop offset="0"  stop-color="#fff" stop-opacity=".7"/>'
            '<stop offset=".1" stop-color="#aaa" stop-opacity=".1"/><stop offset=".9" stop-color="#000" stop-opacity=".3"/>'
            '<stop offset="1"  stop-color="#000" stop-opacity=".5"/></linearGradient>'
            f'<clipPath id="r"><rect width="{width}" height="{height}" rx="4" fill="#fff"/></clipPath>'
            f'<g clip-path="url(#r)"><rect width="{left_width}" height="{height}" fill="{left_color}"/>'
            f'<rect x="{left_width}" width="{right_width}" height="{height}" fill="{color}"/>'
            f'<rect width="{width}" height="{height}" fill="url(#s)"/></g>'
        )
    text_group = (
        f'<g fill="#fff" text-anchor="middle" font-family="{FONT_FAMILY}" text-rendering="geometricPrecision" '
        f'font-size="110">{label_svg}{message_svg}</g>'
    )
    return _head(width, height, accessible) + body + text_group + "</svg>"


def _for_the_badge(label: str, message: str, color: str, label_color: str | None) -> str:
    label, message = label.upper(), message.upper()
    spacing, margin, height = 1.25, 12, 28
    label_w = int(text_width(label, "10px Verdana")) + spacing * len(label) if label else 0
    message_w = int(text_width(message, "bold 10px Verdana")) + spacing * len(message) if message else 0
    out_label_color = label_color or DEFAULT_LABEL_COLOR
    if label:
        label_rect = margin + label_w + margin
        message_x0 = label_rect + margin
    else:
        label_rect = 0
        message_x0 = margin
    message_rect = 2 * margin + message_w
    if label:
        background = (
            f'<rect width="{num(label_rect)}" height="{height}" fill="{escape_xml(out_label_color)}"/>'
            f'<rect x="{num(label_rect)}" width="{num(message_rect)}" height="{height}" fill="{escape_xml(color)}"/>'
        )
    else:
        background = f'<rect width="{num(message_rect)}" height="{height}" fill="{escape_xml(color)}"/>'
    texts = ""
    if label:
        fill, _ = text_colors(out_label_color)
        texts += (
            f'<text transform="scale(.1)" x="{num(10 * (margin + 0.5 * label_w))}" y="175" '
            f'textLength="{num(10 * label_w)}" fill="{fill}">{escape_xml(label)}</text>'
        )
    fill, _ = text_colors(color)
    texts += (
        f'<text transform="scale(.1)" x="{num(10 * (message_x0 + 0.5 * message_w))}" y="175" '
        f'textLength="{num(10 * message_w)}" fill="{fill}" font-weight="bold">{escape_xml(message)}</text>'
    )
    accessible = f"{label}: {message}" if label else message
    return (
        _head(label_rect + message_rect, height, accessible)
        + f'<g shape-rendering="crispEdges">{background}</g>'
        + f'<g fill="#fff" text-anchor="middle" font-family="{FONT_FAMILY}" text-rendering="geometricPrecision" '
        + f'font-size="100">{texts}</g></svg>'
    )


def _social(label: str, message: str) -> str:
    label = label[:1].upper() + label[1:]
    label_tw = preferred_width(label, "bold 11px Helvetica")
    message_tw = preferred_width(message, "bold 11px Helvetica")
    label_rect = label_tw + 10
    message_rect = message_tw + 8
    accessible = f"{label}: {message}" if label else message
    width = label_rect + 1 + (6 + message_rect if message else 0)
    bubble = ""
    if message:
        main_x = label_rect + 6 + 0.5
        bubble = (
            f'<rect x="{num(main_x)}" y="0.5" width="{message_rect}" height="19" rx="2" fill="#fafafa"/>'
            f'<rect x="{label_rect + 6}" y="7.5" width="0.5" height="5" stroke="#fafafa"/>'
            f'<path d="M{num(main_x)} 6.5 l-3 3v1 l3 3" stroke="d5d5d5" fill="#fafafa"/>'
        )
    label_x = num(10 * (label_tw / 2 + 5))
    texts = (
        f'<rect id="llink" stroke="#d5d5d5" fill="url(#a)" x=".5" y=".5" width="{label_rect}" height="19" rx="2" />'
        f'<text aria-hidden="true" x="{label_x}" y="150" fill="#fff" transform="scale(.1)" textLength="{10 * label_tw}">{escape_xml(label)}</text>'
        f'<text x="{label_x}" y="140" transform="scale(.1)" textLength="{10 * label_tw}">{escape_xml(label)}</text>'
    )
    if message:
        mx = num(10 * (label_rect + 6 + message_rect / 2))
        texts += (
            f'<text aria-hidden="true" x="{mx}" y="150" fill="#fff" transform="scale(.1)" textLength="{10 * message_tw}">{escape_xml(message)}</text>'
            f'<text id="rlink" x="{mx}" y="140" transform="scale(.1)" textLength="{10 * message_tw}">{escape_xml(message)}</text>'
        )
    body = (
        "<style>a:hover #llink{fill:url(#b);stroke:#ccc}a:hover #rlink{fill:#4183c4}</style>"
        '<linearGradient id="a" x2="0" y2="100%"><stop offset="0" stop-color="#fcfcfc" stop-opacity="0"/>'
        '<stop offset="1" stop-opacity=".1"/></linearGradient><linearGradient id="b" x2="0" y2="100%">'
        '<stop offset="0" stop-color="#ccc" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>'
        f'<g stroke="#d5d5d5"><rect stroke="none" fill="#fcfcfc" x="0.5" y="0.5" width="{label_rect}" height="19" rx="2"/>{bubble}</g>'
        f'<g aria-hidden="false" fill="#333" text-anchor="middle" font-family="{SOCIAL_FONT_FAMILY}" '
        f'text-rendering="geometricPrecision" font-weight="700" font-size="110px" line-height="14px">{texts}</g>'
    )
    return _head(width, 20, accessible) + _strip_ws(body) + "</svg>"


def make_badge(
    *, label: str = "", message: str = "", color: str | None = None, label_color: str | None = None, style: str = "flat"
) -> str:
    """The SVG text of one badge. Unknown styles fall back to `flat`; invalid colours to the defaults."""
    label = str(label).strip()
    message = str(message).strip()
    fill = to_svg_color(color) or DEFAULT_COLOR
    left = to_svg_color(label_color)
    if style == "for-the-badge":
        return _for_the_badge(label, message, fill, left)
    if style == "social":
        return _social(label, message)
    if style not in ("flat", "flat-square", "plastic"):
        style = "flat"
    return _classic(style, label, message, fill, left)
