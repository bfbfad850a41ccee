"""One-time download tokens (kuma/accounts/download_tokens.py): one use, a deadline, a bounded number kept.
Times are the monotonic seconds the caller gives, so nothing here waits."""
from __future__ import annotations

from kuma.accounts.download_tokens import DownloadTokens


def test_a_token_is_good_once_and_names_its_user():
    tokens = DownloadTokens(ttl=60)
    token = tokens.issue(7, now=1000.0)
    assert len(token) >= 40 and token != tokens.issue(7, now=1000.0)
    assert tokens.redeem(token, now=1010.0) == 7
    assert tokens.redeem(token, now=1010.0) is None
    assert tokens.redeem("not-a-token", now=1010.0) is None


def test_a_token_expires():
    tokens = DownloadTokens(ttl=60)
    token = tokens.issue(1, now=0.0)
    assert tokens.redeem(token, now=60.0) is None


def test_only_the_newest_tokens_are_kept():
    tokens = DownloadTokens(ttl=60, limit=3)
    issued = [tokens.issue(n, now=float(n)) for n in range(5)]
    assert [tokens.redeem(t, now=10.0) for t in issued] == [None, None, 2, 3, 4]
