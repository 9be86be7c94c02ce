"""Where the real-world corpora's files are.

The project commits only its own part of each corpus (the manifests, with provenance, labels and
expectations, and the READMEs) under tests/fixtures/NAME; the files themselves are other people's,
from public repositories at the recorded commits, and are laid out beside the manifests by
`scripts/materialize_corpus.py` from local copies of those repositories, or found in a shared
data folder. The first of these that holds the corpus's files is used:

1. `$ARXDOCKER_CORPORA/NAME`;
2. `../shared/corpora/NAME` beside the checkout (the workplace's shared data folder, which CI
   has too);
3. tests/fixtures/NAME itself.

A test of a corpus that is not laid out anywhere is skipped, saying so.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"


def manifest_entries(name: str) -> list[dict]:  # type: ignore[type-arg]
    """Every entry of the corpus's manifests (tests/fixtures/NAME/manifest*.json)."""
    return [
        entry
        for manifest in sorted((FIXTURES / name).glob("manifest*.json"))
        for entry in json.loads(manifest.read_text(encoding="utf-8"))
    ]


def _candidates(name: str) -> list[Path]:
    found = []
    if os.environ.get("ARXDOCKER_CORPORA"):
        found.append(Path(os.environ["ARXDOCKER_CORPORA"]) / name)
    return [*found, REPO.parent / "shared" / "corpora" / name, FIXTURES / name]


def corpus_dir(name: str, probe: str | None = None) -> Path | None:
    """The folder holding the corpus's files: the first candidate where `probe` (a file of the
    corpus; by default the first file its manifests name) exists."""
    if probe is None:
        entries = manifest_entries(name)
        probe = entries[0]["file"] if entries else None
    if probe is None:
        return None
    return next((folder for folder in _candidates(name) if (folder / probe).is_file()), None)


def require_corpus(name: str, probe: str | None = None) -> Path:
    folder = corpus_dir(name, probe)
    if folder is None:
        pytest.skip(
            f"the {name} corpus's files are not laid out: run scripts/materialize_corpus.py "
            f"--mirrors DIR (local git copies of its repositories), or put them in "
            f"../shared/corpora/{name} or $ARXDOCKER_CORPORA/{name}"
        )
    return folder
