"""Storage: the only package that speaks SQL. See `db.Database`."""

from kuma.store.db import Database

__all__ = ["Database"]
