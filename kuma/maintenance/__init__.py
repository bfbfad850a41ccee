"""Maintenance windows: pure window maths (`windows`), the live service (`service`)."""
