#!/usr/bin/env bash
# The demo behind `make demo`: build dockerfiles/webapp cold, edit one source file, build again,
# and print both cache reports; then the same edit on the cache-unfriendly variant, for contrast.
# Runs on a copy of the example, so the checkout stays clean, and never prunes your build cache
# (the cold build uses --no-cache). Needs the engine env (`eval "$(scripts/engine.sh env)"`, which
# `make demo` does) and arxdocker on PATH.
set -euo pipefail
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/arxdocker-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp -r "$repo_root/dockerfiles/webapp" "$work/webapp"
cd "$work/webapp"
build=(arxdocker build . --progress quiet --build-arg "BASE_IMAGE=${ARXDOCKER_BASE_IMAGE:-arxdocker/busybox:1}")

banner() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
edit_source() { printf '<p>edited at %s</p>\n' "$(date +%s.%N)" >>src/index.html; }

banner "the engine"
server=$(docker version --format '{{.Server.Version}}')
containerd=$(docker version --format '{{range .Server.Components}}{{if eq .Name "containerd"}}{{.Version}}{{end}}{{end}}')
echo "Docker $server, $(docker buildx version | awk '{print "buildx " $2}'), containerd ${containerd:-?} (${DOCKER_HOST:-default socket})"

banner "1/3 cold build of dockerfiles/webapp (Dockerfile, --no-cache)"
"${build[@]}" --no-cache

banner "2/3 the same build after a one-line edit of src/index.html"
edit_source
"${build[@]}" --record "$work/friendly.json"

banner "3/3 the cache-unfriendly variant (Dockerfile.unfriendly: COPY . . before the install), same edit"
"${build[@]}" -f Dockerfile.unfriendly >/dev/null
edit_source
"${build[@]}" -f Dockerfile.unfriendly --record "$work/unfriendly.json"

banner "after the same one-line edit"
python3 - "$work/friendly.json" "$work/unfriendly.json" <<'PY'
import json, sys
friendly, unfriendly = (json.load(open(path)) for path in sys.argv[1:])
for label, record in (("Dockerfile", friendly), ("Dockerfile.unfriendly", unfriendly)):
    summary = record["summary"]
    print(f"{label:22} {record['duration_s']:5.1f} s  {summary['steps_cached']}/{summary['steps_total']} steps cached")
print(f"the cache-friendly order rebuilds {unfriendly['duration_s'] / friendly['duration_s']:.1f}x faster")
PY
