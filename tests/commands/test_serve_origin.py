"""No other site's page drives ``buildtrace serve``: headless Chromium over loopback.

Two attacks, as a real browser makes them:

- cross-site websocket hijacking: a page served from another port (another origin)
  opens the server's websocket, which would start a viewer and a run of the script;
- DNS rebinding: a name of another site made to resolve to this machine (Chromium's
  ``--host-resolver-rules``), so that its page is "same-origin" with the server: it
  reads the server's page and opens its websocket under the foreign name.

Both must be refused, with no viewer started; the server's own page still works (see
test_serve.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cdp_client import CdpPage, find_chromium, launch_chromium, stop_process_group
from served import Served, free_port, live_with

CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium (see test_serve.py)")

#: The attacker's page: opens the server's websocket and fetches its page, and records
#: what happened in `window.outcome`.
ATTACK = """<!doctype html><meta charset="utf-8"><title>a page of another site</title>
<script>
window.outcome = {socket: "pending", page: "pending"};
const socket = new WebSocket("ws://%(target)s/ws?width=80&height=24");
socket.onopen = () => { window.outcome.socket = "open"; };
const refused = () => {
  if (window.outcome.socket === "pending") window.outcome.socket = "refused";
};
socket.onerror = refused;
socket.onclose = refused;
fetch("http://%(target)s/").then(r => r.text()).then(
  text => { window.outcome.page = text; },
  () => { window.outcome.page = "unreadable"; });
</script>"""

OUTCOME = "JSON.stringify(window.outcome || null)"


@pytest.fixture
def marker(tmp_path: Path) -> Iterator[str]:
    text = f"buildtrace-origin-{os.getpid()}-{tmp_path.name}"
    yield text
    for pid in live_with(text):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def viewers_started(served: Served) -> list[int]:
    return [pid for pid in live_with(served.marker) if pid != served.process.pid]


async def outcome_of(devtools_port: int, url: str) -> dict[str, str]:
    """Open ``url`` and wait until its script knows what became of both requests."""
    import json

    page = await CdpPage.connect(devtools_port)
    try:
        await page.send("Page.navigate", url=url)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(RuntimeError):
                found = json.loads(await page.evaluate(OUTCOME) or "null")
                if found and "pending" not in found.values():
                    return dict(found)
            await asyncio.sleep(0.2)
        raise AssertionError(f"the page never finished: {found}")
    finally:
        await page.close()


def test_a_page_of_another_origin_cannot_open_a_viewer(tmp_path: Path, marker: str) -> None:
    assert CHROMIUM is not None
    served = Served(tmp_path, marker)
    site = tmp_path / "site"
    site.mkdir()
    (site / "attack.html").write_text(ATTACK % {"target": f"127.0.0.1:{served.port}"})
    other = free_port()  # another port is another origin
    web = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(other), "--bind", "127.0.0.1"],
        cwd=site, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    browser = launch_chromium(tmp_path / "profile", binary=CHROMIUM)
    try:
        time.sleep(0.5)
        outcome = asyncio.run(
            outcome_of(browser.devtools_port, f"http://127.0.0.1:{other}/attack.html")
        )
        assert outcome["socket"] == "refused", outcome
        assert outcome["page"] == "unreadable"  # and the browser's own rule hides the page
        time.sleep(1)
        assert not viewers_started(served)
        assert "refused a request" in served.log and "another site" in served.log
    finally:
        browser.stop()
        stop_process_group(web)
        stop_process_group(served.process)


def test_a_rebound_name_reads_nothing_and_opens_no_viewer(tmp_path: Path, marker: str) -> None:
    assert CHROMIUM is not None
    served = Served(tmp_path, marker)
    # The attacker's name resolves to this machine, as DNS rebinding makes it do.
    rules = "--host-resolver-rules=MAP rebound.example 127.0.0.1"
    browser = launch_chromium(tmp_path / "profile", binary=CHROMIUM, flags=[rules])
    target = f"rebound.example:{served.port}"

    async def scenario() -> tuple[str, dict[str, str]]:
        page = await CdpPage.connect(browser.devtools_port)
        try:
            await page.send("Page.navigate", url=f"http://{target}/")
            text = ""
            for _ in range(100):
                text = await page.evaluate("document.body ? document.body.innerText : ''")
                if text:
                    break
                await asyncio.sleep(0.1)
            # The attacker's script, run as a page of that (rebound) origin.
            await page.evaluate(ATTACK.split("<script>")[1].split("</script>")[0]
                                % {"target": target})  # fmt: skip
            for _ in range(150):
                found = await page.evaluate("JSON.stringify(window.outcome)")
                outcome = dict(__import__("json").loads(found))
                if "pending" not in outcome.values():
                    return text, outcome
                await asyncio.sleep(0.2)
            raise AssertionError(f"the page never finished: {outcome}")
        finally:
            await page.close()

    try:
        page_text, outcome = asyncio.run(scenario())
        assert "refused" in page_text and "rebound.example" in page_text
        assert outcome["socket"] == "refused", outcome
        assert "refused" in outcome["page"]  # same-origin now, yet the server says no
        time.sleep(1)
        assert not viewers_started(served)
    finally:
        browser.stop()
        stop_process_group(served.process)
