"""`arxdocker explain` on real builds: issue 7's scenario matrix, one change and one build each.

One module-scoped workspace, built once cold and then once per scenario; each scenario's
explanation (`explain --json`, the build against the one before it) must name exactly the
expected root causes, and every other rebuilt step must be a cascade of one of them.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.engine, pytest.mark.slow]

BASE = "arxexplain/base:1"
DOCKERFILE = f"""\
FROM {BASE} AS deps
WORKDIR /app
COPY deps.txt ./
RUN cat deps.txt > vendor.txt

FROM deps AS build
ARG FLAVOR=plain
COPY src/ src/
RUN echo "$FLAVOR" > flavor && cat src/*.py > app.txt
RUN wc -c app.txt > size.txt

FROM {BASE} AS runtime
COPY --from=build /app/app.txt /app/size.txt /srv/
RUN ls /srv > /srv/list.txt
"""
FILES = {
    "Dockerfile": DOCKERFILE,
    ".dockerignore": "**/*.log\n.arxdocker\nDockerfile\n",
    "deps.txt": "left-pad==1.0\n",
    "src/app.py": "print('app')\n",
    "src/util.py": "X = 1\n",
    "src/debug.log": "ignored\n",
}
RUN_FLAVOR = 'RUN echo "$FLAVOR" > flavor && cat src/*.py > app.txt'


def run(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv, capture_output=True, text=True, check=False, cwd=cwd, timeout=600,
        env={**os.environ, "COLUMNS": "160"},
    )  # fmt: skip


def docker(*args: str, stdin: bytes | None = None) -> bytes:
    result = subprocess.run(
        ["docker", *args], input=stdin, capture_output=True, check=False, timeout=600
    )
    assert result.returncode == 0, result.stderr.decode()
    return result.stdout


def import_base(extra: str | None) -> None:
    """Import the engine's busybox under BASE, with one extra file when `extra` is given."""
    container = docker("create", os.environ["ARXDOCKER_BASE_IMAGE"], "sh").decode().strip()
    try:
        exported = docker("export", container)
    finally:
        docker("rm", container)
    if extra is not None:
        buffer = io.BytesIO()
        with (
            tarfile.open(fileobj=io.BytesIO(exported)) as source,
            tarfile.open(fileobj=buffer, mode="w") as target,
        ):
            for member in source.getmembers():
                target.addfile(member, source.extractfile(member) if member.isfile() else None)
            data = extra.encode()
            info = tarfile.TarInfo("etc/arxexplain")
            info.size = len(data)
            target.addfile(info, io.BytesIO(data))
        exported = buffer.getvalue()
    docker("import", "-", BASE, stdin=exported)


class Workspace:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.args: list[str] = ["--build-arg", "FLAVOR=plain"]

    def write(self, name: str, text: str) -> None:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)

    def build(self, *extra: str, as_json: bool = True) -> str:
        result = run(
            sys.executable, "-m", "arxdocker", "build", ".", "--progress", "quiet",
            *(["--json"] if as_json else []), *self.args, *extra, cwd=self.root,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        return result.stdout

    def explain(self) -> dict[str, Any]:
        result = run(sys.executable, "-m", "arxdocker", "explain", "--json", cwd=self.root)
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    def last_record(self) -> dict[str, Any]:
        lines = (self.root / ".arxdocker" / "history.jsonl").read_text().splitlines()
        return json.loads(lines[-1])


@pytest.fixture(scope="module")
def space(engine_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    root = tmp_path_factory.mktemp("explain")
    space = Workspace(root)
    for name, text in FILES.items():
        space.write(name, text)
    import_base(None)
    space.build()
    return space


def instruction(name: str) -> str:
    """A step name's instruction, with the FLAVOR value BuildKit expanded put back as $FLAVOR."""
    return re.sub(r'echo "[^"]*"', 'echo "$FLAVOR"', name.split("] ", 1)[1])


def causes(document: dict[str, Any]) -> list[tuple[str, str]]:
    return [(cause["kind"], instruction(cause["steps"][0])) for cause in document["causes"]]


def assert_every_built_step_covered(document: dict[str, Any], record: dict[str, Any]) -> None:
    built = {
        s["name"] for s in record["steps"] if s["cacheable"] and s["status"] in ("built", "error")
    }
    covered = [name for cause in document["causes"] for name in cause["steps"]]
    covered += [c["step"] for cause in document["causes"] for c in cause["cascades"]]
    assert sorted(n for n in covered if n in built) == sorted(built)
    assert len(covered) == len(set(covered))  # no step is both a root cause and a cascade


def scenario_source_file(space: Workspace) -> None:
    """One source file (and a file .dockerignore excludes, which must not be named)."""
    space.write("src/app.py", "print('app v2')\n")
    space.write("src/debug.log", "changed, but ignored\n")
    space.build()
    found = space.explain()
    assert causes(found) == [("sources", "COPY src/ src/")]
    assert found["causes"][0]["files"] == {
        "added": [],
        "removed": [],
        "modified": ["src/app.py"],
        "listed": True,
    }
    assert [instruction(c["step"]) for c in found["causes"][0]["cascades"]] == [
        RUN_FLAVOR,
        "RUN wc -c app.txt > size.txt",
        "COPY --from=build /app/app.txt /app/size.txt /srv/",
        "RUN ls /srv > /srv/list.txt",
    ]
    assert_every_built_step_covered(found, space.last_record())


def scenario_manifest(space: Workspace) -> None:
    """The dependency manifest."""
    space.write("deps.txt", "left-pad==1.1\n")
    space.build()
    found = space.explain()
    assert causes(found) == [("sources", "COPY deps.txt ./")]
    assert found["causes"][0]["files"]["modified"] == ["deps.txt"]
    assert found["causes"][0]["line"] == 3
    assert_every_built_step_covered(found, space.last_record())


def scenario_build_arg(space: Workspace) -> None:
    """A build arg used by a RUN."""
    space.args = ["--build-arg", "FLAVOR=spicy"]
    space.build()
    found = space.explain()
    assert causes(found) == [("arg", RUN_FLAVOR)]
    assert found["causes"][0]["names"] == ["FLAVOR"]
    assert "spicy" not in found["summary"]  # the line as written: ${FLAVOR}, not its value
    assert_every_built_step_covered(found, space.last_record())


def scenario_base_image(space: Workspace) -> None:
    """The base image re-imported with other content under the same tag."""
    import_base("v2")
    space.build()
    found = space.explain()
    assert [cause["kind"] for cause in found["causes"]] == ["base-image"]
    base = found["causes"][0]
    assert base["names"] == [f"docker.io/{BASE}"]
    assert base["old"].startswith("sha256:") and base["new"].startswith("sha256:")
    assert base["old"] != base["new"]
    assert_every_built_step_covered(found, space.last_record())


def scenario_pruned_cache(space: Workspace) -> None:
    """The builder's cache pruned, no cache import."""
    docker("buildx", "prune", "-af")
    space.build()
    found = space.explain()
    assert [cause["kind"] for cause in found["causes"]] == ["no-cache"]
    assert "pruned" in found["causes"][0]["reason"]
    assert_every_built_step_covered(found, space.last_record())


def scenario_run_line(space: Workspace) -> None:
    """A RUN line edited."""
    space.write("Dockerfile", DOCKERFILE.replace("wc -c app.txt", "wc -l app.txt"))
    space.build()
    found = space.explain()
    assert causes(found) == [("instruction", "RUN wc -l app.txt > size.txt")]
    assert found["causes"][0]["old"] == "RUN wc -c app.txt > size.txt"
    assert found["causes"][0]["new"] == "RUN wc -l app.txt > size.txt"
    assert_every_built_step_covered(found, space.last_record())


def scenario_source_and_arg(space: Workspace) -> None:
    """Two changes at once: a source file and the ARG, each with its own cascade."""
    space.write("src/util.py", "X = 2\n")
    space.args = ["--build-arg", "FLAVOR=mild"]
    report = space.build(as_json=False)
    found = space.explain()
    assert causes(found) == [("sources", "COPY src/ src/"), ("arg", RUN_FLAVOR)]
    assert found["causes"][0]["files"]["modified"] == ["src/util.py"]
    assert found["causes"][0]["cascades"] == []
    assert len(found["causes"][1]["cascades"]) == 3
    assert_every_built_step_covered(found, space.last_record())

    text = run(sys.executable, "-m", "arxdocker", "explain", cwd=space.root).stdout
    assert "2 root causes" in text
    assert "src/util.py changed (COPY src/ src/ at line 8)" in text
    # the build's own report: a "why rebuilt" column and the paragraph
    assert "why rebuilt" in report
    assert (
        "2 root causes: src/util.py changed (COPY src/ src/ at line 8) → 1 step rebuilt" in report
    )


def test_scenario_matrix(space: Workspace) -> None:
    """Each scenario is one change and one build, against the build before it."""
    scenario_source_file(space)
    scenario_manifest(space)
    scenario_build_arg(space)
    scenario_base_image(space)
    scenario_pruned_cache(space)
    scenario_run_line(space)
    scenario_source_and_arg(space)
