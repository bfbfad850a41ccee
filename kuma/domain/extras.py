"""The small server.js handlers (socketio-events.md §3.5-§3.6 and `checkDomain`, §3.2): game list, push
examples, the Web Push VAPID key, PM2 processes, Chrome test, domain-expiry support. Each answers as Uptime
Kuma does, or, for a part kuma does not build (domain expiry, PM2, real-browser monitors), raises a
`DomainError` that says so: the client always gets an ack."""

from __future__ import annotations

import base64
import functools
import json
import os
import re
import shutil
from importlib import resources
from typing import TYPE_CHECKING, Any

import trio

from kuma.domain.errors import DomainError
from kuma.store import settings as settings_store

if TYPE_CHECKING:
    from kuma.app import App

DOMAIN_EXPIRY_NOT_BUILT = "Domain expiry monitoring is not supported by this server yet"
PM2_NOT_BUILT = "PM2 monitors are not supported by this server yet"
CHROME_NOT_FOUND = "Chromium executable not found"


@functools.lru_cache(maxsize=1)
def _games() -> str:
    # gamedig 4.3.1's games.txt (MIT, node-gamedig developers) as GameResolver._readGames() gives it,
    # sorted by `pretty` as Uptime Kuma's getGameList() does; kept as the JSON text (each call decodes a copy)
    return resources.files("kuma.domain").joinpath("gamedig_games.json").read_text(encoding="utf-8")


def game_list() -> list[dict[str, Any]]:
    """`[{keys: [id…], pretty, options: {port…, protocol}, extra: {…}}…]`, sorted by pretty name."""
    return json.loads(_games())


# -- push examples -------------------------------------------------------------------------------------

#: The URL the web UI replaces with the monitor's push URL.
PUSH_URL = "https://example.com/api/push/key?status=up&msg=OK&ping="


def _fetch_example(runtime: str, url_declaration: str, signature: str) -> str:
    """The fetch-loop example, in JavaScript or TypeScript (they differ only in the type annotations)."""
    return f"""// Sends a push to kuma every 60 seconds ({runtime})
{url_declaration} = "{PUSH_URL}";

async function push{signature} {{
    try {{
        await fetch(url);
        console.log("Pushed!");
    }} catch (error) {{
        console.error("Error:", error);
    }}
}}

push();
setInterval(push, 60 * 1000);
"""


PUSH_EXAMPLES: dict[str, str] = {
    "bash-curl": f"""#!/bin/bash
# Sends a push to kuma every 60 seconds
while true; do
    curl -fsS -m 10 --retry 5 -o /dev/null "{PUSH_URL}"
    sleep 60
done
""",
    "csharp": f"""using System;
using System.Net.Http;
using System.Threading;

// Sends a push to kuma every 60 seconds
var url = "{PUSH_URL}";
using var client = new HttpClient();
while (true)
{{
    try {{ await client.GetAsync(url); Console.WriteLine("Pushed!"); }}
    catch (Exception e) {{ Console.WriteLine("Error: " + e.Message); }}
    Thread.Sleep(60 * 1000);
}}
""",
    "docker": f"""docker run -d --restart=always --name kuma-push curlimages/curl:latest \\
    sh -c 'while true; do curl -fsS -m 10 -o /dev/null "{PUSH_URL}"; sleep 60; done'
""",
    "go": f"""package main

import (
\t"fmt"
\t"net/http"
\t"time"
)

// Sends a push to kuma every 60 seconds
func main() {{
\turl := "{PUSH_URL}"
\tfor {{
\t\tif resp, err := http.Get(url); err != nil {{
\t\t\tfmt.Println("Error:", err)
\t\t}} else {{
\t\t\tresp.Body.Close()
\t\t\tfmt.Println("Pushed!")
\t\t}}
\t\ttime.Sleep(60 * time.Second)
\t}}
}}
""",
    "java": f"""import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

// Sends a push to kuma every 60 seconds
public class Index {{
    public static void main(String[] args) throws Exception {{
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create("{PUSH_URL}")).build();
        while (true) {{
            try {{
                client.send(request, HttpResponse.BodyHandlers.discarding());
                System.out.println("Pushed!");
            }} catch (Exception e) {{
                System.out.println("Error: " + e.getMessage());
            }}
            Thread.sleep(60 * 1000);
        }}
    }}
}}
""",
    "javascript-fetch": _fetch_example("Node.js 18+", "const url", "()"),
    "php": f"""<?php
// Sends a push to kuma every 60 seconds
$url = "{PUSH_URL}";
while (true) {{
    $result = @file_get_contents($url);
    echo $result === false ? "Error\\n" : "Pushed!\\n";
    sleep(60);
}}
""",
    "powershell": f"""# Sends a push to kuma every 60 seconds
$url = "{PUSH_URL}"
while ($true) {{
    try {{ Invoke-WebRequest -Uri $url -UseBasicParsing | Out-Null; Write-Output "Pushed!" }}
    catch {{ Write-Output "Error: $_" }}
    Start-Sleep -Seconds 60
}}
""",
    "python": f"""# Sends a push to kuma every 60 seconds
import time
import urllib.request

url = "{PUSH_URL}"
while True:
    try:
        urllib.request.urlopen(url, timeout=10).close()
        print("Pushed!")
    except Exception as error:
        print("Error:", error)
    time.sleep(60)
""",
    "typescript-fetch": _fetch_example("Node.js 18+ / Deno / Bun", "const url: string", "(): Promise<void>"),
}


def push_example(language: Any) -> str:
    """The example's code; "Invalid language" / "Not found" as Uptime Kuma answers."""
    if not isinstance(language, str) or not re.fullmatch(r"[a-z-]+", language):
        raise DomainError("Invalid language")
    code = PUSH_EXAMPLES.get(language)
    if code is None:
        raise DomainError("Not found")
    return code


# -- Web Push ------------------------------------------------------------------------------------------


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def new_vapid_keys() -> tuple[str, str]:
    """(public, private) as web-push's generateVAPIDKeys(): P-256, uncompressed point / 32-byte scalar,
    URL-safe base64 without padding."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return _b64url(public), _b64url(key.private_numbers().private_value.to_bytes(32, "big"))


async def webpush_public_key(app: App) -> str:
    """The VAPID public key, the pair created on first use (settings webpushPublicVapidKey/…PrivateVapidKey,
    type NULL as Uptime Kuma's Settings.set, so setSettings can never overwrite them)."""
    stored = await app.db.read(lambda db: settings_store.get_setting(db, "webpushPublicVapidKey"))
    if isinstance(stored, str) and stored:
        return stored
    public, private = new_vapid_keys()

    def create(db: Any) -> str:
        existing = settings_store.get_setting(db, "webpushPublicVapidKey")
        if isinstance(existing, str) and existing:  # another call created it meanwhile
            return existing
        settings_store.set_setting(db, "webpushPublicVapidKey", public)
        settings_store.set_setting(db, "webpushPrivateVapidKey", private)
        return public

    return await app.db.write(create)


# -- PM2, Chrome, domain expiry -------------------------------------------------------------------------


async def pm2_process_list() -> list[Any]:
    raise DomainError(PM2_NOT_BUILT)


#: Where Uptime Kuma looks for a Chromium when the executable is "#__default__" (Linux names).
CHROME_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_CHROME_NAME = re.compile(r"(chromium|chrome)(-browser|-stable|-beta|-dev|-unstable)?(\.exe)?", re.I)


def find_chrome(executable: Any) -> str:
    """The Chromium to run: the default one for "#__default__" or "", else the given path, which must name a
    Chromium/Chrome binary (a logged-in user must not be able to run any program through this test)."""
    if executable in (None, "", "#__default__"):
        for name in CHROME_CANDIDATES:
            found = shutil.which(name)
            if found:
                return found
        raise DomainError(CHROME_NOT_FOUND)
    if not isinstance(executable, str) or len(executable) > 4096 or "\0" in executable:
        raise DomainError(CHROME_NOT_FOUND)
    if not _CHROME_NAME.fullmatch(os.path.basename(executable)):
        raise DomainError("This path does not name a Chromium or Chrome executable")
    found = shutil.which(executable)
    if not found:
        raise DomainError(CHROME_NOT_FOUND)
    return found


async def chrome_version(executable: Any) -> str:
    """The version `<chromium> --version` prints ("Chromium 120.0.6099.224 …" → "120.0.6099.224")."""
    path = find_chrome(executable)
    try:
        with trio.fail_after(20):
            done = await trio.run_process([path, "--version"], capture_stdout=True, capture_stderr=True, check=False)
    except (OSError, trio.TooSlowError) as exc:
        raise DomainError(f"Cannot run {path}: {exc}") from None
    text = done.stdout.decode(errors="replace").strip()
    match = re.search(r"\d+(\.\d+)+", text)
    if done.returncode != 0 or not match:
        raise DomainError(f"{path} did not report a version")
    return match.group(0)


def check_domain(partial: Any) -> dict[str, Any]:
    """Uptime Kuma answers `{ok:true, domain, tld}` when RDAP covers the monitor's domain; kuma has no domain
    expiry checks yet, so every monitor gets the refusal shape `{ok:false, msg, msgi18n, meta:{}}` (the web UI
    then leaves the domain-expiry option off)."""
    raise DomainError(DOMAIN_EXPIRY_NOT_BUILT, msgi18n=False, meta={})
