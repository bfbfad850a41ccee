"""Native notification providers: one module per Uptime Kuma provider key (found by pkgutil)."""
