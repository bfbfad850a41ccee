"""`/screenshots/<name>.png`: the real-browser checks' latest screenshots, public as in Uptime Kuma.

The file name is a JWT of the monitor id signed with the server's secret (`kuma.shapes.monitor.screenshot_path`),
so only someone who was given the monitor JSON knows it. Files live in `<data>/screenshots/`.
"""

from __future__ import annotations

from quart import Response, send_from_directory
from quart_trio import QuartTrio

from kuma.app import App


def register(web: QuartTrio, app: App) -> None:
    folder = app.config.data_dir / "screenshots"

    @web.route("/screenshots/<name>")
    async def screenshot(name: str):
        path = folder / name
        if not name.endswith(".png") or path.resolve().parent != folder.resolve() or not path.is_file():
            return Response("File not found.", status=404, content_type="text/plain; charset=utf-8")
        response = await send_from_directory(folder, name)
        response.headers["Cache-Control"] = "no-cache"
        return response
