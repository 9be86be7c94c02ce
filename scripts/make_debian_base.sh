#!/usr/bin/env bash
# Import a Debian 12 base image with python3 and pip into the current engine (DOCKER_HOST), for the
# pip and apt examples under dockerfiles/. Nothing can be pulled from Docker Hub here, so the root
# file system is made with debootstrap from the machine's own Debian archive, then `docker import`ed.
#
#   scripts/make_debian_base.sh            # imports arxdocker/debian-python:12
#
# The image trusts the host's CA bundle (SSL_CERT_FILE, PIP_CERT) so pip reaches PyPI from a
# container (see docs/engine.md), and carries the apt `docker-clean` hook the official debian
# images ship, so the examples behave as they would on `debian:bookworm`.
set -euo pipefail
image=${ARXDOCKER_DEBIAN_IMAGE:-arxdocker/debian-python:12}
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=${ARXDOCKER_ENGINE_DIR:-$repo_root/.engine}/debian-base
tarball=$work/rootfs.tar

if docker image inspect "$image" >/dev/null 2>&1; then
  echo "base: $image already present"; exit 0
fi
if [ ! -f "$tarball" ]; then
  command -v debootstrap >/dev/null || apt-get install -y -q debootstrap >/dev/null
  uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
  root=$work/root
  rm -rf "$root"; mkdir -p "$root"
  echo "base: debootstrap bookworm from $uri (a few minutes)"
  debootstrap --variant=minbase --include=python3,python3-pip,python3-venv bookworm "$root" "$uri" \
    >"$work.log" 2>&1 || { tail -20 "$work.log"; exit 1; }
  cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/host-ca.crt"
  cat >"$root/etc/apt/apt.conf.d/docker-clean" <<'CLEAN'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
CLEAN
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  tar -C "$root" -cf "$tarball" .
  rm -rf "$root"
fi
docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV SSL_CERT_FILE=/etc/ssl/certs/host-ca.crt PIP_CERT=/etc/ssl/certs/host-ca.crt' \
  --change 'ENV PIP_BREAK_SYSTEM_PACKAGES=1 PIP_DISABLE_PIP_VERSION_CHECK=1' \
  --change 'CMD ["/bin/bash"]' \
  "$tarball" "$image" >/dev/null
echo "base: imported $image"
