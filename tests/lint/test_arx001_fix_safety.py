"""ARX001's fixes move an install above `COPY . .`: each case here is one where the moved
install would need more of the build context than the fix copies first, so the fix must not
be applied (or must be marked unsafe); and what the fix must keep from the broad COPY."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from arxdocker.dockerfile import parse_text
from arxdocker.lint.config import LintConfig
from arxdocker.lint.runner import build_context, fix_text, lint

ONLY_ARX001 = LintConfig(select=frozenset({"ARX001"}))
PIP = "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN {install}\n"


def _fix(text: str, folder: Path | None) -> str:
    context = build_context(folder) if folder else None
    return fix_text(text, "Dockerfile", context, ONLY_ARX001)[0]


def _write(folder: Path, files: dict[str, str]) -> Path:
    for name, content in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(content)
    return folder


def test_pip_copies_constraints_and_nested_requirement_files(tmp_path: Path) -> None:
    folder = _write(
        tmp_path,
        {"requirements.txt": "-r base.txt\nflask==3.0.0  # web\n", "base.txt": "click\n",
         "constraints.txt": ""},
    )  # fmt: skip
    install = "pip install -r requirements.txt -c constraints.txt && pip install -e ."
    fixed = _fix(PIP.format(install=install), folder)
    assert fixed.splitlines()[2:6] == [
        "COPY requirements.txt constraints.txt base.txt ./",
        "RUN pip install -r requirements.txt -c constraints.txt",
        "COPY . .",
        "RUN pip install -e .",  # the editable install needs the sources: it stays after them
    ]


@pytest.mark.parametrize(
    ("install", "requirements"),
    [
        ("pip install .", None),  # installs the project: it needs every source
        ("pip install -e .", None),
        ("pip install -r requirements.txt ./libs/mylib", "flask\n"),
        ("pip install -r requirements.txt", "-e .\n"),
        ("pip install -r requirements.txt", "flask\n./libs/mylib\n"),
        ("pip install -r requirements.txt", "mylib @ file:///app/libs/mylib\n"),
        ("pip install -r requirements.txt --find-links wheels", "flask\n"),
    ],
)
def test_pip_install_of_local_paths_is_not_fixed(
    tmp_path: Path, install: str, requirements: str | None
) -> None:
    folder = _write(tmp_path, {"requirements.txt": requirements} if requirements else {})
    text = PIP.format(install=install)
    assert [f.code for f in lint(parse_text(text), build_context(folder), ONLY_ARX001)] == [
        "ARX001"
    ]
    assert _fix(text, folder) == text


NPM = "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\n"


@pytest.mark.parametrize(
    "files",
    [
        {"package.json": json.dumps({"workspaces": ["packages/*"]})},
        {"package.json": json.dumps({"scripts": {"postinstall": "patch-package"}})},
        {"package.json": json.dumps({"name": "x"}), ".npmrc": "registry=https://npm.example\n"},
    ],
)
def test_npm_fix_is_unsafe_when_the_install_reads_more_than_package_json(
    tmp_path: Path, files: dict[str, str]
) -> None:
    folder = _write(tmp_path, files)
    (finding,) = lint(parse_text(NPM), build_context(folder), ONLY_ARX001)
    assert finding.fix is not None and finding.fix.applicability == "unsafe"
    assert _fix(NPM, folder) == NPM


def test_npm_fix_is_safe_for_a_plain_package_json(tmp_path: Path) -> None:
    folder = _write(tmp_path, {"package.json": json.dumps({"scripts": {"start": "node ."}})})
    assert _fix(NPM, folder).splitlines()[2:4] == ["COPY package*.json ./", "RUN npm ci"]


def test_manifest_copy_keeps_the_owner_of_the_broad_copy() -> None:
    text = (
        "FROM node:20\nWORKDIR /home/node/app\nUSER node\nCOPY --chown=node:node . .\nRUN npm ci\n"
    )
    assert _fix(text, None).splitlines()[3:6] == [
        "COPY --chown=node:node package*.json ./",
        "RUN npm ci",
        "COPY --chown=node:node . .",
    ]


@pytest.mark.parametrize(
    "run",
    [
        "apt-get update && apt-get install -y make && rm -rf /app/tests /app/.git",
        "apt-get update && apt-get install -y ./vendor/mytool.deb",
        'apk add --no-cache bash && echo "built" > /app/VERSION',
        "apt-get install -y $(cat packages.txt)",
        "apk add --no-cache `cat deps.txt`",
    ],
)
def test_system_install_that_reads_or_writes_the_sources_stays(run: str) -> None:
    text = f"FROM debian:bookworm\nWORKDIR /app\nCOPY . .\nRUN {run}\n"
    assert lint(parse_text(text), None, ONLY_ARX001) == []


def test_system_install_with_cache_cleanup_moves_above_the_sources() -> None:
    run = "RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*"
    text = f"FROM debian:bookworm\nWORKDIR /app\nCOPY . .\n{run}\n"
    assert _fix(text, None).splitlines()[2:4] == [run, "COPY . ."]


def test_the_commands_left_behind_keep_their_lines_and_comments() -> None:
    text = (
        "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n"
        "RUN pip install \\\n    --index-url https://pypi.example.com/simple \\\n"
        "    -r requirements.txt && \\\n    # the checks need the sources\n"
        "    pip check && \\\n    python -m compileall src\n"
    )
    assert _fix(text, None).splitlines()[2:] == [
        "COPY requirements.txt ./",
        "RUN pip install --index-url https://pypi.example.com/simple -r requirements.txt",
        "COPY . .",
        "RUN pip check && \\",
        "    python -m compileall src",
    ]


@pytest.mark.parametrize(
    "dependency", ["file:./libs/mylib", "link:../shared", "workspace:*", "./vendor/x.tgz"]
)
def test_npm_fix_is_unsafe_with_a_local_dependency(tmp_path: Path, dependency: str) -> None:
    manifest = {"dependencies": {"mylib": dependency, "left-pad": "^1.3.0"}}
    folder = _write(tmp_path, {"package.json": json.dumps(manifest)})
    (finding,) = lint(parse_text(NPM), build_context(folder), ONLY_ARX001)
    assert finding.fix is not None and finding.fix.applicability == "unsafe"


GO = "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\n"


@pytest.mark.parametrize(
    "files",
    [
        {"go.mod": "module a\n\nreplace example.com/x => ./libs/x\n", "libs/x/go.mod": ""},
        {"go.mod": "module a\nreplace (\n\texample.com/y v1.0.0 => ../y\n)\n"},
        {"go.work": "go 1.22\nuse ./app\n", "app/go.mod": "module app\n"},
        {"go.mod": "module a\n", "vendor/modules.txt": ""},
    ],
    ids=["local-replace", "parent-replace", "workspace", "vendored"],
)
def test_go_fix_is_not_offered_when_download_needs_more_than_go_mod(
    tmp_path: Path, files: dict[str, str]
) -> None:
    folder = _write(tmp_path, files)
    assert _fix(GO, folder) == GO


def test_go_fix_with_a_plain_go_mod(tmp_path: Path) -> None:
    folder = _write(
        tmp_path, {"go.mod": "module a\n\nrequire example.com/x v1.2.0\n", "go.sum": ""}
    )
    assert _fix(GO, folder).splitlines()[2:4] == [
        "COPY go.mod go.sum* ./",
        "RUN go mod download",
    ]


def test_manifests_come_from_the_folder_the_broad_copy_copies(tmp_path: Path) -> None:
    folder = _write(tmp_path, {"src/requirements.txt": "flask\n", "src/main.py": ""})
    text = "FROM python:3.12-slim\nWORKDIR /app\nCOPY src/ .\nRUN pip install -r requirements.txt\n"
    assert _fix(text, folder).splitlines()[2:5] == [
        "COPY src/requirements.txt ./",
        "RUN pip install -r requirements.txt",
        "COPY src/ .",
    ]


def test_no_manifest_copy_when_the_install_works_elsewhere() -> None:
    """The manifests came with an earlier COPY into /app; `COPY src ./src` fills /app/src."""
    text = (
        "FROM node:20.11\nWORKDIR /app\nCOPY package.json package-lock.json ./\n"
        "COPY src ./src\nRUN npm ci && npm run build\n"
    )
    (finding,) = lint(parse_text(text), None, ONLY_ARX001)
    assert finding.fix is None


@pytest.mark.parametrize(
    "requirements",
    ["flask\nlibs/mylib\n", "wheels/foo-1.0-py3-none-any.whl\n", "foo-1.0.tar.gz\n"],
)
def test_pip_requirement_paths_without_a_dot_are_local_too(
    tmp_path: Path, requirements: str
) -> None:
    folder = _write(tmp_path, {"requirements.txt": requirements})
    text = PIP.format(install="pip install -r requirements.txt")
    assert _fix(text, folder) == text


def test_pip_includes_written_with_equals_are_copied(tmp_path: Path) -> None:
    folder = _write(
        tmp_path,
        {"requirements.txt": "--requirement=base.txt\n--constraint=constraints.txt\n"
         "requests @ https://example.com/requests.whl\n",
         "base.txt": "flask\n", "constraints.txt": ""},
    )  # fmt: skip
    fixed = _fix(PIP.format(install="pip install -r requirements.txt"), folder)
    assert fixed.splitlines()[2] == "COPY requirements.txt base.txt constraints.txt ./"


def test_npm_fix_is_unsafe_when_the_host_node_modules_would_come_after(tmp_path: Path) -> None:
    folder = _write(tmp_path, {"package.json": "{}", "node_modules/x/index.js": ""})
    (finding,) = lint(parse_text(NPM), build_context(folder), ONLY_ARX001)
    assert finding.fix is not None and finding.fix.applicability == "unsafe"
    (folder / ".dockerignore").write_text("node_modules\n")
    (finding,) = lint(parse_text(NPM), build_context(folder), ONLY_ARX001)
    assert finding.fix is not None and finding.fix.applicability == "safe"
