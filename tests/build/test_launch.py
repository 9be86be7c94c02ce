"""The cache plan meets the builder before buildx starts: stop, or drop the export and say so."""

from __future__ import annotations

from pathlib import Path

import pytest

from arxdocker.build import launch as launch_module
from arxdocker.build.cachespec import plan
from arxdocker.build.capability import BuilderInfo
from arxdocker.build.options import BuildOptions
from arxdocker.build.request import BuildRequest
from arxdocker.errors import ArxError

CLASSIC = BuilderInfo("default", "docker", containerd_store=False)


def _request(tmp_path: Path, *, optional: bool) -> BuildRequest:
    cache = plan(("registry:reg/app:cache", "local:/tmp/c", "inline"), tags=("reg/app:1",))
    return BuildRequest(
        options=BuildOptions(context=str(tmp_path)),
        cache=cache,
        context=tmp_path,
        dockerfile=tmp_path / "Dockerfile",
        cache_optional=optional,
    )


def test_an_export_the_builder_cannot_do_stops_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(launch_module, "inspect_builder", lambda name: CLASSIC)
    with pytest.raises(ArxError) as caught:
        launch_module._checked_plan(_request(tmp_path, optional=False), print)
    assert "cannot export type=registry cache" in caught.value.message
    assert "containerd-snapshotter" in (caught.value.hint or "")


def test_cache_optional_drops_the_exports_and_keeps_imports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(launch_module, "inspect_builder", lambda name: CLASSIC)
    said: list[str] = []
    kept, dropped, info = launch_module._checked_plan(
        _request(tmp_path, optional=True), said.append
    )
    assert kept.cache_to == ("type=inline",)
    assert len(kept.cache_from) == 3
    assert kept.local_swaps == ()
    assert sorted(spec.split(",")[0] for spec in dropped) == ["type=local", "type=registry"]
    assert "type=registry,ref=reg/app:cache,mode=max,ignore-error=true" in dropped
    assert info is CLASSIC
    assert len(said) == 2 and all("--cache-optional" in line for line in said)


def test_no_export_needs_no_question(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(name: str | None) -> BuilderInfo:
        raise AssertionError("the builder was inspected before the build")

    monkeypatch.setattr(launch_module, "inspect_builder", fail)
    request = _request(tmp_path, optional=False)
    request = BuildRequest(
        request.options, plan(("inline",), tags=("r/a:1",)), tmp_path, tmp_path / "Dockerfile"
    )
    kept, dropped, info = launch_module._checked_plan(request, print)
    assert (kept, dropped, info) == (request.cache, [], None)
