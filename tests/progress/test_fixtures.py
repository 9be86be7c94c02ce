"""Reports of real BuildKit logs, captured on both engines (see each folder's manifest.json for
the commands): tests/fixtures/buildkit (buildx 0.13.1, Docker 26.1) and tests/fixtures/buildkit-0.29
(buildx 0.29.1, Docker 28.5). Every test here runs on the logs of both.

The same scenario captured with --progress=plain and --progress=rawjson must give the same
summary, and the expected counts; the pretty-printed (buildx 0.13) and one-line (0.15+) rawjson
shapes must give the same report.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arxdocker.analysis.report import Report, build_report
from arxdocker.progress.plain import iter_plain
from arxdocker.progress.rawjson import iter_rawjson
from arxdocker.progress.reader import read_events
from tests.engine.scenarios import SCENARIOS, Scenario, buildkit_count

ROOT = Path(__file__).resolve().parents[1] / "fixtures"
FIXTURES = ROOT / "buildkit"  # buildx 0.13.1's, which other test files read too
FOLDERS = {"buildx-0.13.1": FIXTURES, "buildx-0.29.1": ROOT / "buildkit-0.29"}


@pytest.fixture(scope="module", params=list(FOLDERS.values()), ids=list(FOLDERS))
def folder(request: pytest.FixtureRequest) -> Path:
    return request.param


def log_of(folder: Path, name: str, shape: str) -> Path:
    """A fixture log; buildx 0.29.1's own rawjson stands for the one-object-per-line shape that
    is derived from buildx 0.13.1's pretty-printed one."""
    path = folder / f"{name}.{shape}.log"
    if shape == "rawjson-compact" and not path.exists():
        return folder / f"{name}.rawjson.log"
    return path


def captured(folder: Path) -> set[str]:
    manifest = json.loads((folder / "manifest.json").read_text())
    return {entry["scenario"] for entry in manifest["captures"]}


SCENARIO_CASES = [
    pytest.param(path, scenario, id=f"{label}-{scenario.name}")
    for label, path in FOLDERS.items()
    for scenario in SCENARIOS
    if scenario.name in captured(path)
]


def report_of(path: Path) -> Report:
    with path.open("rb") as stream:
        events = read_events(stream, name=path.name)
        return build_report(events, events.format)


def check_expected(report: Report, scenario: Scenario, log: bytes) -> None:
    """The scenario's expected counts; where it names none (a bake), BuildKit's own count of the
    distinct step vertices in the log the report was made of."""
    expected, summary = scenario.expected, report.summary
    steps, cached = buildkit_count(log, report.source_format)
    assert summary.steps_total == (steps if expected.total is None else expected.total)
    if expected.cached == -1:
        assert summary.steps_cached == summary.steps_total
    elif expected.cached is not None:
        assert summary.steps_cached == expected.cached
    else:
        assert summary.steps_cached == cached
    assert summary.failed_step == expected.failed_step
    exit_code = (
        expected.exit_code if expected.report_exit_code is None else expected.report_exit_code
    )
    assert report.exit_code == exit_code


@pytest.mark.parametrize(("folder", "scenario"), SCENARIO_CASES)
def test_plain_and_rawjson_agree(folder: Path, scenario: Scenario) -> None:
    plain_log = folder / f"{scenario.name}.plain.log"
    rawjson_log = folder / f"{scenario.name}.rawjson.log"
    plain, rawjson = report_of(plain_log), report_of(rawjson_log)
    assert plain.source_format == "plain"
    assert rawjson.source_format == "rawjson"
    assert plain.error == rawjson.error
    check_expected(plain, scenario, plain_log.read_bytes())
    check_expected(rawjson, scenario, rawjson_log.read_bytes())
    if scenario.expected.total is None:
        # A bake's two runs need not do the same work: how many targets load their own build
        # context, and so get their own copies of a shared stage's steps, varies from run to run
        # (bake-shared: 14 step vertices in one run, 12 in the next). Each log is held to its own
        # count above; per target they agree (tests/analysis/test_bake.py).
        return
    assert plain.summary == rawjson.summary

    def shape(report: Report) -> Counter[tuple[object, ...]]:
        # A FROM shared by two stages is one vertex named after either; two identical steps of
        # different stages run once, and which one shows as cached depends on timing.
        return Counter((s.instruction, s.status) for s in report.steps if s.cacheable)

    assert shape(plain) == shape(rawjson)


@pytest.mark.parametrize(("folder", "scenario"), SCENARIO_CASES)
def test_pretty_and_compact_rawjson_give_the_same_report(folder: Path, scenario: Scenario) -> None:
    pretty = report_of(folder / f"{scenario.name}.rawjson.log")
    compact_log = log_of(folder, scenario.name, "rawjson-compact")
    compact = report_of(compact_log)
    assert pretty.to_dict() == compact.to_dict()
    # The compact file really is one object per line.
    lines = compact_log.read_bytes().splitlines()
    assert all(line.endswith(b"}") for line in lines if line.startswith(b"{"))


def test_buildx_0_29_writes_one_object_per_line_and_0_13_pretty_prints() -> None:
    modern = (FOLDERS["buildx-0.29.1"] / "cold.rawjson.log").read_bytes().splitlines()
    old = (FOLDERS["buildx-0.13.1"] / "cold.rawjson.log").read_bytes().splitlines()
    assert modern[0].startswith(b"{") and modern[0].endswith(b"}")
    assert old[0] == b"{"


def test_rawjson_reports_wall_time_and_plain_does_not(folder: Path) -> None:
    cold = report_of(folder / "cold.rawjson.log")
    assert cold.duration_s is not None and 1.0 < cold.duration_s < 120
    assert report_of(folder / "cold.plain.log").duration_s is None


def test_failing_build_names_the_step_and_its_last_log_lines(folder: Path) -> None:
    for fmt in ("plain", "rawjson"):
        report = report_of(folder / f"failing-run.{fmt}.log")
        assert report.failure is not None
        assert report.failure.step == "[test 2/2] RUN FAIL_TESTS=1 sh src/test.sh"
        assert "expected 42.00, got 41.99" in report.failure.log_tail
        # buildx 0.29 says `failed to build: failed to solve: …`
        assert report.error is not None and "failed to solve: process" in report.error
        assert "exit code: 3" in report.error


def test_the_slowest_steps_are_the_real_ones(folder: Path) -> None:
    report = report_of(folder / "cold.rawjson.log")
    slowest = [step.name for step in report.slowest]
    assert slowest[0].startswith("[deps 4/4] RUN")  # the 4 fetches sleep 0.5 s each
    assert slowest[1] == "[build 2/2] RUN sh src/build.sh /app/dist"


def test_manifest_names_every_fixture_and_its_command(folder: Path) -> None:
    manifest = json.loads((folder / "manifest.json").read_text())
    files = {entry["file"] for entry in manifest["captures"]}
    assert len(files) == len(manifest["captures"])
    assert files == {path.name for path in folder.glob("*.log")}
    assert all("docker buildx" in entry["command"] for entry in manifest["captures"])


@pytest.mark.parametrize(
    ("name", "steps"),
    [
        ("apt-pip", 6),  # real apt-get, pip and gcc output
        ("copy-link", 9),  # each COPY --link is two vertices of one progress group: one step
    ],
)
def test_cold_builds_of_other_projects_agree_across_formats(
    folder: Path, name: str, steps: int
) -> None:
    plain = report_of(folder / f"{name}.plain.log")
    rawjson = report_of(folder / f"{name}.rawjson.log")
    compact = report_of(log_of(folder, name, "rawjson-compact"))
    assert plain.summary == rawjson.summary == compact.summary
    assert (plain.summary.steps_total, plain.summary.steps_cached) == (steps, 0)
    assert [s.name for s in plain.steps if s.cacheable] == sorted(
        (s.name for s in rawjson.steps if s.cacheable), key=[s.name for s in plain.steps].index
    )


def test_apt_pip_slowest_step_is_the_apt_install(folder: Path) -> None:
    assert (
        report_of(folder / "apt-pip.rawjson.log")
        .slowest[0]
        .instruction.startswith("RUN apt-get update")
    )


def split_at(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({min(cut, len(data)) for cut in cuts})
    return [data[a:b] for a, b in zip([0, *points], [*points, len(data)], strict=True)]


@settings(max_examples=60, deadline=None)
@given(cuts=st.lists(st.integers(1, 60_000), max_size=40))
@pytest.mark.parametrize("name", ["failing-run.plain", "apt-pip.rawjson", "bake.rawjson-compact"])
def test_chunk_boundaries_do_not_change_the_report(
    folder: Path, name: str, cuts: list[int]
) -> None:
    # A live pipe delivers bytes in arbitrary pieces; the readers must not care where they fall.
    data = log_of(folder, *name.split(".")).read_bytes()
    reader = iter_plain if name.endswith(".plain") else iter_rawjson
    fmt = "plain" if reader is iter_plain else "rawjson"
    whole = build_report(reader([data]), fmt)
    pieces = build_report(reader(split_at(data, cuts)), fmt)
    assert pieces.to_dict() == whole.to_dict()
    assert whole.summary.steps_total > 0


@pytest.mark.parametrize("shape", ["plain", "rawjson", "rawjson-compact"])
@pytest.mark.parametrize(
    "stamp",
    [
        b"2026-11-25T21:33:39.1234567Z ",  # GitHub's downloaded job logs
        b"2026-11-25T21:33:39.123456Z 01E ",  # GitLab runner 17+ with FF_TIMESTAMPS
        b"2026-11-25T21:33:39.123456Z 00O+ ",  # the same, a continued line
    ],
)
def test_a_log_saved_from_a_ci_job_with_timestamps(
    folder: Path, shape: str, stamp: bytes, tmp_path: Path
) -> None:
    """CI job logs prefix every line with a timestamp (and keep colours)."""
    source = log_of(folder, "source-edit", shape)
    stamped = tmp_path / "job.log"
    stamped.write_bytes(
        b"".join(stamp + line for line in source.read_bytes().splitlines(keepends=True))
    )
    plain, ci = report_of(source), report_of(stamped)
    assert (ci.summary.steps_total, ci.summary.steps_cached) == (8, 5)
    assert [(s.name, s.status) for s in ci.steps] == [(s.name, s.status) for s in plain.steps]


@pytest.mark.parametrize("shape", ["plain", "rawjson"])
@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_a_utf16_log_from_powershell_reads_as_utf8(
    folder: Path, shape: str, encoding: str, tmp_path: Path
) -> None:
    """Windows PowerShell 5 saves `2> build.log` as UTF-16 with a byte-order mark, CRLF lines."""
    source = log_of(folder, "source-edit", shape)
    saved = tmp_path / "build.log"
    text = source.read_text(encoding="utf-8").replace("\n", "\r\n")
    saved.write_bytes(("\ufeff" + text).encode(encoding))
    report = report_of(saved)
    assert (report.summary.steps_total, report.summary.steps_cached) == (8, 5)
    assert [s.name for s in report.steps] == [s.name for s in report_of(source).steps]


def test_a_plain_log_of_two_builds_keeps_each_builds_steps_apart(
    folder: Path, tmp_path: Path
) -> None:
    """A CI job that builds twice logs both builds, each numbered from #1 by BuildKit."""
    first, second = folder / "cold.plain.log", folder / "source-edit.plain.log"
    both = tmp_path / "job.log"
    both.write_bytes(first.read_bytes() + second.read_bytes())
    report, alone = report_of(both), [report_of(first), report_of(second)]
    assert report.builds == 2 and alone[0].builds == alone[1].builds == 1
    assert [(s.name, s.status) for s in report.steps] == [
        (s.name, s.status) for part in alone for s in part.steps
    ]
    assert report.summary.steps_cached == 5 and report.summary.steps_total == 16


def test_a_failed_build_before_another_keeps_its_failure(folder: Path, tmp_path: Path) -> None:
    both = tmp_path / "job.log"
    both.write_bytes(
        (folder / "failing-run.plain.log").read_bytes() + (folder / "warm.plain.log").read_bytes()
    )
    report = report_of(both)
    assert report.summary.failed_step == "[test 2/2] RUN FAIL_TESTS=1 sh src/test.sh"
    assert report.exit_code == 1 and report.builds == 2


@pytest.mark.parametrize(
    "preamble",
    [
        b'{"level":"info","msg":"starting job"}\n',  # a tool's JSON log line
        b'{"warnings":[],"level":"info"}\n',  # one whose first key a SolveStatus has too
        b'$ cat build-info.json\n{\n  "version": "1.2.3"\n}\n',  # pretty JSON printed by the job
    ],
)
def test_json_a_job_prints_before_a_plain_build_is_not_rawjson(
    folder: Path, preamble: bytes, tmp_path: Path
) -> None:
    saved = tmp_path / "job.log"
    saved.write_bytes(preamble + (folder / "warm.plain.log").read_bytes())
    with saved.open("rb") as stream:
        assert read_events(stream).format == "plain"
    assert report_of(saved).summary.steps_cached == 8


@pytest.mark.parametrize("shape", ["rawjson", "rawjson-compact"])
def test_a_rawjson_log_of_two_builds_keeps_them_apart(
    folder: Path, shape: str, tmp_path: Path
) -> None:
    """A CI job that builds twice: the warm build's steps share digests with the cold one's."""
    cold, warm = (log_of(folder, name, shape) for name in ("cold", "warm"))
    both = tmp_path / "job.log"
    both.write_bytes(cold.read_bytes() + warm.read_bytes())
    first, second, joined = report_of(cold), report_of(warm), report_of(both)
    assert joined.builds == 2
    assert joined.summary.steps_total == first.summary.steps_total + second.summary.steps_total
    assert joined.summary.steps_cached == second.summary.steps_cached == 8
    assert first.duration_s is not None and second.duration_s is not None
    assert joined.duration_s == pytest.approx(first.duration_s + second.duration_s)
    assert [s.digest for s in joined.steps] == [s.digest for s in (*first.steps, *second.steps)]


def test_one_build_with_a_syntax_frontend_is_one_build() -> None:
    """`# syntax=` loads the Dockerfile twice, and BuildKit resends vertices: no new build."""
    from arxdocker.progress.models import SolveStatus, Vertex, at_seconds

    def shown(digest: str, name: str, started: float) -> SolveStatus:
        return SolveStatus((Vertex(digest, name, started_at=at_seconds(started)),))

    definition = "[internal] load build definition from Dockerfile"
    events = [
        shown("sha256:a", definition, 1.0),
        shown("sha256:b", definition, 2.0),  # the frontend image's own load
        shown("sha256:c", "[2/2] RUN make", 3.0),
        shown("sha256:b", definition, 2.0),  # resent
    ]
    lines = [msgspec.json.encode(event) + b"\n" for event in events]
    report = build_report(iter_rawjson(lines), "rawjson")
    assert report.builds == 1
