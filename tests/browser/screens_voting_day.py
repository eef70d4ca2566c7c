"""Screenshots of voting day for the docs (not a test): the demo district with 27-11-2024 filled by
praja/situation/votingday.py, served by `praja serve`, photographed in Chromium as the demo's Bag Ops.

    .venv/bin/python tests/browser/screens_voting_day.py [OUT_DIR]     (default test-output/browser)

Writes voting-day-dashboard.png (the dashboard at 27-11-2024 11.00 WIB, top of the page), voting-day-panel.png
(the voting-day panel), voting-day-map-layers.png (the map with posts and reports) and voting-day-lapsit-page1.png
(page 1 of the lapsit PDF of that day, through poppler's pdftoppm). Copy them to docs/img/ by hand.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MOMENT = "2024-11-27T11:00"
FILL = """
import datetime
from praja.base import audit
from praja.situation import votingday
with audit.acting_as(audit.Actor(None, "system:screens", "", "cli")):
    vote = datetime.date(2024, 11, 27)
    plan = votingday.make_plan("35.07", votingday.local(vote, 0) - datetime.timedelta(hours=4))
    s = votingday.fill(vote, "35.07", surge="35.07.01", plan=plan)
    print(s)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    var = Path(tempfile.mkdtemp(prefix="praja-screens-"))
    env = {**os.environ, "PRAJA_VAR_DIR": str(var)}
    env.pop("DATABASE_URL", None)
    bin_dir = Path(sys.executable).parent
    subprocess.run([str(bin_dir / "praja"), "demo", "--no-serve"], env=env, check=True, capture_output=True)
    subprocess.run([sys.executable, str(ROOT / "manage.py"), "shell", "-c", FILL], env=env, check=True, cwd=ROOT)
    port = free_port()
    server = subprocess.Popen([str(bin_dir / "praja"), "serve", "--host", "127.0.0.1", "--port", str(port),
                               "--workers", "2"], env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.5)
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=os.environ.get("PRAJA_CHROMIUM", "/usr/bin/chromium"),
                                  headless=True,
                                  args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            ctx = b.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
            page = ctx.new_page()
            page.set_default_timeout(60_000)
            page.goto(base + "/akun/masuk/")
            page.fill("input[name=username]", "ops.polres")
            page.fill("input[name=password]", "praja-ops-2024")
            page.click("button[type=submit]")
            page.wait_for_url(base + "/")
            page.goto(f"{base}/situasi/?wilayah=35.07&saat={MOMENT}")
            page.wait_for_selector("#map-counts[data-state=done]")
            page.wait_for_selector("#map[data-layers=loaded]")
            page.screenshot(path=str(out / "voting-day-dashboard.png"), full_page=False)
            page.locator("#voting-day").screenshot(path=str(out / "voting-day-panel.png"))
            page.goto(f"{base}/peta/?saat={MOMENT}")
            page.wait_for_selector("#map[data-layers=loaded]")
            page.screenshot(path=str(out / "voting-day-map-layers.png"), full_page=False)
            pdf = page.request.get(f"{base}/situasi/lapsit/draf/?wilayah=35.07&tanggal=2024-11-27&format=pdf").body()
            (out / "voting-day-lapsit.pdf").write_bytes(pdf)
            b.close()
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile",
                        str(out / "voting-day-lapsit.pdf"), str(out / "voting-day-lapsit-page1")], check=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "test-output" / "browser")
