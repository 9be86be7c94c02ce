"""The plain printer's grammar, line by line (util/progress/progressui/printer.go)."""

from __future__ import annotations

from arxdocker.analysis.report import build_report
from arxdocker.progress.models import SolveStatus, TextLine
from arxdocker.progress.plain import clean_line, iter_plain


def report(text: str):
    lines = text.encode().splitlines(keepends=True)
    return build_report(iter_plain(lines), "plain")


def test_interrupted_vertex_resumes_after_dots() -> None:
    result = report(
        "#5 [build 2/3] RUN make\n"
        "#5 0.101 cc -c a.c\n"
        "#5 ...\n"
        "\n"
        "#6 [build 3/3] RUN make test\n"
        "#6 0.200 ok\n"
        "#6 DONE 0.3s\n"
        "\n"
        "#5 [build 2/3] RUN make\n"
        "#5 1.500 cc -o app a.o\n"
        "#5 DONE 1.6s\n"
    )
    steps = {step.index: step for step in result.steps}
    assert steps[2].status == "built" and steps[2].duration_s == 1.6
    assert steps[3].status == "built" and steps[3].duration_s == 0.3
    assert result.summary.steps_total == 2


def test_padded_indices_bake_and_platform_prefixes() -> None:
    result = report(
        "#1 [internal] load local bake definitions\n#1 DONE 0.0s\n\n"
        "#7 [app base  1/13] FROM docker.io/library/alpine:3.20\n#7 DONE 0.1s\n\n"
        "#8 [app linux/amd64 build  2/13] RUN apk add gcc\n#8 CACHED\n\n"
        "#9 [tools linux/amd64->arm64 build 12/13] RUN go build ./...\n#9 DONE 4.0s\n\n"
        "#10 [tools internal] load build context\n#10 DONE 0.0s\n"
    )
    base, cached, cross = result.steps
    assert (base.target, base.stage, base.index, base.total) == ("app", "base", 1, 13)
    assert not base.cacheable
    assert (cached.target, cached.platform, cached.stage, cached.status) == (
        "app",
        "linux/amd64",
        "build",
        "cached",
    )
    assert (cross.target, cross.platform, cross.index) == ("tools", "linux/amd64->arm64", 12)
    assert result.summary.steps_total == 2 and result.summary.steps_cached == 1


def test_old_digest_lines_status_lines_and_warnings_are_not_steps() -> None:
    lines = (
        b"#4 [2/2] RUN echo hi\n"
        b"#4 sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\n"
        b"#4 transferring context: 2B done\n"
        b"#4 WARN: RUN uses a deprecated syntax\n"
        b"#4 0.120 hi\n"
        b"#4 DONE 0.2s\n"
    )
    events = list(iter_plain(lines.splitlines(keepends=True)))
    statuses = [s for e in events if isinstance(e, SolveStatus) for s in e.statuses]
    warnings = [w for e in events if isinstance(e, SolveStatus) for w in e.warnings]
    logs = [log for e in events if isinstance(e, SolveStatus) for log in e.logs]
    assert [s.id for s in statuses] == ["transferring context: 2B done"]
    assert [w.message for w in warnings] == ["RUN uses a deprecated syntax"]
    assert [log.data for log in logs] == [b"hi\n"]
    result = build_report(events, "plain")
    assert result.warnings == 1 and result.steps[0].status == "built"


def test_ansi_colours_and_ci_timestamps_are_removed() -> None:
    line = b"2024-05-01T10:00:00.1234567Z \x1b[34m#3 [2/2] RUN true\x1b[0m\n"
    assert clean_line(line) == b"#3 [2/2] RUN true\n"
    result = build_report(iter_plain([line, b"\x1b[32m#3 DONE 0.5s\x1b[0m\n"]), "plain")
    assert result.steps[0].status == "built" and result.steps[0].duration_s == 0.5


def test_failure_tail_error_and_canceled_steps() -> None:
    result = report(
        '#0 building with "default" instance using docker driver\n\n'
        "#5 [a 2/2] RUN sleep 10\n#5 0.5 waiting\n#5 CANCELED\n\n"
        '#6 [b 2/2] RUN false\n#6 0.100 boom\n#6 ERROR: process "/bin/sh -c false" did not'
        " complete successfully: exit code: 1\n"
        "------\n > [b 2/2] RUN false:\n0.100 boom\n------\n"
        "Dockerfile:4\n--------------------\n   4 | >>> RUN false\n--------------------\n"
        'ERROR: failed to solve: process "/bin/sh -c false" did not complete successfully:'
        " exit code: 1\n"
    )
    statuses = {step.name: step.status for step in result.steps}
    assert statuses == {"[a 2/2] RUN sleep 10": "canceled", "[b 2/2] RUN false": "error"}
    # plain prints no time with ERROR or CANCELED: none is made up (0.0, or the last log line's)
    assert [step.duration_s for step in result.steps] == [None, None]
    assert result.summary.failed_step == "[b 2/2] RUN false"
    assert result.failure is not None and result.failure.log_tail == ("boom",)
    assert result.error is not None and result.error.startswith("failed to solve")
    assert result.exit_code == 1


def test_a_header_never_followed_by_work_does_not_count() -> None:
    result = report("#5 [2/3] RUN make\n\n#6 [3/3] RUN make test\n#6 DONE 1.0s\n")
    assert [step.index for step in result.steps] == [3]


def test_text_lines_between_records_are_kept() -> None:
    events = list(iter_plain([b"some text\n", b"#1 [internal] x\n", b"#1 DONE 0.0s\n"]))
    assert events[0] == TextLine("some text")


def test_a_step_with_huge_output_is_batched_by_size() -> None:
    """Runs of log lines are taken whole per read; a batch of them must not grow with the log."""
    line = b"#5 1.000 " + b"x" * 90 + b"\n"
    chunk = line * (1024 * 1024 // len(line))  # about 1 MiB, as the reader reads
    head = b"#5 [2/2] RUN make\n"
    events = iter_plain([head, *([chunk] * 24), b"#5 DONE 1.0s\n"])
    biggest = max(sum(len(log.data) for log in getattr(e, "logs", ())) for e in events)
    assert 0 < biggest <= 5 * 1024 * 1024
