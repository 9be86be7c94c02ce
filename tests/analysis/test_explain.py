"""Root causes and cascades, on synthetic records and on two real ones from the engine."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from arxdocker.analysis.explain import BuildFacts, explain
from arxdocker.build.outline import outline, outline_for_record

RECORDS = Path(__file__).resolve().parents[1] / "fixtures" / "records"
DIGEST_A = "sha256:" + "a" * 64
DIGEST_B = "sha256:" + "b" * 64
DOCKERFILE = """\
FROM base:1 AS deps
WORKDIR /app
COPY deps.txt ./
RUN install deps.txt

FROM deps AS build
ARG FLAVOR=plain
ARG NPM_TOKEN
COPY src/ src/
RUN make $FLAVOR
RUN strip out

FROM base:1 AS runtime
COPY --from=build /app/out /srv/
"""
# stage, index, total, instruction (as BuildKit names it)
STEPS = [
    ("deps", 1, 4, f"FROM docker.io/library/base:1@{DIGEST_A}"),
    ("deps", 2, 4, "WORKDIR /app"),
    ("deps", 3, 4, "COPY deps.txt ./"),
    ("deps", 4, 4, "RUN install deps.txt"),
    ("build", 1, 3, "COPY src/ src/"),
    ("build", 2, 3, "RUN make plain"),
    ("build", 3, 3, "RUN strip out"),
    ("runtime", 2, 2, "COPY --from=build /app/out /srv/"),
]


def record(
    built: set[str] = frozenset(),  # type: ignore[assignment]
    *,
    record_id: str = "20261125T100000Z-000001",
    dockerfile: str = DOCKERFILE,
    args: tuple[tuple[str, str], ...] = (("FLAVOR", "plain"),),
    files: dict[str, str] | None = None,
    base: str = DIGEST_A,
    rename: dict[str, str] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A record whose steps named in `built` (by instruction) were built, the others cached."""
    files = {"deps.txt": "d1", "src/a.py": "a1", "src/b.py": "b1"} | (files or {})
    steps = []
    for stage, index, total, written in STEPS:
        text = (rename or {}).get(written, written).replace(DIGEST_A, base)
        steps.append(
            {
                "name": f"[{stage} {index}/{total}] {text}",
                "stage": stage,
                "index": index,
                "total": total,
                "instruction": text,
                "status": "built" if text in built or text.startswith("FROM") else "cached",
                "duration_s": 1.0,
                "cacheable": not text.startswith("FROM"),
                "digest": f"sha256:{stage}{index}",
            }
        )
    manifests = [
        {
            "line": 3,
            "stage": "deps",
            "instruction": "COPY deps.txt ./",
            "sha256": files["deps.txt"],
            "entries": {"deps.txt": files["deps.txt"]},
        },
        {
            "line": 9,
            "stage": "build",
            "instruction": "COPY src/ src/",
            "sha256": "|".join(f"{k}{v}" for k, v in sorted(files.items()) if k.startswith("src")),
            "entries": {k: v for k, v in files.items() if k.startswith("src/")},
        },
    ]
    return {
        "schema": "arxdocker.record/v1",
        "id": record_id,
        "steps": steps,
        "dockerfile": {"path": "/ctx/Dockerfile"},
        "copy_manifests": manifests,
        "tools": {"builder": extra.pop("builder", "default")},
        "cache": extra.pop("cache", {}),
        "inputs": {"outline": outline_for_record(outline(dockerfile), args), **extra},
    }


def explained(after: dict[str, Any], before: dict[str, Any] | None) -> list[tuple[str, ...]]:
    found = explain(BuildFacts.from_dict(after), before and BuildFacts.from_dict(before))
    return [
        (cause.kind, *(s.instruction for s in cause.steps), "|", *(s.name for s in cause.cascades))
        for cause in found.causes
    ]


BEFORE = record()


def test_a_source_file_names_its_copy_and_the_steps_below_it_cascade() -> None:
    below = {"RUN make plain", "RUN strip out", "COPY --from=build /app/out /srv/"}
    after = record({"COPY src/ src/", *below}, files={"src/a.py": "a2", "src/c.py": "c"})
    found = explain(BuildFacts.from_dict(after), BuildFacts.from_dict(BEFORE))
    (cause,) = found.causes
    assert (cause.kind, cause.line, cause.files) == ("sources", 9, cause.files)
    assert cause.files is not None
    assert (cause.files.modified, cause.files.added, cause.files.removed) == (
        ("src/a.py",),
        ("src/c.py",),
        (),
    )
    assert [s.name for s in cause.cascades] == [
        "[build 2/3] RUN make plain",
        "[build 3/3] RUN strip out",
        "[runtime 2/2] COPY --from=build /app/out /srv/",
    ]
    assert cause.cost_s == 4.0
    assert found.summary() == (
        "1 root cause: src/a.py, src/c.py changed (COPY src/ src/ at line 9) → 4 steps rebuilt, "
        "4.0 s"
    )
    assert found.reasons["sha256:build3"] == "parent rebuilt: COPY src/ src/ (line 9)"


def test_the_manifest_cascades_through_from_into_the_next_stage() -> None:
    every = {text for _, _, _, text in STEPS} - {"WORKDIR /app"}
    after = record(every, files={"deps.txt": "d2"})
    assert explained(after, BEFORE) == [
        (
            "sources",
            "COPY deps.txt ./",
            "|",
            "[deps 4/4] RUN install deps.txt",
            "[build 1/3] COPY src/ src/",
            "[build 2/3] RUN make plain",
            "[build 3/3] RUN strip out",
            "[runtime 2/2] COPY --from=build /app/out /srv/",
        )
    ]


def test_a_build_arg_names_the_first_run_after_its_arg_and_never_its_value() -> None:
    after = record(
        {"RUN make spicy", "RUN strip out"},
        args=(("FLAVOR", "spicy"),),
        rename={"RUN make plain": "RUN make spicy"},
    )
    found = explain(BuildFacts.from_dict(after), BuildFacts.from_dict(BEFORE))
    assert explained(after, BEFORE) == [("arg", "RUN make spicy", "|", "[build 3/3] RUN strip out")]
    assert found.causes[0].headline() == "ARG FLAVOR changed (RUN make $FLAVOR at line 10)"
    assert "spicy" not in json.dumps(found.to_dict()["summary"])


def test_a_secret_arg_is_compared_by_hash_only() -> None:
    before = record(args=(("FLAVOR", "plain"), ("NPM_TOKEN", "s3cret-1")))
    args = (("FLAVOR", "plain"), ("NPM_TOKEN", "s3cret-2"))
    after = record({"RUN make plain", "RUN strip out"}, args=args)
    assert "s3cret" not in json.dumps(after) + json.dumps(before)
    found = explain(BuildFacts.from_dict(after), BuildFacts.from_dict(before))
    assert [(c.kind, c.names) for c in found.causes] == [("arg", ("NPM_TOKEN",))]


def test_an_edited_run_line_shows_both_texts() -> None:
    edited = DOCKERFILE.replace("RUN strip out", "RUN strip -s out")
    rename = {"RUN strip out": "RUN strip -s out"}
    after = record({"RUN strip -s out"}, dockerfile=edited, rename=rename)
    found = explain(BuildFacts.from_dict(after), BuildFacts.from_dict(BEFORE))
    (cause,) = found.causes
    assert (cause.kind, cause.old, cause.new, cause.line) == (
        "instruction",
        "RUN strip out",
        "RUN strip -s out",
        11,
    )


def test_a_new_base_image_digest_is_the_root_of_every_step_on_it() -> None:
    every = {text for _, _, _, text in STEPS}
    after = record(every, base=DIGEST_B)
    found = explain(BuildFacts.from_dict(after), BuildFacts.from_dict(BEFORE))
    (cause,) = found.causes
    assert (cause.kind, cause.names, cause.old, cause.new) == (
        "base-image",
        ("docker.io/library/base:1",),
        DIGEST_A,
        DIGEST_B,
    )
    assert len(cause.cascades) == 7
    assert cause.headline() == "base image docker.io/library/base:1 changed"


def test_no_cache_says_why_when_it_can() -> None:
    every = {text for _, _, _, text in STEPS}
    cases = [
        (record(every, no_cache=True), "--no-cache was given"),
        (record(every, builder="ci"), "built on builder ci; the earlier build ran on default"),
        (
            record(every, cache={"from": ["type=registry,ref=r/c"], "import_failed": True}),
            "the cache import failed (type=registry,ref=r/c)",
        ),
        (record(every), "pruned or garbage-collected"),
    ]
    for after, reason in cases:
        found = explain(BuildFacts.from_dict(after), BuildFacts.from_dict(BEFORE))
        assert [c.kind for c in found.causes] == ["no-cache"]
        assert reason in (found.causes[0].reason or "")
        cause = found.causes[0]
        assert cause.rebuilt == 7  # the chains' first steps, and the rest as their cascades
        assert {s.instruction for s in cause.steps} == {"WORKDIR /app"}


def test_nothing_rebuilt_and_nothing_to_compare_with() -> None:
    assert explain(BuildFacts.from_dict(record()), BuildFacts.from_dict(BEFORE)).causes == ()
    found = explain(BuildFacts.from_dict(record({"RUN strip out"})), None)
    assert [(c.kind, c.reason) for c in found.causes] == [
        ("no-cache", "no earlier build of this Dockerfile and target to compare with")
    ]


def test_a_step_the_earlier_failed_build_never_reached_is_not_a_new_instruction() -> None:
    before = record()
    before["steps"] = before["steps"][:5]
    after = record({"RUN strip out"})
    found = explain(BuildFacts.from_dict(after), BuildFacts.from_dict(before))
    assert [c.kind for c in found.causes] == ["no-cache"]


def test_a_manifest_without_per_file_hashes_still_says_the_sources_changed() -> None:
    after = record({"COPY src/ src/", "RUN make plain", "RUN strip out"}, files={"src/b.py": "b2"})
    del after["copy_manifests"][1]["entries"]
    (cause,) = explain(BuildFacts.from_dict(after), BuildFacts.from_dict(BEFORE)).causes
    assert cause.files is not None and not cause.files.listed
    assert cause.headline() == "source files changed (COPY src/ src/ at line 9)"


def test_real_records_of_the_webapp_test_target() -> None:
    """Two `arxdocker build --target test` records: deps.txt edited, src/index.html edited,
    src/new.txt added, build.log (excluded by .dockerignore) written, FAIL_TESTS 0 → 00."""
    before = json.loads((RECORDS / "webapp-test-1.json").read_text())
    after = json.loads((RECORDS / "webapp-test-2.json").read_text())
    found = explain(BuildFacts.from_dict(after), BuildFacts.from_dict(before))
    summary = [(c.kind, c.line, c.names, c.files and c.files.names) for c in found.causes]
    assert summary == [
        ("sources", 8, (), ("deps.txt",)),
        ("sources", 17, (), ("src/index.html", "src/new.txt")),
        ("arg", 18, ("FAIL_TESTS",), None),
    ]
    assert [s.instruction for s in found.causes[0].cascades] == [
        "RUN --mount=type=cache,target=/var/cache/deps sh fetch-deps.sh deps.txt /app/vendor"
    ]
    built = {s.id for s in found.after.steps if s.cacheable and s.status == "built"}
    covered = {s.id for c in found.causes for s in (*c.steps, *c.cascades)}
    assert covered == built


def test_an_env_or_arg_default_edited_in_the_dockerfile_names_the_next_run() -> None:
    below = {"RUN make plain", "RUN strip out", "COPY --from=build /app/out /srv/"}
    env = DOCKERFILE.replace("ARG NPM_TOKEN\n", "ARG NPM_TOKEN\nENV CC=gcc\n")
    before, after = record(dockerfile=env), record(below, dockerfile=env.replace("gcc", "clang"))
    (cause,) = explain(BuildFacts.from_dict(after), BuildFacts.from_dict(before)).causes
    assert (cause.kind, cause.names, cause.line) == ("env", ("CC",), 11)
    # an ARG default, with no --build-arg: the value the build saw changed
    hot = DOCKERFILE.replace("FLAVOR=plain", "FLAVOR=hot")
    after = record(below, dockerfile=hot, args=())
    before = record(args=())
    (cause,) = explain(BuildFacts.from_dict(after), BuildFacts.from_dict(before)).causes
    assert (cause.kind, cause.names) == ("arg", ("FLAVOR",))
    # a new ENV line
    after = record(below, dockerfile=env)
    (cause,) = explain(BuildFacts.from_dict(after), BuildFacts.from_dict(BEFORE)).causes
    assert (cause.kind, cause.names) == ("env", ("CC",))


def test_each_platform_cascades_on_its_own() -> None:
    def two_platforms(data: dict[str, Any]) -> dict[str, Any]:
        steps = []
        for platform in ("linux/amd64", "linux/arm64"):
            for step in data["steps"]:
                steps.append(
                    {**step, "platform": platform, "digest": f"{step['digest']}-{platform}"}
                )
        return {**data, "steps": steps}

    before = two_platforms(record())
    after = two_platforms(record({"RUN strip out", "COPY --from=build /app/out /srv/"}))
    after["steps"] = [  # only arm64 rebuilt
        {**s, "status": "cached"} if s["platform"] == "linux/amd64" and s["cacheable"] else s
        for s in after["steps"]
    ]
    found = explain(BuildFacts.from_dict(after), BuildFacts.from_dict(before))
    assert [(c.kind, [s.platform for s in c.steps], len(c.cascades)) for c in found.causes] == [
        ("no-cache", ["linux/arm64"], 1)
    ]


def test_a_cached_copy_of_changed_files_is_the_root_of_what_it_feeds() -> None:
    """In a bake, an identical `COPY src/ src/` another target just ran shows as cached for this
    target: the files it brought in still rebuilt the steps below it (not "no cache")."""
    below = {"RUN make plain", "RUN strip out", "COPY --from=build /app/out /srv/"}
    after = record(below, files={"src/a.py": "a2"})
    found = explain(BuildFacts.from_dict(after), BuildFacts.from_dict(BEFORE))
    (cause,) = found.causes
    assert cause.kind == "sources" and cause.line == 9
    assert [s.instruction for s in cause.steps] == ["COPY src/ src/"]
    assert cause.files is not None and cause.files.modified == ("src/a.py",)
    assert [s.instruction for s in cause.cascades] == sorted(
        below, key=[t for *_, t in STEPS].index
    )
    assert (cause.rebuilt, cause.cost_s) == (3, 3.0)
    assert found.reasons["sha256:build2"] == "src/a.py changed (COPY src/ src/ at line 9)"
    assert "sha256:build1" not in found.reasons  # the COPY itself was not rebuilt


def test_the_cached_copy_is_shown_as_cached_not_rebuilt() -> None:
    from rich.console import Console

    from arxdocker.render.explanation import ExplanationView

    after = record({"RUN make plain", "RUN strip out"}, files={"src/a.py": "a2"})
    found = explain(BuildFacts.from_dict(after), BuildFacts.from_dict(BEFORE))
    console = Console(width=120, record=True)
    console.print(ExplanationView(found))
    text = console.export_text()
    assert "   cached     1.0s  [build 1/3] COPY src/ src/\n" in text
    assert "an identical COPY had just run in this build" in text
    assert "rebuilt    1.0s  [build 1/3]" not in text
    assert "→ 2 steps rebuilt, 2.0s" in text
