#!/usr/bin/env bash
# Two CI runners, one registry (issue 5, acceptance 2).
#
#   scripts/two_runners.sh
#
# Runner A is the engine of ARXDOCKER_ENGINE_DIR (default: scripts/engine.sh's for ARXDOCKER_ENGINE,
# today or 2024); runner B is a second, separate dockerd of the same generation with its own data
# root, socket and bridge (ARXDOCKER_RUNNER_B_DIR, ARXDOCKER_RUNNER_B_BRIDGE).
# B gets A's base image as a runner pulls it (same digest: `docker save | docker load`).
#   1. A bakes the repository's default group with --cache registry:$REGISTRY/two-runners-N (cold).
#   2. B bakes the same targets cold, with no cache (its own cold build), then prunes its cache.
#   3. B bakes again with the cache A pushed: every cacheable step must be CACHED, or arxdocker
#      must name why not. On Docker 28.5 a bake can miss the step after a step two targets share
#      (webapp's build and webapp-test's test stages share `COPY src/ src/`): BuildKit solves the
#      targets at once and one target's child of the shared step misses its cache record
#      (moby/buildkit#4674, docker/buildx#3878); arxdocker names each such step.
#   4. B bakes each target alone from the same registry (its cache pruned before each): the
#      engine's own proof that the registry holds every cacheable step; each must be 100 %.
# Prints the hit rates and B's wall times, cold vs from the registry. Engine B is stopped at the end
# (only if this script started it). Exit 1 when A's cache export failed (arxdocker sees it even
# under ignore-error=true), when a target alone is not 100 % cached from the registry, or when B's
# bake rebuilt a cacheable step arxdocker did not name.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
python=${PYTHON:-$repo/.venv/bin/python}
[ -x "$python" ] || python=python3
targets=(webapp webapp-test docsite)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

env_of() { ARXDOCKER_ENGINE_DIR=$1 ARXDOCKER_ENGINE_BRIDGE=${2:-} scripts/engine.sh env; }
fresh() {  # a runner with no build cache and none of the images a bake made
  docker buildx prune -af >/dev/null
  docker image ls -q --filter 'reference=arxdocker/example-*' | xargs -r docker image rm -f >/dev/null
  docker image prune -f >/dev/null
}
bake() {  # bake NAME ARGS...: arxdocker bake, its JSON in $work/NAME.json, its records in
  # NAME.jsonl, wall time in NAME.s; $only (a target) bakes that one alone
  local name=$1; shift
  local start end baked=("${targets[@]}")
  [ -z "${only:-}" ] || baked=("$only")
  start=$(date +%s.%N)
  CI= GITHUB_ACTIONS= GITLAB_CI= "$python" -m arxdocker bake "${baked[@]}" \
    --progress quiet --json --history "$work/$name.jsonl" "$@" >"$work/$name.json" \
    2>"$work/$name.err"
  end=$(date +%s.%N)
  echo "$end - $start" | bc >"$work/$name.s"
}
rate() {
  "$python" -c 'import json,sys; s=json.load(open(sys.argv[1]))["total"]["summary"]; print("%d/%d cached" % (s["steps_cached"], s["steps_total"]))' "$1"
}

# Runner A: the engine of this generation (ARXDOCKER_ENGINE) unless ARXDOCKER_ENGINE_DIR names one.
a_dir=${ARXDOCKER_ENGINE_DIR:-}
b_dir=${ARXDOCKER_RUNNER_B_DIR:-$repo/.engine-runner-b-${ARXDOCKER_ENGINE:-today}}
b_bridge=${ARXDOCKER_RUNNER_B_BRIDGE:-arxrunb=172.31.99.1/24}

unset DOCKER_HOST
ARXDOCKER_ENGINE_DIR=$a_dir scripts/engine.sh up >&2
eval "$(env_of "$a_dir" "${ARXDOCKER_ENGINE_BRIDGE:-}")"
a_host=$DOCKER_HOST a_config=$DOCKER_CONFIG
registry=$ARXDOCKER_TEST_REGISTRY
prefix="$registry/two-runners-$(date +%s)"
docker save "$ARXDOCKER_BASE_IMAGE" -o "$work/base.tar"

started_b=
if ! ARXDOCKER_ENGINE_DIR=$b_dir scripts/engine.sh status >/dev/null 2>&1; then started_b=1; fi
ARXDOCKER_ENGINE_DIR=$b_dir ARXDOCKER_ENGINE_BRIDGE=$b_bridge ARXDOCKER_FORCE_OWN_ENGINE=1 \
  scripts/engine.sh up >&2
cleanup_b() {
  if [ -n "$started_b" ]; then
    DOCKER_HOST= ARXDOCKER_ENGINE_DIR=$b_dir scripts/engine.sh down >&2 || true
  fi
  rm -rf "$work"
}
trap cleanup_b EXIT

echo "runner A ($a_host): bake ${targets[*]} --cache registry:$prefix" >&2
fresh
bake a-cold --cache "registry:$prefix"

eval "$(env_of "$b_dir" "$b_bridge")"
[ "$DOCKER_HOST" != "$a_host" ] || { echo "runner B is runner A" >&2; exit 1; }
docker load -i "$work/base.tar" >/dev/null
echo "runner B ($DOCKER_HOST): cold, no cache" >&2
fresh
bake b-cold --cache none
fresh
echo "runner B: from the registry A filled" >&2
bake b-warm --cache "registry:$prefix"
echo "runner B: each target alone from the registry" >&2
for target in "${targets[@]}"; do
  fresh
  only=$target bake "b-alone-$target" --cache "registry:$prefix"
done

printf 'runner A cold:          %s in %.2f s\n' "$(rate "$work/a-cold.json")" "$(cat "$work/a-cold.s")"
printf 'runner B cold:          %s in %.2f s\n' "$(rate "$work/b-cold.json")" "$(cat "$work/b-cold.s")"
printf 'runner B from registry: %s in %.2f s\n' "$(rate "$work/b-warm.json")" "$(cat "$work/b-warm.s")"
"$python" - "$work" "${targets[@]}" <<'PY'
import json, sys
from pathlib import Path

work, targets = Path(sys.argv[1]), sys.argv[2:]


def records(name):
    return [json.loads(line) for line in (work / f"{name}.jsonl").read_text().splitlines()]


ok = True
exports = {p for r in records("a-cold") if r["cache"]["export_failed"] for p in r["cache"]["problems"]}
for problem in sorted(exports):
    print(f"runner A: {problem}")
    ok = False
for target in targets:
    s = json.load(open(work / f"b-alone-{target}.json"))["total"]["summary"]
    print(f"runner B {target} alone:  {s['steps_cached']}/{s['steps_total']} cached")
    ok = ok and s["steps_total"] > 0 and s["steps_cached"] == s["steps_total"]
named = {p for r in records("b-warm") for p in r["cache"]["problems"]}
document = json.load(open(work / "b-warm.json"))
for name, report in document["targets"].items():
    s = report["summary"]
    print(f"  {name}: {s['steps_cached']}/{s['steps_total']} cached")
    for step in report["steps"]:
        if step["cacheable"] and step["status"] != "cached":
            why = next((p for p in sorted(named) if p.startswith(step["name"] + " ran although")), None)
            print(f"    {step['status']}: {step['name']}")
            print(f"      named: {why}" if why else "      not named by arxdocker")
            ok = ok and why is not None
total = document["total"]["summary"]
sys.exit(0 if ok and total["steps_total"] else 1)
PY
