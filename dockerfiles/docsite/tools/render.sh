#!/bin/sh
# Renders every Markdown page to HTML: headings and paragraphs, enough for a demo.
set -eu
src=$1 out=$2
mkdir -p "$out"
for page in "$src"/*.md; do
  name=$(basename "$page" .md)
  {
    echo "<!doctype html><html><body>"
    sed -e 's|^# \(.*\)|<h1>\1</h1>|' -e 's|^## \(.*\)|<h2>\1</h2>|' \
        -e '/^<h[12]>/!s|^\(..*\)$|<p>\1</p>|' "$page"
    echo "</body></html>"
  } >"$out/$name.html"
  echo "rendered $name.html"
done
