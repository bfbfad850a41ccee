"""Wire shapes: rows in, dicts out with Uptime Kuma's exact key order. Handlers never hand-build them."""
