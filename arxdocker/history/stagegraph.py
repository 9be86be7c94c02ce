"""Which stage each stage of a recorded build is built FROM, read from its Dockerfile.

A record names its Dockerfile and the file's sha256. When that file is still there unchanged, its
stage model says what the record cannot: that `FROM deps AS build` makes `build` wait for `deps`.
Otherwise there is no answer (None), and the timeline does without.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from arxdocker.history.view import RecordView


def stage_parents(view: RecordView) -> dict[str, str | None] | None:
    if not view.dockerfile or not view.dockerfile_sha256:
        return None
    try:
        data = Path(view.dockerfile).read_bytes()
    except OSError:
        return None
    if f"sha256:{hashlib.sha256(data).hexdigest()}" != view.dockerfile_sha256:
        return None
    from arxdocker.dockerfile.parser import DockerfileParseError, parse_bytes
    from arxdocker.dockerfile.stages import build_stages

    try:
        model = build_stages(parse_bytes(data, view.dockerfile))
    except DockerfileParseError:
        return None
    return {
        stage.label: None if stage.base_stage is None else model.stages[stage.base_stage].label
        for stage in model.stages
    }
