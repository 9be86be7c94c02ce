#!/bin/sh
# A stand-in package manager for the offline busybox image: "downloads" each package named in
# the manifest (1 MiB of data and a short wait, as a registry fetch would take) into a vendor dir.
# With a cache mount at /var/cache/deps, packages already fetched are reused.
set -eu
manifest=$1 dest=$2
cache=/var/cache/deps
mkdir -p "$dest" "$cache"
while read -r name version; do
  [ -n "$name" ] || continue
  archive="$cache/$name-$version.bin"
  if [ ! -f "$archive" ]; then
    echo "fetching $name $version"
    sleep 0.5
    dd if=/dev/urandom of="$archive" bs=1024 count=1024 2>/dev/null
  else
    echo "reusing cached $name $version"
  fi
  mkdir -p "$dest/$name"
  cp "$archive" "$dest/$name/$name.bin"
  echo "$version" >"$dest/$name/VERSION"
done <"$manifest"
echo "installed $(ls "$dest" | wc -l) packages"
