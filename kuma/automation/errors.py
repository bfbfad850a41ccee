"""The config file's one error type (kept apart so every checking module can raise it)."""

from __future__ import annotations


class ConfigError(ValueError):
    """A config file that cannot be applied; the message says where and why, `field` is the path of the
    bad part (`monitors[2].colour`), which the REST API names in its 422."""

    def __init__(self, msg: str, field: str = "body") -> None:
        super().__init__(msg)
        self.field = field
