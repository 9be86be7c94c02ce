"""Per-COPY content manifests and the small Dockerfile reading they rely on."""

from __future__ import annotations

from pathlib import Path

from arxdocker.build.dockerfile_copies import context_copies, features
from arxdocker.build.dockerignore import DockerIgnore
from arxdocker.build.manifest import context_size, manifest

DOCKERFILE = """\
# syntax=docker/dockerfile:1
FROM base AS deps
COPY --chown=1:1 deps.txt \\
     tools/install.sh ./
RUN --mount=type=cache,target=/c --mount=type=secret,id=npm sh install.sh
FROM deps AS build
COPY ["src/", "/app/src/"]
COPY --from=deps /x /y
ADD https://example.com/a.tgz /tmp/
RUN <<EOF
COPY not/an/instruction /
EOF
FROM base
COPY --link --from=build /app /app
COPY *.cfg /etc/
"""


def test_context_copies_skip_from_urls_and_heredoc_bodies() -> None:
    copies = context_copies(DOCKERFILE)
    assert [(c.line, c.stage, c.sources) for c in copies] == [
        (3, "deps", ("deps.txt", "tools/install.sh")),
        (7, "build", ("src/",)),
        (15, None, ("*.cfg",)),
    ]
    assert copies[0].instruction.startswith("COPY --chown=1:1 deps.txt")


def test_features() -> None:
    assert features(DOCKERFILE) == [
        "multi-stage",
        "cache-mounts:1",
        "secret-mounts:1",
        "copy-link",
        "heredocs",
    ]


def _context(root: Path) -> None:
    files = {
        "deps.txt": "a\n",
        "tools/install.sh": "echo\n",
        "src/main.py": "print(1)\n",
        "src/debug.log": "noise\n",
        "x.cfg": "k=v\n",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    (root / ".dockerignore").write_text("*.log\n**/*.log\n")


def test_manifest_follows_content_and_ignores_excluded_files(tmp_path: Path) -> None:
    _context(tmp_path)
    ignore = DockerIgnore.for_context(tmp_path)
    src_copy = context_copies(DOCKERFILE)[1]
    first = manifest(tmp_path, src_copy, ignore)
    assert (first.files, first.bytes) == (1, len("print(1)\n"))
    (tmp_path / "src" / "debug.log").write_text("other noise\n")
    assert manifest(tmp_path, src_copy, ignore).sha256 == first.sha256
    (tmp_path / "src" / "main.py").write_text("print(2)\n")
    assert manifest(tmp_path, src_copy, ignore).sha256 != first.sha256
    deps = manifest(tmp_path, context_copies(DOCKERFILE)[0], ignore)
    assert deps.files == 2
    wildcard = manifest(tmp_path, context_copies(DOCKERFILE)[2], ignore)
    assert wildcard.files == 1


def test_context_size_counts_only_sent_files(tmp_path: Path) -> None:
    _context(tmp_path)
    files, size = context_size(tmp_path, DockerIgnore.for_context(tmp_path))
    assert files == 5  # .dockerignore itself is sent; src/debug.log is not
    assert size == sum(
        (tmp_path / n).stat().st_size
        for n in (".dockerignore", "deps.txt", "tools/install.sh", "src/main.py", "x.cfg")
    )
