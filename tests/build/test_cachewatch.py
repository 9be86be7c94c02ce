"""Cache import/export trouble is read from the events, without failing the build."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from arxdocker.build.cachewatch import CacheWatch, cache_vertex, step_target
from arxdocker.progress.models import SolveStatus, TextLine, Vertex
from arxdocker.progress.reader import read_events


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


FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bake-shared-miss"
TARGETS = ["webapp", "webapp-test", "docsite"]


def _watched(name: str) -> CacheWatch:
    watch = CacheWatch()
    with (FIXTURES / name).open("rb") as stream:
        for event in read_events(stream):
            watch.add(event)
    return watch


def test_a_bake_names_its_target_in_a_failed_cache_export_and_import() -> None:
    """In a bake of several targets BuildKit names the cache vertices `[target] exporting …`:
    they are cache vertices all the same (arxdocker used to miss them)."""
    watch = CacheWatch()
    watch.add(_vertex("[webapp] exporting cache to registry", "error writing layer blob: refused"))
    watch.add(_vertex("[docsite] importing cache manifest from r/docsite:c", "importer: not found"))
    watch.add(_vertex("[webapp build 2/2] RUN make", "exit code: 2"))
    assert watch.export_failed and not watch.import_failed
    assert [(p.direction, p.target) for p in watch.problems] == [
        ("export", "webapp"),
        ("import", "docsite"),
    ]
    assert watch.problems[0].describe() == (
        "cache export failed for webapp (exporting cache to registry): "
        "error writing layer blob: refused"
    )
    assert watch.problems[1].describe().startswith("no cache to import yet for docsite (")


def test_cache_vertex_and_step_target() -> None:
    assert cache_vertex("[webapp-test] exporting cache to registry") == (
        "webapp-test",
        "exporting cache to registry",
    )
    assert cache_vertex("exporting cache to registry") == (None, "exporting cache to registry")
    assert cache_vertex("[webapp build 2/2] RUN make") == (None, None)
    names = set(TARGETS)
    assert step_target("[webapp-test test 2/2] RUN FAIL_TESTS=0 sh src/test.sh", names) == (
        "webapp-test"
    )
    assert step_target("[test 2/2] RUN sh src/test.sh", names) is None  # not a bake
    assert step_target("[webapp] exporting cache to registry", names) is None


def test_the_step_a_bake_missed_after_a_shared_cached_step_is_named() -> None:
    watch = _watched("missed.rawjson.log")
    (miss,) = watch.note_shared_misses(TARGETS)
    assert (miss.direction, miss.target) == ("miss", "webapp-test")
    assert miss.what == "[webapp-test test 2/2] RUN FAIL_TESTS=0 sh src/test.sh"
    text = miss.describe()
    assert text.startswith(
        "[webapp-test test 2/2] RUN FAIL_TESTS=0 sh src/test.sh ran although the step it builds "
        "on, [webapp test 1/2] COPY src/ src/, came from the cache and is shared with webapp: "
    )
    assert "moby/buildkit#4674" in text and "`arxdocker bake webapp-test` alone" in text
    assert miss in watch.problems and not watch.import_failed and not watch.export_failed
    assert watch.imported() == set(TARGETS)


def test_a_bake_that_took_every_step_from_the_cache_names_nothing() -> None:
    watch = _watched("all-cached.rawjson.log")
    assert watch.note_shared_misses(TARGETS) == []
    assert watch.problems == []


def _step(digest: str, name: str, inputs: tuple[str, ...] = (), *, cached: bool) -> SolveStatus:
    when = datetime(2026, 12, 7, tzinfo=UTC)
    vertex = Vertex(digest, name, inputs, started_at=when, completed_at=when, cached=cached)
    return SolveStatus(vertexes=(vertex,))


def _imported(target: str, error: str = "") -> SolveStatus:
    when = datetime(2026, 12, 7, tzinfo=UTC)
    name = f"[{target}] importing cache manifest from r/{target}:cache"
    return SolveStatus(
        vertexes=(
            Vertex(f"sha256:i-{target}", name, started_at=when, completed_at=when, error=error),
        )
    )


def _shared_bake(*, parent_cached: bool = True, test_import: str = "", shared: bool = True):  # type: ignore[no-untyped-def]
    watch = CacheWatch()
    watch.add(_imported("app"))
    watch.add(_imported("test", test_import))
    watch.add(_step("p", "[app build 1/2] COPY src/ src/", cached=parent_cached))
    build_parent = "p" if shared else "q"
    if not shared:
        watch.add(_step("q", "[app build 1/2] COPY src/ src/", cached=True))
    watch.add(_step("b", "[app build 2/2] RUN make", (build_parent,), cached=True))
    watch.add(_step("t", "[test test 2/2] RUN make test", ("p",), cached=False))
    return watch


def test_a_miss_needs_a_cached_shared_parent_and_a_working_import() -> None:
    (miss,) = _shared_bake().note_shared_misses(["app", "test"])
    assert miss.what == "[test test 2/2] RUN make test" and "shared with app" in miss.error
    # the parent ran too: an ordinary cascade
    assert _shared_bake(parent_cached=False).note_shared_misses(["app", "test"]) == []
    # the target's import failed: that failure is the cause, and it is reported as such
    failed = _shared_bake(test_import="connection refused")
    assert failed.note_shared_misses(["app", "test"]) == [] and failed.import_failed
    # the parent belongs to one target only
    assert _shared_bake(shared=False).note_shared_misses(["app", "test"]) == []


def test_a_bake_targets_record_keeps_its_own_cache_problems_and_buildxs_warnings() -> None:
    from arxdocker.build.cachewatch import CacheProblem, CacheWatch

    watch = CacheWatch(
        [
            CacheProblem("export", "exporting cache to registry", "connection refused", "docsite"),
            CacheProblem("import", "importing cache manifest from x", "denied", "webapp"),
            CacheProblem("warning", "buildx", "cache export feature is currently not supported"),
        ]
    )
    webapp, docsite = watch.for_target("webapp"), watch.for_target("docsite")
    assert (webapp.import_failed, webapp.export_failed) == (True, False)
    assert (docsite.import_failed, docsite.export_failed) == (False, True)
    assert [p.direction for p in webapp.problems] == ["import", "warning"]
    assert [p.direction for p in docsite.problems] == ["export", "warning"]
