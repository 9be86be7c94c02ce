#!/bin/sh
# "Installs" each plugin of the list: slow on purpose (as a real download is), so the layer
# cache makes a visible difference. A cache mount keeps the downloads between builds.
set -eu
list=$1 dest=$2
cache=/var/cache/plugins
mkdir -p "$dest" "$cache"
grep -v '^#' "$list" | while read -r name version; do
  [ -n "$name" ] || continue
  if [ ! -f "$cache/$name-$version.sh" ]; then
    echo "downloading $name $version"
    sleep 0.5
    printf '#!/bin/sh\necho "plugin %s %s: $*"\n' "$name" "$version" >"$cache/$name-$version.sh"
  fi
  mkdir -p "$dest/$name"
  cp "$cache/$name-$version.sh" "$dest/$name/plugin.sh"
  echo "installed $name $version"
done
