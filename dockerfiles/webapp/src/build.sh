#!/bin/sh
# "Compiles" the app: bundles the sources into the dist folder.
set -eu
dest=$1
mkdir -p "$dest"
echo "bundling $(ls src | wc -l) source files"
sleep 1
cat src/*.html >"$dest/index.html"
cp src/start.sh "$dest/start.sh"
echo "bundle ready: $(wc -c <"$dest/index.html") bytes"
