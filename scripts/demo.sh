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

banner "1/3 cold build of dockerfiles/webapp (Dockerfile, --no-cache)"
"${build[@]}" --no-cache

banner "2/3 the same build after a one-line edit of src/index.html"
edit_source
"${build[@]}"

banner "3/3 the cache-unfriendly variant (Dockerfile.unfriendly: COPY . . before the install), same edit"
"${build[@]}" -f Dockerfile.unfriendly >/dev/null
edit_source
"${build[@]}" -f Dockerfile.unfriendly

banner "what to change"
if arxdocker lint --help >/dev/null 2>&1; then
  arxdocker lint Dockerfile.unfriendly || true
fi
printf '\nThe history of these builds is in %s (deleted on exit).\n' ".arxdocker/history.jsonl"
