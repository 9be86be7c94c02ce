"""ARX001 on a project's own dependency script (`sh tools/fetch-deps.sh deps.txt`): when it
fires, and when its fix is safe, which needs the script itself from the build context."""

from __future__ import annotations

from pathlib import Path

import pytest

from arxdocker.dockerfile import parse_text
from arxdocker.dockerfile.shell import commands
from arxdocker.lint.config import LintConfig
from arxdocker.lint.runner import build_context, fix_text, lint
from arxdocker.lint.tools import DependencyScript, dependency_script

ONLY_ARX001 = LintConfig(select=frozenset({"ARX001"}))
FETCH_DEPS = """#!/bin/sh
# reads the manifest given as $1 (a comment naming src/ does not count)
set -eu
while read -r name version; do echo "$name $version" >>"$2/installed"; done <"$1"
"""
UNFRIENDLY = """FROM busybox:1.36
WORKDIR /app
COPY . .
RUN sh tools/fetch-deps.sh deps.txt /app/vendor && echo fetched
RUN sh src/build.sh /app/dist
"""
FIXED = """FROM busybox:1.36
WORKDIR /app
COPY tools/fetch-deps.sh tools/
COPY deps.txt ./
RUN sh tools/fetch-deps.sh deps.txt /app/vendor
COPY . .
RUN echo fetched
RUN sh src/build.sh /app/dist
"""


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ("sh tools/fetch-deps.sh deps.txt /app/vendor", ("tools/fetch-deps.sh", ("deps.txt",))),
        ("bash -eu scripts/install-deps.sh", ("scripts/install-deps.sh", ())),
        ("./install.sh requirements.txt", ("./install.sh", ("requirements.txt",))),
        ("tools/vendor.sh", ("tools/vendor.sh", ())),
        ("./install.sh", None),  # an install script without a manifest often builds the project
        ("sh src/build.sh /app/dist", None),
        ("install -m 755 app /usr/local/bin/", None),  # coreutils install, not a script
        ("sh -c 'sh fetch-deps.sh'", None),
        ("/usr/local/bin/install-deps.sh", None),  # not from the context
    ],
)
def test_dependency_script_recognition(script: str, expected: tuple | None) -> None:
    found = dependency_script(commands(script)[0])
    assert found == (DependencyScript(*expected) if expected else None)


def _context(tmp_path: Path, script: str = FETCH_DEPS) -> Path:
    (tmp_path / "tools").mkdir()
    (tmp_path / "src").mkdir()
    (tmp_path / "tools" / "fetch-deps.sh").write_text(script)
    (tmp_path / "deps.txt").write_text("left-pad 1.3.0\n")
    (tmp_path / "src" / "build.sh").write_text("cp -r src /app/dist\n")
    return tmp_path


def test_fix_copies_the_script_and_manifest_with_their_paths(tmp_path: Path) -> None:
    context = build_context(_context(tmp_path))
    findings = lint(parse_text(UNFRIENDLY), context, ONLY_ARX001)
    assert [(f.code, f.line, f.related) for f in findings] == [("ARX001", 3, (4,))]
    assert "dependency script tools/fetch-deps.sh on line 4" in findings[0].message
    assert findings[0].fix is not None and findings[0].fix.applicability == "safe"
    fixed, applied = fix_text(UNFRIENDLY, "Dockerfile", context, ONLY_ARX001)
    assert fixed == FIXED
    assert [f.code for f in applied] == ["ARX001"]
    assert lint(parse_text(fixed), context, ONLY_ARX001) == []
    assert fix_text(fixed, "Dockerfile", context, ONLY_ARX001)[0] == fixed


def test_fix_into_an_absolute_destination_keeps_copy_flags(tmp_path: Path) -> None:
    context = build_context(_context(tmp_path))
    text = (
        "FROM busybox\nWORKDIR /app\nCOPY --chown=app:app . /app\n"
        "RUN sh tools/fetch-deps.sh deps.txt v\n"
    )
    fixed, _ = fix_text(text, "Dockerfile", context, ONLY_ARX001)
    assert fixed.splitlines()[2:6] == [
        "COPY --chown=app:app tools/fetch-deps.sh /app/tools/",
        "COPY --chown=app:app deps.txt /app/",
        "RUN sh tools/fetch-deps.sh deps.txt v",
        "COPY --chown=app:app . /app",
    ]


@pytest.mark.parametrize(
    "script",
    [
        "#!/bin/sh\n. tools/common.sh\n",  # sources another context file
        "#!/bin/sh\ncp -r src /opt/vendor\n",  # reads a context folder
        "#!/bin/sh\n. ./common.sh\n",  # a file beside the script
        '#!/bin/sh\nhere=$(dirname "$0")\n. "$here/common.sh"\n',  # a path it computes
        "#!/bin/sh\nfor f in */package.json; do echo $f; done\n",  # a glob over folders
    ],
)
def test_fix_is_unsafe_when_the_script_names_other_context_files(
    tmp_path: Path, script: str
) -> None:
    folder = _context(tmp_path, script)
    (folder / "tools" / "common.sh").write_text("")
    context = build_context(folder)
    findings = lint(parse_text(UNFRIENDLY), context, ONLY_ARX001)
    assert findings[0].fix is not None and findings[0].fix.applicability == "unsafe"
    assert "not fixed by --fix" in findings[0].help
    assert fix_text(UNFRIENDLY, "Dockerfile", context, ONLY_ARX001)[0] == UNFRIENDLY


def test_fix_is_unsafe_without_a_context_or_a_missing_manifest(tmp_path: Path) -> None:
    assert lint(parse_text(UNFRIENDLY), None, ONLY_ARX001)[0].fix.applicability == "unsafe"
    folder = _context(tmp_path)
    (folder / "deps.txt").unlink()
    context = build_context(folder)
    assert lint(parse_text(UNFRIENDLY), context, ONLY_ARX001)[0].fix.applicability == "unsafe"


@pytest.mark.parametrize(
    "text",
    [
        # the script runs before the broad COPY: already cache-friendly
        "FROM busybox\nWORKDIR /app\nCOPY tools/fetch-deps.sh deps.txt ./\n"
        "RUN sh fetch-deps.sh deps.txt v\nCOPY . .\nRUN sh fetch-deps.sh deps.txt v\n",
        # a build script after the broad COPY is not an install
        "FROM busybox\nWORKDIR /app\nCOPY . .\nRUN sh src/build.sh /app/dist\n",
    ],
)
def test_no_finding(text: str) -> None:
    assert lint(parse_text(text), None, ONLY_ARX001) == []


def test_no_finding_when_the_script_is_not_from_the_broad_copy(tmp_path: Path) -> None:
    context = build_context(_context(tmp_path))
    text = "FROM busybox\nWORKDIR /srv\nCOPY . /app\nRUN sh /app/tools/fetch-deps.sh x\n"
    assert lint(parse_text(text), context, ONLY_ARX001) == []  # an absolute script path
    text = "FROM busybox\nCOPY . /app\nWORKDIR /srv\nRUN sh tools/fetch-deps.sh deps.txt v\n"
    assert lint(parse_text(text), context, ONLY_ARX001) == []  # relative to /srv, not /app


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("make deps", ("Makefile", (), "deps")),
        ("make -j4 install-deps", ("Makefile", (), "install-deps")),
        ("make -f build/deps.mk vendor", ("build/deps.mk", (), "vendor")),
        ("make --file=tools.mk dependencies", ("tools.mk", (), "dependencies")),
        ("make", None),  # the default target usually builds the project
        ("make build test", None),
        ("make install", None),  # installs the project itself
        ("make -C vendor deps", None),  # another folder's makefile
        ("make -f /opt/deps.mk deps", None),  # not from the context
    ],
)
def test_make_target_recognition(command: str, expected: tuple | None) -> None:
    found = dependency_script(commands(command)[0])
    assert found == (DependencyScript(*expected) if expected else None)


MAKEFILE = """\
.PHONY: deps build
PYTHON ?= python3
deps: requirements.txt constraints.txt | vendor
\t$(PYTHON) -m pip install -r requirements.txt -c constraints.txt

build: deps
\t$(PYTHON) -m compileall src
"""
MAKE_UNFRIENDLY = """FROM python:3.12-slim
WORKDIR /app
COPY . .
RUN make deps && make build
"""


def _make_context(tmp_path: Path) -> Path:
    (tmp_path / "Makefile").write_text(MAKEFILE)
    (tmp_path / "requirements.txt").write_text("click==8.1.7\n")
    (tmp_path / "constraints.txt").write_text("")
    (tmp_path / "src").mkdir()
    return tmp_path


def test_make_target_names_the_makefile_and_the_prerequisites_it_reads(tmp_path: Path) -> None:
    context = build_context(_make_context(tmp_path))
    findings = lint(parse_text(MAKE_UNFRIENDLY), context, ONLY_ARX001)
    assert [(f.code, f.line, f.related) for f in findings] == [("ARX001", 3, (4,))]
    assert "before the `make deps` on line 4" in findings[0].message
    assert findings[0].help.startswith(
        "Copy Makefile requirements.txt constraints.txt first and run make deps before `COPY . .`"
    )
    # a makefile's recipes may read anything: only --unsafe-fixes moves it
    assert findings[0].fix is not None and findings[0].fix.applicability == "unsafe"
    assert "a makefile's recipes may read any file" in findings[0].help
    assert fix_text(MAKE_UNFRIENDLY, "Dockerfile", context, ONLY_ARX001)[0] == MAKE_UNFRIENDLY
    fixed, applied = fix_text(MAKE_UNFRIENDLY, "Dockerfile", context, ONLY_ARX001, unsafe=True)
    assert [f.code for f in applied] == ["ARX001"]
    assert fixed == (
        "FROM python:3.12-slim\nWORKDIR /app\n"
        "COPY Makefile requirements.txt constraints.txt ./\n"
        "RUN make deps\nCOPY . .\nRUN make build\n"
    )
    assert lint(parse_text(fixed), context, ONLY_ARX001) == []


def test_make_target_without_a_context_names_the_makefile_only() -> None:
    findings = lint(parse_text(MAKE_UNFRIENDLY), None, ONLY_ARX001)
    assert findings[0].help.startswith("Copy Makefile first and run make deps")


def test_make_target_before_the_broad_copy_is_fine(tmp_path: Path) -> None:
    context = build_context(_make_context(tmp_path))
    text = (
        "FROM python:3.12-slim\nWORKDIR /app\nCOPY Makefile requirements.txt ./\n"
        "RUN make deps\nCOPY . .\nRUN make deps build\n"
    )
    assert lint(parse_text(text), context, ONLY_ARX001) == []


def test_fix_is_unsafe_when_the_script_is_given_another_context_folder(tmp_path: Path) -> None:
    context = build_context(_context(tmp_path))
    text = UNFRIENDLY.replace("deps.txt /app/vendor", "deps.txt src")
    (finding,) = lint(parse_text(text), context, ONLY_ARX001)
    assert finding.fix is not None and finding.fix.applicability == "unsafe"


@pytest.mark.parametrize(
    ("script", "safe"),
    [
        ('#!/bin/sh\nout=$2\nmkdir -p "$out/lib" && cp "$1" "$out/lib/"\n', True),
        ('#!/bin/sh\ncache=/var/cache/x\nls "$cache/$name"\n', True),
        ('#!/bin/sh\n. "$PROJECT_ROOT/env.sh"\n', False),  # a folder it does not set
    ],
)
def test_paths_from_variables(tmp_path: Path, script: str, safe: bool) -> None:
    context = build_context(_context(tmp_path, script))
    (finding,) = lint(parse_text(UNFRIENDLY), context, ONLY_ARX001)
    assert finding.fix is not None and (finding.fix.applicability == "safe") is safe
