"""Shields-style SVG badges (the layout of badge-maker 3.3 that Uptime Kuma serves)."""
