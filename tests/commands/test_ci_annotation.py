"""The `::error file=…,line=…::` annotation a failed build leaves for GitHub Actions."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

from arxdocker.analysis.bake import BakeReport
from arxdocker.analysis.report import build_report
from arxdocker.build.ci import CiEnvironment
from arxdocker.commands._ci_output import failure_annotation, publish
from arxdocker.progress.reader import read_events

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "buildkit"


def _failed_build() -> BakeReport:
    with (FIXTURES / "failing-run.plain.log").open("rb") as stream:
        events = read_events(stream)
        report = build_report(events, events.format, saved_log=True)
    return BakeReport(report, {"": report})


def test_the_annotation_names_the_dockerfile_from_the_repository_root(
    tmp_path: Path, monkeypatch
) -> None:
    repository = tmp_path / "repo"
    dockerfile = repository / "services" / "web" / "Dockerfile"
    dockerfile.parent.mkdir(parents=True)
    shutil.copy(ROOT / "dockerfiles" / "webapp" / "Dockerfile", dockerfile)
    job_folder = repository / "services" / "web" / "src"  # a job's `working-directory:`
    job_folder.mkdir()
    report = _failed_build()
    from_cwd = failure_annotation(report, {"": dockerfile}, [], job_folder)
    assert from_cwd is not None and from_cwd.startswith("::error file=../Dockerfile,line=18,")
    from_root = failure_annotation(report, {"": dockerfile}, [], job_folder, root=repository)
    assert from_root is not None
    assert from_root.startswith("::error file=services/web/Dockerfile,line=18,")

    monkeypatch.setenv("GITHUB_WORKSPACE", str(repository))
    out = io.StringIO()
    github = CiEnvironment("github", None, annotations=True)
    publish(github, report, dockerfiles={"": dockerfile}, text_lines=[], cwd=job_folder,
            annotations_to=out)  # fmt: skip
    assert out.getvalue().startswith("::error file=services/web/Dockerfile,line=18,")
    # A Dockerfile outside the workspace is named from the current folder.
    outside = tmp_path / "elsewhere" / "Dockerfile"
    outside.parent.mkdir()
    shutil.copy(dockerfile, outside)
    out = io.StringIO()
    publish(github, report, dockerfiles={"": outside}, text_lines=[], cwd=tmp_path,
            annotations_to=out)  # fmt: skip
    assert out.getvalue().startswith("::error file=elsewhere/Dockerfile,line=18,")
