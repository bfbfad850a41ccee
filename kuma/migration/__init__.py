"""Carrying on from Uptime Kuma: bring a 1.x (or half-migrated 2.x) kuma.db to 2.5.3's schema and fill
the aggregate tables, resumably, with progress — at `kuma serve` start or offline with `kuma migrate`."""
