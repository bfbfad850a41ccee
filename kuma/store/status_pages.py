"""Status pages, their public groups, incidents and custom domains (`status_page*`, `group`,
`monitor_group`, `incident`), plus the few heartbeat/stat reads the public pages need.

Plain functions taking a `sqlite_utils.Database` first; writers must run inside `app.db.write` jobs.
Reads of many monitors are one query each (IN lists / window functions), never one query per monitor.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import sqlite_utils

from kuma.store.db import inserted_id, read_back

INCIDENTS_PER_PAGE = 10
HEARTBEATS_PER_MONITOR = 100


def utc_text(now: float) -> str:
    """`YYYY-MM-DD HH:MM:SS` in UTC, the way Uptime Kuma stores created/modified dates.

    `now` comes from the caller (`app.clock.time()`): the store never reads the wall clock."""
    return datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%d %H:%M:%S")


def _rows(db: sqlite_utils.Database, sql: str, params: Iterable[Any] = ()) -> list[dict]:
    return [dict(r) for r in db.conn.execute(sql, tuple(params)).fetchall()]


def _marks(n: int) -> str:
    return ",".join("?" * n)


# -- status pages ------------------------------------------------------------------------------
def page_by_slug(db: sqlite_utils.Database, slug: str) -> dict | None:
    row = db.conn.execute("SELECT * FROM status_page WHERE slug = ?", (slug,)).fetchone()
    return dict(row) if row else None


def all_pages(db: sqlite_utils.Database) -> list[dict]:
    return _rows(db, "SELECT * FROM status_page ORDER BY title COLLATE NOCASE, id")


def domains_of(db: sqlite_utils.Database, page_ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {pid: [] for pid in page_ids}
    if not page_ids:
        return out
    for r in db.conn.execute(
        f"SELECT status_page_id, domain FROM status_page_cname WHERE status_page_id IN ({_marks(len(page_ids))}) ORDER BY id",
        page_ids,
    ):
        out.setdefault(r[0], []).append(r[1])
    return out


def insert_page(db: sqlite_utils.Database, title: str, slug: str) -> int:
    cur = db.conn.execute(
        "INSERT INTO status_page (auto_refresh_interval, icon, slug, theme, title) VALUES (300, '', ?, 'auto', ?)",
        (slug, title),
    )
    return inserted_id(cur)


def update_page(db: sqlite_utils.Database, page_id: int, fields: dict[str, Any]) -> None:
    if not fields:
        return
    names = ", ".join(f"[{k}] = ?" for k in fields)
    db.conn.execute(f"UPDATE status_page SET {names} WHERE id = ?", (*fields.values(), page_id))


def set_published(db: sqlite_utils.Database, page_id: int, published: bool) -> None:
    db.conn.execute("UPDATE status_page SET published = ? WHERE id = ?", (1 if published else 0, page_id))


def replace_domains(db: sqlite_utils.Database, page_id: int, domains: list[str]) -> None:
    """This page's custom domains become `domains`; a domain used by another page moves here."""
    db.conn.execute("DELETE FROM status_page_cname WHERE status_page_id = ?", (page_id,))
    for domain in domains:
        domain = str(domain).strip().lower()
        if not domain:
            continue
        db.conn.execute("DELETE FROM status_page_cname WHERE domain = ?", (domain,))
        db.conn.execute("INSERT INTO status_page_cname (status_page_id, domain) VALUES (?, ?)", (page_id, domain))


def delete_page(db: sqlite_utils.Database, page_id: int) -> None:
    db.conn.execute("DELETE FROM incident WHERE status_page_id = ?", (page_id,))
    db.conn.execute("DELETE FROM [group] WHERE status_page_id = ?", (page_id,))
    db.conn.execute("DELETE FROM status_page_cname WHERE status_page_id = ?", (page_id,))
    db.conn.execute("DELETE FROM maintenance_status_page WHERE status_page_id = ?", (page_id,))
    db.conn.execute("DELETE FROM status_page WHERE id = ?", (page_id,))


# -- groups --------------------------------------------------------------------------------------
def public_groups(db: sqlite_utils.Database, page_id: int) -> list[dict]:
    return _rows(db, "SELECT * FROM [group] WHERE status_page_id = ? AND public = 1 ORDER BY weight, id", (page_id,))


def group_monitors(db: sqlite_utils.Database, group_ids: list[int]) -> list[dict]:
    """monitor_group rows joined with the monitor columns the public JSON needs, in group/weight order."""
    if not group_ids:
        return []
    return _rows(
        db,
        f"""SELECT mg.group_id, mg.send_url, mg.custom_url, m.id, m.name, m.type, m.url
            FROM monitor_group mg JOIN monitor m ON m.id = mg.monitor_id
            WHERE mg.group_id IN ({_marks(len(group_ids))}) ORDER BY mg.weight, mg.id""",
        group_ids,
    )


def public_monitor_ids_of_page(db: sqlite_utils.Database, page_id: int) -> list[int]:
    """Monitors of the page's public groups, in group weight then monitor weight order (no duplicates)."""
    rows = db.conn.execute(
        """SELECT mg.monitor_id FROM monitor_group mg JOIN [group] g ON g.id = mg.group_id
           WHERE g.status_page_id = ? AND g.public = 1 ORDER BY g.weight, g.id, mg.weight, mg.id""",
        (page_id,),
    ).fetchall()
    seen: dict[int, None] = {}
    for r in rows:
        seen.setdefault(r[0], None)
    return list(seen)


def is_public_monitor(db: sqlite_utils.Database, monitor_id: int) -> bool:
    """On a public group of any status page (published or not), as badges require."""
    row = db.conn.execute(
        """SELECT 1 FROM monitor_group mg JOIN [group] g ON g.id = mg.group_id
           WHERE mg.monitor_id = ? AND g.public = 1 LIMIT 1""",
        (monitor_id,),
    ).fetchone()
    return row is not None


def save_groups(db: sqlite_utils.Database, page_id: int, groups: list[dict]) -> list[int]:
    """Replace the page's public groups with `groups` (order = weight). Returns the group ids."""
    existing = {
        r[0] for r in db.conn.execute("SELECT id FROM [group] WHERE status_page_id = ? AND public = 1", (page_id,))
    }
    kept: list[int] = []
    for weight, group in enumerate(groups, start=1):
        gid = group.get("id")
        name = str(group.get("name") or "")
        if isinstance(gid, int) and gid in existing:
            db.conn.execute("UPDATE [group] SET name = ?, public = 1, weight = ? WHERE id = ?", (name, weight, gid))
        else:
            gid = inserted_id(
                db.conn.execute(
                    "INSERT INTO [group] (name, public, weight, status_page_id) VALUES (?, 1, ?, ?)",
                    (name, weight, page_id),
                )
            )
        kept.append(gid)
        db.conn.execute("DELETE FROM monitor_group WHERE group_id = ?", (gid,))
        for m_weight, monitor in enumerate(group.get("monitorList") or [], start=1):
            if not isinstance(monitor, dict) or not isinstance(monitor.get("id"), int):
                continue
            if db.conn.execute("SELECT 1 FROM monitor WHERE id = ?", (monitor["id"],)).fetchone() is None:
                continue
            send_url = 1 if monitor.get("sendUrl") else 0
            custom_url = monitor.get("url") if "url" in monitor and monitor.get("url") else None
            db.conn.execute(
                "INSERT INTO monitor_group (monitor_id, group_id, weight, send_url, custom_url) VALUES (?, ?, ?, ?, ?)",
                (monitor["id"], gid, m_weight, send_url, custom_url),
            )
    stale = [g for g in existing if g not in kept]
    if stale:
        db.conn.execute(f"DELETE FROM [group] WHERE id IN ({_marks(len(stale))})", stale)
    # groups of the page that are not public (never created by kuma) are left alone
    return kept


# -- tags, TLS --------------------------------------------------------------------------------------
def tags_of(db: sqlite_utils.Database, monitor_ids: list[int]) -> dict[int, list[dict]]:
    """Each monitor's tags in one query (by tag name), for a page's monitor list."""
    out: dict[int, list[dict]] = {mid: [] for mid in monitor_ids}
    if not monitor_ids:
        return out
    for r in db.conn.execute(
        f"""SELECT mt.id, mt.monitor_id, mt.tag_id, mt.value, t.name, t.color
            FROM monitor_tag mt JOIN tag t ON t.id = mt.tag_id
            WHERE mt.monitor_id IN ({_marks(len(monitor_ids))}) ORDER BY t.name, mt.id""",
        monitor_ids,
    ):
        out.setdefault(r[1], []).append(
            {"id": r[0], "monitor_id": r[1], "tag_id": r[2], "value": r[3], "name": r[4], "color": r[5]}
        )
    return out


def tls_info_of(db: sqlite_utils.Database, monitor_ids: list[int]) -> dict[int, str]:
    if not monitor_ids:
        return {}
    return {
        r[0]: r[1]
        for r in db.conn.execute(
            f"SELECT monitor_id, info_json FROM monitor_tls_info WHERE monitor_id IN ({_marks(len(monitor_ids))}) ORDER BY id",
            monitor_ids,
        )
    }


# -- incidents ------------------------------------------------------------------------------------
def pinned_incidents(db: sqlite_utils.Database, page_id: int) -> list[dict]:
    return _rows(
        db,
        "SELECT * FROM incident WHERE status_page_id = ? AND pin = 1 AND active = 1 ORDER BY created_date DESC, id DESC",
        (page_id,),
    )


def incident_history(db: sqlite_utils.Database, page_id: int, cursor: str | None) -> tuple[list[dict], int, bool]:
    """One page of incidents (newest first) before `cursor`; returns (rows, total, has_more)."""
    total = db.conn.execute("SELECT COUNT(*) FROM incident WHERE status_page_id = ?", (page_id,)).fetchone()[0]
    if cursor:
        rows = _rows(
            db,
            "SELECT * FROM incident WHERE status_page_id = ? AND created_date < ? ORDER BY created_date DESC, id LIMIT ?",
            (page_id, cursor, INCIDENTS_PER_PAGE + 1),
        )
    else:
        rows = _rows(
            db,
            "SELECT * FROM incident WHERE status_page_id = ? ORDER BY created_date DESC, id LIMIT ?",
            (page_id, INCIDENTS_PER_PAGE + 1),
        )
    has_more = len(rows) > INCIDENTS_PER_PAGE
    return rows[:INCIDENTS_PER_PAGE], total, has_more


def incident_by_id(db: sqlite_utils.Database, page_id: int, incident_id: Any) -> dict | None:
    row = db.conn.execute(
        "SELECT * FROM incident WHERE id = ? AND status_page_id = ?", (incident_id, page_id)
    ).fetchone()
    return dict(row) if row else None


def insert_incident(db: sqlite_utils.Database, page_id: int, title: str, content: str, style: str, now: float) -> dict:
    now_text = utc_text(now)
    iid = inserted_id(
        db.conn.execute(
            "INSERT INTO incident (title, content, style, created_date, pin, active, status_page_id) VALUES (?, ?, ?, ?, 1, 1, ?)",
            (title, content, style, now_text, page_id),
        )
    )
    return read_back(incident_by_id(db, page_id, iid))


def update_incident(db: sqlite_utils.Database, incident_id: int, fields: dict[str, Any]) -> None:
    names = ", ".join(f"[{k}] = ?" for k in fields)
    db.conn.execute(f"UPDATE incident SET {names} WHERE id = ?", (*fields.values(), incident_id))


def unpin_all(db: sqlite_utils.Database, page_id: int) -> None:
    db.conn.execute("UPDATE incident SET pin = 0 WHERE status_page_id = ? AND pin = 1", (page_id,))


def delete_incident(db: sqlite_utils.Database, incident_id: int) -> None:
    db.conn.execute("DELETE FROM incident WHERE id = ?", (incident_id,))


# -- heartbeats and stats for public views -------------------------------------------------------
def recent_beats(
    db: sqlite_utils.Database, monitor_ids: list[int], limit: int = HEARTBEATS_PER_MONITOR
) -> dict[int, list[tuple]]:
    """Last `limit` beats (status, time, ping) per monitor, oldest first: one indexed query per monitor."""
    out: dict[int, list[tuple]] = {}
    sql = "SELECT status, time, ping FROM heartbeat WHERE monitor_id = ? ORDER BY time DESC LIMIT ?"
    for mid in monitor_ids:
        rows = db.conn.execute(sql, (mid, limit)).fetchall()
        rows.reverse()
        out[mid] = rows
    return out


def latest_beats(db: sqlite_utils.Database, monitor_ids: list[int]) -> dict[int, dict]:
    """The latest heartbeat row (by max id) of each monitor that has one."""
    if not monitor_ids:
        return {}
    rows = _rows(
        db,
        f"""SELECT h.* FROM heartbeat h JOIN (
                SELECT monitor_id, MAX(id) AS id FROM heartbeat WHERE monitor_id IN ({_marks(len(monitor_ids))})
                GROUP BY monitor_id) last ON last.id = h.id""",
        monitor_ids,
    )
    return {r["monitor_id"]: r for r in rows}


def latest_beat(db: sqlite_utils.Database, monitor_id: int) -> dict | None:
    row = db.conn.execute(
        "SELECT * FROM heartbeat WHERE monitor_id = ? ORDER BY id DESC LIMIT 1", (monitor_id,)
    ).fetchone()
    return dict(row) if row else None


STAT_TABLES = {"minute": ("stat_minutely", 60), "hour": ("stat_hourly", 3600), "day": ("stat_daily", 86400)}


def window_stats(
    db: sqlite_utils.Database, monitor_ids: list[int], unit: str, count: int, now: float
) -> dict[int, tuple[int, int, float | None]]:
    """(up, down, avg ping of UP beats) over the last `count` buckets of `unit` (current bucket included).

    Monitors with no bucket in the window fall back to their last bucket, as Uptime Kuma's calculator
    does; monitors with no bucket at all are missing from the result.
    """
    if not monitor_ids:
        return {}
    table, size = STAT_TABLES[unit]
    start = (int(now) // size) * size - (count - 1) * size
    marks = _marks(len(monitor_ids))
    out: dict[int, tuple[int, int, float | None]] = {}
    for r in db.conn.execute(
        f"""SELECT monitor_id, SUM(up), SUM(down), SUM(ping * up), SUM(CASE WHEN ping IS NOT NULL THEN up ELSE 0 END)
            FROM {table} WHERE monitor_id IN ({marks}) AND timestamp >= ? GROUP BY monitor_id""",
        (*monitor_ids, start),
    ):
        up, down, ping_sum, ping_n = r[1] or 0, r[2] or 0, r[3], r[4] or 0
        out[r[0]] = (up, down, (ping_sum / ping_n) if ping_n and ping_sum is not None else None)
    missing = [m for m in monitor_ids if m not in out]
    if missing:
        for r in db.conn.execute(
            f"""SELECT s.monitor_id, s.up, s.down, s.ping FROM {table} s JOIN (
                    SELECT monitor_id, MAX(timestamp) AS ts FROM {table} WHERE monitor_id IN ({_marks(len(missing))})
                    GROUP BY monitor_id) last ON last.monitor_id = s.monitor_id AND last.ts = s.timestamp""",
            missing,
        ):
            out[r[0]] = (r[1] or 0, r[2] or 0, r[3] if r[1] else None)
    return out


def uptime_ratio(stats: tuple[int, int, float | None] | None) -> float | int:
    """Σup / (Σup + Σdown); 0 and 1 as integers, the way JavaScript prints them."""
    if not stats:
        return 0
    up, down, _ = stats
    if not up:
        return 0
    if not down:
        return 1
    return up / (up + down)


def avg_ping_raw(db: sqlite_utils.Database, monitor_id: int, hours: int, now: float) -> float | None:
    """Average of non-null pings of raw heartbeats in the `hours` hours before `now` (avg-response badge)."""
    since = utc_text(now - hours * 3600)
    row = db.conn.execute(
        "SELECT AVG(ping) FROM heartbeat WHERE monitor_id = ? AND time > ? AND ping IS NOT NULL", (monitor_id, since)
    ).fetchone()
    return row[0] if row else None


def slug_of_domain(db: sqlite_utils.Database, host: str) -> str | None:
    """The slug of the status page a custom domain (`status_page_cname`) points to."""
    row = db.conn.execute(
        "SELECT sp.slug FROM status_page_cname c JOIN status_page sp ON sp.id = c.status_page_id WHERE c.domain = ?",
        (host,),
    ).fetchone()
    return row[0] if row else None
