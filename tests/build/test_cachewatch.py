"""Cache import/export trouble is read from the events, without failing the build."""

from __future__ import annotations

from arxdocker.build.cachewatch import CacheWatch
from arxdocker.progress.models import SolveStatus, TextLine, Vertex


def _vertex(name: str, error: str | None) -> SolveStatus:
    return SolveStatus(vertexes=(Vertex("sha256:" + "1" * 64, name, error=error),))


def test_refused_registry_is_an_import_and_export_failure() -> None:
    watch = CacheWatch()
    refused = "dial tcp 127.0.0.1:1: connect: connection refused"
    watch.add(_vertex("importing cache manifest from r/a:c", f"failed: {refused}"))
    watch.add(_vertex("importing cache manifest from r/a:c", f"failed: {refused}"))  # repeated
    watch.add(_vertex("exporting cache to registry", f"error writing layer blob: {refused}"))
    watch.add(_vertex("[1/2] RUN make", "exit code: 2"))  # a step error is not a cache problem
    assert watch.import_failed and watch.export_failed
    assert len(watch.problems) == 2
    assert watch.problems[0].describe().startswith("cache import failed (importing cache")


def test_nothing_to_import_yet_is_not_a_failure() -> None:
    watch = CacheWatch()
    watch.add(_vertex("importing cache manifest from r/a:c", "importer: r/a:c: not found"))
    assert not watch.import_failed
    assert "no cache to import yet" in watch.problems[0].describe()


def test_buildx_cache_warnings_are_kept() -> None:
    watch = CacheWatch()
    watch.add(TextLine("WARNING: local cache import at /x not found due to err: no index.json"))
    watch.add(TextLine("WARNING: something unrelated"))
    watch.add(TextLine("WARNING: cache export feature is experimental"))
    assert [p.direction for p in watch.problems] == ["import", "warning"]
    assert not watch.import_failed
    assert watch.problems[0].describe() == (
        "no cache to import yet (local cache /x); the first build fills it"
    )
    assert watch.problems[1].describe() == "cache export feature is experimental"
