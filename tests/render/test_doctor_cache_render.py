"""doctor's report, `cache du`'s tables and JSON, and prune's list, as text."""

from __future__ import annotations

import io
from pathlib import Path

from arxdocker.analysis.cache_prune import PruneRequest, select
from arxdocker.analysis.cache_usage import summarize
from arxdocker.analysis.doctor import FAIL, OK, WARN, Check
from arxdocker.engine.du_text import parse_du_verbose
from arxdocker.render.cache_du import CacheDuTable, du_dict
from arxdocker.render.cache_prune import PruneResult
from arxdocker.render.doctor import DoctorReport, doctor_dict
from arxdocker.render.theme import make_console

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "buildcache"


def text(renderable: object, width: int = 100) -> str:
    console = make_console(width=width, file=io.StringIO(), force_terminal=False)
    console.print(renderable)
    return "\n".join(line.rstrip() for line in console.file.getvalue().splitlines())


def records():
    return parse_du_verbose((FIXTURES / "du-verbose.txt").read_text())[0]


def test_doctor_report_shows_fixes_for_problems_only() -> None:
    checks = [
        Check("docker engine", OK, "26.1.5", "never shown"),
        Check("image store", WARN, "classic image store", "enable the containerd store"),
        Check("registry r:5000", FAIL, "does not answer", "start the registry"),
    ]
    out = text(DoctorReport(checks))
    assert out.splitlines() == [
        "ok    docker engine    26.1.5",
        "warn  image store      classic image store",
        "                       fix: enable the containerd store",
        "FAIL  registry r:5000  does not answer",
        "                       fix: start the registry",
        "1 problem(s) stop builds with this setup",
    ]
    assert doctor_dict(checks, 1)["checks"][2] == {
        "topic": "registry r:5000",
        "status": "fail",
        "detail": "does not answer",
        "fix": "start the registry",
    }


def test_du_tables() -> None:
    out = text(CacheDuTable(summarize(records()), "default"))
    lines = out.splitlines()
    assert lines[0] == "build cache of builder default"
    assert lines[2].split() == ["regular", "4", "5.4", "MB", "5.4", "MB", "a", "minute", "ago"]
    assert lines[5].split()[:5] == ["total", "8", "8.6", "MB", "8.6"]
    assert "/mycache        3.1 MB  a minute ago" in out
    assert "5.4 MB is shared with images" in out


def test_du_json() -> None:
    data = du_dict(summarize(records()), None)
    assert data["schema"] == "arxdocker.cache-du/v1"
    assert data["total"] == {
        "records": 8,
        "size_bytes": 8_599_379,
        "reclaimable_bytes": 8_599_379,
        "shared_bytes": 5_428_899,
    }
    assert data["cache_mounts"] == [
        {"id": "/mycache", "records": 1, "size_bytes": 3_150_000, "last_used_s_ago": 60}
    ]


def test_prune_list_keeps_brackets_and_sums_the_space() -> None:
    removed = select(records(), PruneRequest(all=True))
    out = text(PruneResult(removed, dry_run=False), width=120)
    assert "[stage-0 3/4] COPY a.txt /a.txt" in out
    assert out.splitlines()[0].split() == ["id", "type", "size", "last", "used", "description"]
    assert out.splitlines()[-1] == "removed 8 records, 8.6 MB freed"
    assert text(PruneResult([], dry_run=True)) == "nothing to remove (dry run)"
