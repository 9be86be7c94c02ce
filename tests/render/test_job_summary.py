"""The markdown job summary and the GitHub annotation, rendered from real bake fixtures."""

from __future__ import annotations

from pathlib import Path

from arxdocker.analysis.bake import split_by_target
from arxdocker.analysis.report import build_report
from arxdocker.progress.reader import read_events
from arxdocker.render.github_annotations import error_annotation
from arxdocker.render.job_summary import job_summary

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "buildkit"


def split(name: str, targets: list[str]):  # type: ignore[no-untyped-def]
    with (FIXTURES / name).open("rb") as stream:
        return split_by_target(build_report(read_events(stream), "rawjson"), targets)


def test_a_row_per_target_and_the_total_with_the_slowest_uncached_steps() -> None:
    markdown = job_summary(split("bake.rawjson.log", ["app", "test"]))
    lines = markdown.splitlines()
    assert lines[0] == "## arxdocker build cache"
    app = next(line for line in lines if line.startswith("| app |"))
    assert app.startswith("| app | 0/8 | 0% | ")
    assert "`RUN --mount=type=cache,target=/var/cache/deps sh fetch-deps.sh deps.txt" in app
    # By name alone (no definition), test has the 4 step vertices named after it: its own
    # copies of deps' COPY and RUN and its COPY, all cached (buildx 0.13.1 resolved them apart),
    # and its RUN; the total is BuildKit's 12 distinct step vertices.
    assert next(line for line in lines if line.startswith("| test |")).startswith(
        "| test | 3/4 | 75% | "
    )
    assert any(line.startswith("| **total** | 3/12 | 25% | ") for line in lines)
    assert "Build failed" not in markdown


def test_a_failed_build_names_its_step_and_log() -> None:
    markdown = job_summary(split("failing-run.rawjson.log", ["test"]))
    assert "### Build failed" in markdown
    assert "Failing step: `[test 2/2] RUN FAIL_TESTS=1 sh src/test.sh`" in markdown
    assert "not ok 3 - checkout total matches cart" in markdown
    assert "| test | " in markdown and "| failed |" in markdown


def test_annotation_escapes_its_properties_and_message() -> None:
    line = error_annotation("app/Dockerfile", 18, "failed: [test 2/2] RUN a,b", "exit 3\nlast")
    assert line == (
        "::error file=app/Dockerfile,line=18,title=failed%3A [test 2/2] RUN a%2Cb::exit 3%0Alast\n"
    )


def test_cache_problems_get_a_section_of_their_own() -> None:
    """An export that failed under ignore-error, or a step a bake missed, shows in the summary:
    buildx only prints it in the log."""
    report = split("bake.rawjson.log", ["app", "test"])
    assert "Cache problems" not in job_summary(report)
    failed = "cache export failed for app (exporting cache to registry): refused | retry"
    markdown = job_summary(report, cache_problems=[failed, failed])
    lines = markdown.splitlines()
    start = lines.index("### Cache problems")
    assert lines[start + 2 :] == [
        "- cache export failed for app (exporting cache to registry): refused \\| retry"
    ]


def test_summary_problems_leave_out_a_first_build_s_empty_cache() -> None:
    from arxdocker.commands._ci_output import summary_problems

    cache = {"problems": ["no cache to import yet (r/a:c); the first build fills it", "x failed"]}
    assert summary_problems(cache) == ["x failed"]
    assert summary_problems({}) == []
