"""`arxdocker lint --fix` on the real engine, for every cache-unfriendly example in dockerfiles/.

For each example: fix a copy of Dockerfile.unfriendly (it must change, parse, and a second --fix
must change nothing), build the fixed, the unfixed and the hand-ordered `Dockerfile` with
`arxdocker build`, make a source-only edit, rebuild all three, and compare cache hits and wall
times. Run with `-s` to see the figures.
"""

from __future__ import annotations

import fnmatch
import json
import os
import posixpath
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from arxdocker.dockerfile import parse_text
from arxdocker.dockerfile.stages import build_stages

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
DEBIAN_IMAGE = "arxdocker/debian-python:12"

# example -> (a source file to edit, whether it needs the Debian base image)
EXAMPLES = {
    "webapp": ("src/index.html", False),
    "docsite": ("content/guide.md", False),
    "pyapp": ("pyapp/__main__.py", True),
    "reportgen": ("bin/report.sh", True),
}
BUSYBOX_EXAMPLES = ("webapp", "docsite")

pytestmark = pytest.mark.engine


def _docker_ok() -> bool:  # the session's engine_env fixture (tests/conftest.py) points docker
    try:
        return subprocess.run(["docker", "info"], capture_output=True, check=False).returncode == 0
    except OSError:
        return False


@pytest.fixture(scope="module")
def debian_base(engine_env: dict[str, str]) -> None:
    if not _docker_ok():
        pytest.fail("no engine: run `scripts/engine.sh up` and export its env")
    inspect = ["docker", "image", "inspect", DEBIAN_IMAGE]
    exists = subprocess.run(inspect, capture_output=True, check=False)
    if exists.returncode != 0:
        subprocess.run([str(ROOT / "scripts" / "make_debian_base.sh")], check=True)


def _build(context: Path, dockerfile: str, history: Path) -> dict:
    args = [str(BIN / "arxdocker"), "build", str(context), "-f", str(context / dockerfile)]
    args += ["--json", "--progress", "quiet", "--history", str(history)]
    base = os.environ.get("ARXDOCKER_BASE_IMAGE")
    if base and context.name in BUSYBOX_EXAMPLES:
        args += ["--build-arg", f"BASE_IMAGE={base}"]
    result = subprocess.run(args, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout)


def _fix(path: Path) -> str:
    lint = [str(BIN / "arxdocker"), "lint", str(path), "--fix", "--exit-zero"]
    subprocess.run(lint, capture_output=True, check=True)
    return path.read_text()


# BuildKit numbers these instructions `[stage i/n]`, FROM being 1; the others make no step.
_STEP_KEYWORDS = frozenset({"RUN", "COPY", "ADD", "WORKDIR"})


def _brings_in(instruction, edited: str) -> bool:
    """Whether a COPY/ADD from the build context copies the edited file."""
    if instruction.keyword not in ("COPY", "ADD") or instruction.flag("from"):
        return False
    for written in instruction.args[:-1]:
        source = posixpath.normpath(written.lstrip("/")) if written.strip("./") else "."
        if source in (".", edited) or edited.startswith(source + "/"):
            return True
        if fnmatch.fnmatchcase(edited, source):
            return True
    return False


def _steps_fed_by(dockerfile: str, edited: str) -> dict[tuple[str, int], tuple[str, bool]]:
    """Each step as BuildKit numbers it, (stage, i) -> (keyword, fed), where fed means the edited
    file can change its input: the COPY that brings it in, every later step of that stage and of
    stages built FROM it, and every COPY --from such a stage (a superset: a COPY --from of an
    unchanged folder stays cached)."""
    model = build_stages(parse_text(dockerfile))
    fed_stages: set[int] = set()
    steps: dict[tuple[str, int], tuple[str, bool]] = {}
    for stage in model.stages:
        label = stage.name or f"stage-{stage.index}"  # BuildKit's name for an unnamed stage
        feeding = stage.base_stage in fed_stages
        numbered = [i for i in stage.instructions if i.keyword in _STEP_KEYWORDS]
        for number, instruction in enumerate(numbered, start=2):
            copied_from = instruction.flag_values("from")
            source_stage = model.stage(copied_from[-1]) if copied_from else None
            feeding = (
                feeding
                or _brings_in(instruction, edited)
                or (source_stage is not None and source_stage.index in fed_stages)
            )
            steps[label, number] = (instruction.keyword, feeding)
        if feeding:
            fed_stages.add(stage.index)
    return steps


def _fed(dockerfile: str, edited: str) -> set[tuple[str, int]]:
    return {key for key, (_, fed) in _steps_fed_by(dockerfile, edited).items() if fed}


def test_steps_fed_by_follows_stages_and_copies() -> None:
    dockerfile = (
        "FROM busybox AS build\nWORKDIR /app\nCOPY deps.txt ./\nRUN fetch\nCOPY src/ src/\n"
        "RUN make\nFROM build AS test\nRUN check\nFROM busybox\nCOPY --from=build /v /v\n"
        "COPY --from=build /out /out\nCOPY README.md /\n"
    )
    fed = _fed(dockerfile, "src/index.html")
    # WORKDIR is step 2; the sources come in at step 5
    assert fed == {("build", 5), ("build", 6), ("test", 2), ("stage-2", 2), ("stage-2", 3),
                   ("stage-2", 4)}  # fmt: skip
    whole = _fed("FROM a\nWORKDIR /a\nCOPY . .\nRUN x\n", "a/b.txt")
    assert whole == {("stage-0", 3), ("stage-0", 4)}
    assert _fed("FROM a\nCOPY *.txt ./\nRUN x\n", "src/b.py") == set()


@pytest.mark.parametrize("example", EXAMPLES)
def test_fixed_unfriendly_example_builds_and_caches(
    example: str, tmp_path: Path, request, engine_env: dict[str, str]
) -> None:
    source, needs_debian = EXAMPLES[example]
    if needs_debian:
        request.getfixturevalue("debian_base")
    context = tmp_path / example
    shutil.copytree(ROOT / "dockerfiles" / example, context)
    fixed_path = context / "Dockerfile.fixed"
    shutil.copy(context / "Dockerfile.unfriendly", fixed_path)
    fixed = _fix(fixed_path)
    parse_text(fixed)
    assert _fix(fixed_path) == fixed, "a second --fix changed the file"
    assert fixed != (context / "Dockerfile.unfriendly").read_text(), "--fix changed nothing"

    history = tmp_path / "history.jsonl"
    dockerfiles = ("Dockerfile.fixed", "Dockerfile.unfriendly", "Dockerfile")
    for dockerfile in dockerfiles:
        _build(context, dockerfile, history)
    with (context / source).open("a") as stream:
        # unique, so that no earlier run's cache holds the edited file
        stream.write(f"\n# a source-only edit {uuid.uuid4()}\n")
    fixed_run, unfixed_run, hand_run = (_build(context, d, history) for d in dockerfiles)

    def figures(report: dict) -> str:
        s = report["summary"]
        return (
            f"{s['steps_cached']}/{s['steps_total']} cached ({s['hit_rate']:.0%}), "
            f"{s['steps_built']} rebuilt, {report['duration_s']:.2f} s"
        )

    print(
        f"\n{example}: after a source edit: fixed {figures(fixed_run)}; "
        f"unfixed {figures(unfixed_run)}; hand-ordered Dockerfile {figures(hand_run)}"
    )
    fixed_summary = fixed_run["summary"]
    # The fix rebuilds only steps the edited file feeds; everything else comes from the cache.
    numbered = _steps_fed_by(fixed, source)
    for step in fixed_run["steps"]:
        if not step["cacheable"]:
            continue
        # A one-stage build's steps may be unlabelled (`[2/5]`) or labelled `[stage-0 2/5]`.
        keyword, fed = numbered[step["stage"] or "stage-0", step["index"]]
        assert step["instruction"].split()[0].upper() == keyword, step["name"]
        assert fed or step["status"] == "cached", f"{step['name']} rebuilt, though not fed"
    rebuilt = [s["name"] for s in fixed_run["steps"] if s["cacheable"] and s["status"] != "cached"]
    print(f"  rebuilt in the fixed file: {'; '.join(rebuilt)}")
    # The fix reaches the hand-written order: it rebuilds no more steps than that file does.
    assert fixed_summary["steps_built"] <= hand_run["summary"]["steps_built"]
    assert fixed_summary["hit_rate"] > unfixed_run["summary"]["hit_rate"]
    assert fixed_run["duration_s"] < unfixed_run["duration_s"]
