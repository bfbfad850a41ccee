"""`keyword`: an HTTP check whose body must contain (or, inverted, must not contain) `keyword` (spec §4.1)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from kuma.monitors._common import as_bool
from kuma.monitors._http_request import failure, perform, response_text, success
from kuma.monitors.base import CheckContext, CheckFailed, CheckResult, MonitorType, register

_TAGS_AND_SPACE = re.compile(r"<[^>]*>?|\s+")
SNIPPET_MAX = 50


def snippet(text: str) -> str:
    """Body shown in the failure message: tags and whitespace runs become one space, at most 50 chars."""
    flat = " ".join(_TAGS_AND_SPACE.sub(" ", text).split())
    return flat if len(flat) <= SNIPPET_MAX else flat[: SNIPPET_MAX - 3] + "..."


def keyword_verdict(status_msg: str, text: str, keyword: str, invert: bool) -> str:
    """UP message, or CheckFailed with Uptime Kuma's wording."""
    found = keyword in text
    if found != invert:
        return f"{status_msg}, keyword " + ("not found" if invert else "is found")
    where = "is present in" if invert else "is not in"
    raise CheckFailed(f"{status_msg}, but keyword {where} [{snippet(text)}]")


@register("keyword")
class Keyword(MonitorType):
    async def check(self, monitor: Mapping[str, Any], ctx: CheckContext) -> CheckResult:
        outcome = await perform(monitor, ctx)
        try:
            msg = keyword_verdict(
                outcome.status_msg,
                response_text(outcome.text),
                str(monitor.get("keyword") or ""),
                as_bool(monitor.get("invert_keyword")),
            )
        except CheckFailed as exc:
            raise failure(str(exc), monitor, outcome) from None
        return success(msg, monitor, outcome)
