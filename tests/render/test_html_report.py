"""The HTML report: self-contained, one bar per step, and as Chromium renders it.

The Chromium test needs Debian's `chromium`. CI runs as root on a fresh machine, so the fixture
installs it with apt-get when it is missing; the test is skipped only where apt-get does not exist.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from arxdocker.analysis.timeline import timeline
from arxdocker.history.view import RecordView
from arxdocker.render.html_report import render_html
from tests.commands._cli import arxdocker

RECORDS = Path(__file__).resolve().parents[1] / "fixtures" / "records"
NAMES = ("cold", "warm", "edited")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip


def view(name: str) -> RecordView:
    path = RECORDS / f"webapp-{name}.json"
    return RecordView.from_dict(json.loads(path.read_text()), str(path))


def page(name: str = "cold") -> str:
    return render_html(view(name), timeline(view(name)), [view(n) for n in NAMES])


def test_self_contained() -> None:
    html = page()
    assert html.startswith("<!DOCTYPE html>")
    assert not re.search(r"<script|<link|\bsrc=|url\(|@import|https?://", html)


def test_one_bar_per_step_coloured_by_status() -> None:
    html = page()
    bars = re.findall(r'<div class="bar ([a-z]+)( critical)?"', html)
    assert len(bars) == len(view("cold").steps) == 9
    assert sorted(status for status, _ in bars) == ["base"] + ["built"] * 6 + ["cached"] * 2
    assert any(critical for _, critical in bars)
    assert html.count('class="hbar"') == 3  # the history chart: one column per build


def test_text_is_escaped() -> None:
    data = json.loads((RECORDS / "webapp-warm.json").read_text())
    data["steps"][0]["instruction"] = "RUN echo '<b>&'"
    html = render_html(
        RecordView.from_dict(data, "x"), timeline(RecordView.from_dict(data, "x")), []
    )
    assert "RUN echo &#x27;&lt;b&gt;&amp;&#x27;" in html and "<b>&" not in html


@pytest.fixture(scope="session")
def chromium() -> str:
    found = shutil.which("chromium")
    if found:
        return found
    if shutil.which("apt-get") is None:
        pytest.skip("chromium is not installed and apt-get is not available to install it")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "--no-install-recommends", "chromium"]
    if subprocess.run(install, capture_output=True, env=env, check=False).returncode != 0:
        subprocess.run(["apt-get", "update"], capture_output=True, env=env, check=False)
        result = subprocess.run(install, capture_output=True, text=True, env=env, check=False)
        if result.returncode != 0:
            pytest.fail(f"apt-get install chromium failed: {result.stderr.strip()[-300:]}")
    return shutil.which("chromium") or pytest.fail("chromium is still missing after apt-get")


def headless(chromium: str, *args: str) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run(
            [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )


@pytest.mark.slow
def test_chromium_renders_one_bar_per_step(chromium: str, tmp_path: Path) -> None:
    history = tmp_path / "h.jsonl"
    history.write_text("".join(json.dumps(json.loads((RECORDS / f"webapp-{n}.json").read_text()))
                               + "\n" for n in NAMES))  # fmt: skip
    html = tmp_path / "report.html"
    written = arxdocker("report", "last~2", "--html", str(html), "--history", str(history))
    assert written.returncode == 0, written.stderr
    assert written.stdout.startswith(f"wrote {html}: 9 steps (estimated times)")
    dom = headless(chromium, "--dump-dom", html.as_uri())
    assert dom.returncode == 0, dom.stderr[-500:]
    steps = json.loads((RECORDS / "webapp-cold.json").read_text())["steps"]
    assert len(re.findall(r'<div class="bar [a-z]+', dom.stdout)) == len(steps)
    assert dom.stdout.count('class="stage"') == 3  # deps, build, runtime
    shot = tmp_path / "report.png"
    headless(chromium, "--window-size=1200,1000", f"--screenshot={shot}", html.as_uri())
    assert shot.stat().st_size > 10_000
