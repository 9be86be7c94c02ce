#!/usr/bin/env bash
# Provision and run a real BuildKit engine for arxdocker's tests and demo.
#
#   scripts/engine.sh up       use a reachable engine that can export cache, or build and start one
#   scripts/engine.sh down     stop only what `up` started (by pid)
#   scripts/engine.sh status   say what is running
#   scripts/engine.sh env      print the `export ...` lines for a shell or pytest
#
# Several independent engines can run side by side (a second "CI runner", or one per developer):
# give each its own ARXDOCKER_ENGINE_DIR and, for every engine after the first, its own bridge with
# ARXDOCKER_ENGINE_BRIDGE=NAME=CIDR (for example arx2=172.31.78.1/24).
#
# Two generations of the engine, chosen with ARXDOCKER_ENGINE (see docs/engine.md):
#   today (default)  Docker 28.5, buildx 0.29, containerd 2.1: Debian's newest suite that has them
#                    (forky, else sid)
#   2024             Docker 26.1, buildx 0.13, containerd 1.7: Debian trixie
# Either is made only from Debian packages: docker.io, docker-buildx and containerd from that suite
# (unpacked with dpkg -x, never installed), runc, iptables, the OCI registry and busybox-static from
# the machine's own release. An engine's state lives under $ARXDOCKER_ENGINE_DIR (default:
# .engine/ for today's engine, .engine-2024/ for the 2024 one; both git-ignored); the downloaded
# packages and the unpacked binaries, which every engine of one generation shares, under
# $ARXDOCKER_ENGINE_DEBS and $ARXDOCKER_ENGINE_PREFIX (default: .engine/debs-GENERATION and
# .engine/prefix-GENERATION).
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
generation=${ARXDOCKER_ENGINE:-today}
case "$generation" in
  today) suites=(forky sid); default_state=$repo_root/.engine ;;
  2024) suites=(trixie); default_state=$repo_root/.engine-2024 ;;
  *) printf 'engine: error: ARXDOCKER_ENGINE=%s: choose today (Docker 28.5) or 2024 (Docker 26.1)\n' "$generation" >&2; exit 2 ;;
esac
state_dir=${ARXDOCKER_ENGINE_DIR:-$default_state}
prefix=${ARXDOCKER_ENGINE_PREFIX:-$repo_root/.engine/prefix-$generation}
debs=${ARXDOCKER_ENGINE_DEBS:-$repo_root/.engine/debs-$generation}
config_dir=$state_dir/docker-config
# A unix socket path must fit in 107 bytes, so the socket and exec root live in a short /run path
# named after the state folder rather than inside a possibly deep checkout.
run_id=$(printf '%s' "$state_dir" | sha256sum | cut -c1-10)
run_dir=/run/arxdocker-$run_id
socket=$run_dir/docker.sock
base_image=${ARXDOCKER_BASE_IMAGE:-arxdocker/busybox:1}

log() { printf 'engine: %s\n' "$*" >&2; }
die() { printf 'engine: error: %s\n' "$*" >&2; exit 1; }

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

registry_port() {
  if [ -f "$state_dir/registry.port" ]; then cat "$state_dir/registry.port"; return; fi
  python3 - <<'PY'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
PY
}

# An engine someone else runs is used as is, when it can export build cache: either its buildx
# builder is not the plain `docker` driver, or dockerd uses the containerd image store.
external_engine_ok() {
  [ -n "${ARXDOCKER_FORCE_OWN_ENGINE:-}" ] && return 1
  [ "${DOCKER_HOST:-}" = "unix://$socket" ] && return 1
  timeout 10 docker info >/dev/null 2>&1 || return 1
  timeout 10 docker buildx version >/dev/null 2>&1 || return 1
  local driver
  driver=$(timeout 10 docker buildx inspect 2>/dev/null | awk '/^Driver:/ {print $2; exit}')
  [ -n "$driver" ] && [ "$driver" != docker ] && return 0
  timeout 10 docker info --format '{{json .DriverStatus}}' 2>/dev/null | grep -q 'io.containerd.snapshotter'
}

own_engine_running() {
  pid_alive "$state_dir/dockerd.pid" && DOCKER_HOST=unix://$socket timeout 10 docker info >/dev/null 2>&1
}

print_env() {
  local port
  port=$(registry_port)
  if own_engine_running; then
    echo "export DOCKER_HOST=unix://$socket"
    echo "export DOCKER_CONFIG=$config_dir"
    echo "export ARXDOCKER_ENGINE=$generation"
    echo "export ARXDOCKER_ENGINE_PREFIX=$prefix"
  elif external_engine_ok; then
    [ -n "${DOCKER_HOST:-}" ] && echo "export DOCKER_HOST=$DOCKER_HOST"
    [ -n "${DOCKER_CONFIG:-}" ] && echo "export DOCKER_CONFIG=$DOCKER_CONFIG"
  else
    die "no engine is running; start one with: scripts/engine.sh up"
  fi
  echo "export ARXDOCKER_TEST_REGISTRY=127.0.0.1:$port"
  echo "export ARXDOCKER_BASE_IMAGE=$base_image"
}

apt_source_uri() {
  # The archive address comes from the machine's own apt setup; no host is written here.
  local uri=""
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
  fi
  if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
    uri=$(awk '$1=="deb" {for (i=2;i<=NF;i++) if ($i ~ /^https?:/) {print $i; exit}}' /etc/apt/sources.list)
  fi
  [ -n "$uri" ] || die "cannot find a Debian archive address in /etc/apt/sources.list(.d)"
  echo "$uri"
}

install_host_packages() {
  local missing=()
  for pkg in runc iptables docker-registry busybox-static; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return
  log "installing from Debian: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

fetch_engine() {
  [ -x "$prefix/usr/sbin/dockerd" ] && [ -x "$prefix/usr/libexec/docker/cli-plugins/docker-buildx" ] \
    && [ -x "$prefix/usr/bin/containerd" ] && return
  local uri suite
  uri=$(apt_source_uri)
  mkdir -p "$debs" "$prefix"
  for suite in "${suites[@]}"; do
    local apt_dir=$repo_root/.engine/apt-$suite
    mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
    echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri $suite main" >"$apt_dir/sources.list"
    local opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
      -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache"
      -o Debug::NoLocking=1 -o APT::Sandbox::User=root)
    apt-get "${opts[@]}" update -qq >/dev/null || { log "cannot read Debian $suite's package list"; continue; }
    # The newest suite that carries all three is the one: a package can be missing from testing
    # for a while (an RC bug), and then sid has it.
    local missing=0 pkg
    for pkg in docker.io docker-buildx containerd; do
      case $(apt-cache "${opts[@]}" policy "$pkg" 2>/dev/null) in *"Candidate: "[0-9]*) ;; *) missing=1 ;; esac
    done
    [ "$missing" = 0 ] || { log "Debian $suite lacks one of docker.io, docker-buildx, containerd"; continue; }
    log "fetching dockerd, containerd and buildx from Debian $suite"
    rm -f "$debs"/*.deb
    (cd "$debs" && apt-get "${opts[@]}" download docker.io docker-buildx containerd >/dev/null)
    for deb in "$debs"/*.deb; do dpkg -x "$deb" "$prefix"; done
    echo "$suite" >"$prefix/.suite"
    return
  done
  die "no Debian suite of ${suites[*]} carries docker.io, docker-buildx and containerd"
}

make_base_image() {
  docker image inspect "$base_image" >/dev/null 2>&1 && return
  log "importing base image $base_image from busybox-static"
  local root=$state_dir/busybox-root
  rm -rf "$root"
  mkdir -p "$root/bin" "$root/etc/ssl/certs" "$root/tmp" "$root/root"
  cp /bin/busybox "$root/bin/busybox"
  for applet in $("$root/bin/busybox" --list); do
    [ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
  done
  [ -f /etc/ssl/certs/ca-certificates.crt ] && cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
  echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
  echo 'root:x:0:' >"$root/etc/group"
  tar -C "$root" -c . | docker import \
    -c 'ENV PATH=/bin' -c 'ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt' \
    -c 'CMD ["/bin/sh"]' - "$base_image" >/dev/null
  rm -rf "$root"
}

# This engine's own bridge as NAME=CIDR, or nothing for Docker's default docker0. Two daemons on
# one bridge rewrite each other's rules and addresses, so when another dockerd already runs here
# (another checkout's engine, a test's) and ARXDOCKER_ENGINE_BRIDGE names none, one is picked:
# arx<run id> on the first free 172.31.N.0/24, kept in the state folder until `down`.
known_bridge() {
  if [ -n "${ARXDOCKER_ENGINE_BRIDGE:-}" ]; then echo "$ARXDOCKER_ENGINE_BRIDGE"; return; fi
  if [ -f "$state_dir/bridge.auto" ]; then cat "$state_dir/bridge.auto"; fi
}

engine_bridge() {  # before this engine's dockerd starts
  local known
  known=$(known_bridge)
  if [ -n "$known" ]; then echo "$known"; return; fi
  pgrep -x dockerd >/dev/null 2>&1 || return 0
  local start n used
  used=$(ip -4 -o addr show 2>/dev/null || true)
  start=$(( 16#${run_id:0:4} % 200 ))
  for offset in $(seq 0 199); do
    n=$(( (start + offset) % 200 + 40 ))
    case $used in *" 172.31.$n."*) continue ;; esac
    echo "arx$run_id=172.31.$n.1/24" | tee "$state_dir/bridge.auto"
    log "another dockerd runs here: this engine takes bridge arx$run_id (172.31.$n.0/24)"
    return
  done
  die "another dockerd runs here and no 172.31.N.0/24 is free for a bridge of this engine's own"
}

start_dockerd() {
  own_engine_running && { open_bridge; return; }
  mkdir -p "$run_dir" "$state_dir/data" "$config_dir/cli-plugins"
  ln -sf "$prefix/usr/libexec/docker/cli-plugins/docker-buildx" "$config_dir/cli-plugins/docker-buildx"
  echo '{"features": {"containerd-snapshotter": true}}' >"$state_dir/daemon.json"
  local bridge_args=() own
  own=$(engine_bridge)
  if [ -n "$own" ]; then
    # A second engine on one machine needs a bridge of its own: NAME=CIDR, e.g. arx1=172.31.77.1/24.
    local bridge=${own%%=*} cidr=${own#*=}
    if ! ip link show "$bridge" >/dev/null 2>&1; then
      ip link add "$bridge" type bridge && ip addr add "$cidr" dev "$bridge" && ip link set "$bridge" up
      echo "$bridge" >"$state_dir/bridge.created"  # so that `down` removes it again
    fi
    bridge_args=(--bridge "$bridge")
  fi
  log "starting dockerd (socket $socket)"
  PATH=$prefix/usr/bin:$prefix/usr/sbin:/usr/sbin:/usr/bin:/sbin:/bin setsid \
    "$prefix/usr/sbin/dockerd" --config-file "$state_dir/daemon.json" \
    --data-root "$state_dir/data" --exec-root "$run_dir/exec" \
    -H "unix://$socket" --pidfile "$state_dir/dockerd.pid" "${bridge_args[@]}" \
    </dev/null >"$state_dir/dockerd.log" 2>&1 &
  for _ in $(seq 1 120); do
    if DOCKER_HOST=unix://$socket docker info >/dev/null 2>&1; then open_bridge; return; fi
    sleep 0.5
  done
  tail -20 "$state_dir/dockerd.log" >&2
  die "dockerd did not answer within 60 s; its log is $state_dir/dockerd.log"
}

# Docker 28 keeps its FORWARD rules in DOCKER-FORWARD and friends, and every dockerd on the
# machine flushes and rewrites those chains with only its own bridge when it starts or stops: a
# second engine's start removes the first engine's `-i docker0 -j ACCEPT`, and the first engine's
# builds can no longer reach the package archive. DOCKER-USER is the chain dockerd never rewrites,
# so each engine opens its own bridge there (and keeps its own NAT rule), tagged with its run id so
# that `down` removes exactly its own rules.
rule_tag() { echo "arxdocker-engine:$run_id"; }

open_bridge() {
  command -v iptables >/dev/null || return 0
  local bridge
  bridge=$(known_bridge)
  bridge=${bridge:-docker0}
  bridge=${bridge%%=*}
  local cidr
  cidr=$(ip -4 -o addr show dev "$bridge" 2>/dev/null | awk '{print $4; exit}')
  [ -n "$cidr" ] || { log "warning: no address on bridge $bridge; its rules were not added"; return 0; }
  local net
  net=$(python3 -c "import ipaddress,sys; print(ipaddress.ip_interface(sys.argv[1]).network)" "$cidr")
  close_bridge
  iptables -N DOCKER-USER 2>/dev/null || true
  iptables -C FORWARD -j DOCKER-USER 2>/dev/null || iptables -I FORWARD -j DOCKER-USER
  local tag
  tag=$(rule_tag)
  iptables -I DOCKER-USER -i "$bridge" -m comment --comment "$tag" -j ACCEPT
  iptables -I DOCKER-USER -o "$bridge" -m conntrack --ctstate RELATED,ESTABLISHED \
    -m comment --comment "$tag" -j ACCEPT
  iptables -t nat -A POSTROUTING -s "$net" ! -o "$bridge" -m comment --comment "$tag" -j MASQUERADE
  echo "$bridge $net" >"$state_dir/bridge.rules"
}

close_bridge() {
  command -v iptables >/dev/null || return 0
  local tag table chain rule
  tag=$(rule_tag)
  for table_chain in filter:DOCKER-USER nat:POSTROUTING; do
    table=${table_chain%%:*} chain=${table_chain#*:}
    while read -r rule; do
      case $rule in
        # shellcheck disable=SC2086  # the rule's own words, as iptables -S printed them
        *"$tag"*) eval iptables -t "$table" ${rule/-A /-D } ;;
      esac
    done < <(iptables -t "$table" -S "$chain" 2>/dev/null || true)
  done
  rm -f "$state_dir/bridge.rules"
}

start_registry() {
  local port
  port=$(registry_port)
  echo "$port" >"$state_dir/registry.port"
  if pid_alive "$state_dir/registry.pid"; then return; fi
  mkdir -p "$state_dir/registry-data"
  cat >"$state_dir/registry.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $state_dir/registry-data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
EOF
  log "starting the OCI registry on 127.0.0.1:$port"
  setsid docker-registry serve "$state_dir/registry.yml" </dev/null >"$state_dir/registry.log" 2>&1 &
  echo $! >"$state_dir/registry.pid"
  for _ in $(seq 1 40); do
    python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/v2/', timeout=1)" \
      2>/dev/null && return
    sleep 0.25
  done
  die "the registry did not answer on 127.0.0.1:$port; its log is $state_dir/registry.log"
}

cmd_up() {
  mkdir -p "$state_dir"
  if external_engine_ok; then
    log "using the engine already reachable (${DOCKER_HOST:-default socket})"
    command -v docker-registry >/dev/null || { [ "$(id -u)" = 0 ] && install_host_packages; }
    command -v docker-registry >/dev/null || die "no docker-registry binary for the test registry; install Debian's docker-registry package"
    start_registry
    make_base_image
    log "$(print_versions)"
    return
  fi
  if [ "$(id -u)" != 0 ]; then
    die "no engine that can export build cache is reachable, and provisioning one needs root. Point DOCKER_HOST at an engine with the containerd image store, or run as root."
  fi
  command -v apt-get >/dev/null || die "provisioning needs apt-get (Debian or Ubuntu); point DOCKER_HOST at an existing engine instead."
  command -v docker >/dev/null || die "no docker client on PATH; install Debian's docker-cli package."
  install_host_packages
  fetch_engine
  start_dockerd
  start_registry
  export DOCKER_HOST=unix://$socket DOCKER_CONFIG=$config_dir
  docker buildx version >/dev/null || die "buildx does not run from $config_dir/cli-plugins"
  make_base_image
  log "ready ($(print_versions)); load it with: eval \"\$(scripts/engine.sh env)\""
}

stop_pidfile() {
  local pidfile=$1 name=$2
  pid_alive "$pidfile" || { rm -f "$pidfile"; return; }
  local pid
  pid=$(cat "$pidfile")
  log "stopping $name (pid $pid)"
  kill "$pid"
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  rm -f "$pidfile"
}

cmd_down() {
  stop_pidfile "$state_dir/registry.pid" registry
  stop_pidfile "$state_dir/dockerd.pid" dockerd
  # Besides the processes, `up` made a run folder under /run and perhaps a bridge: remove both
  # once dockerd is gone, so that nothing is left behind.
  own_engine_running && return
  close_bridge
  if [ -f "$state_dir/bridge.created" ]; then
    local bridge
    bridge=$(cat "$state_dir/bridge.created")
    ip link del "$bridge" 2>/dev/null && log "removed bridge $bridge"
    rm -f "$state_dir/bridge.created"
  fi
  rm -f "$state_dir/bridge.auto"
  if [ -d "$run_dir" ]; then
    # dockerd can leave a container's network namespace mounted there (an interrupted build)
    awk -v dir="$run_dir/" 'index($2, dir) == 1 {print $2}' /proc/mounts | xargs -r umount -l 2>/dev/null
    rm -rf "$run_dir" 2>/dev/null || log "could not remove all of $run_dir"
  fi
  return 0
}

# The versions that run, as the engine itself reports them.
print_versions() {
  local server buildx containerd
  server=$(timeout 10 docker version --format '{{.Server.Version}}' 2>/dev/null || true)
  containerd=$(timeout 10 docker version --format \
    '{{range .Server.Components}}{{if eq .Name "containerd"}}{{.Version}}{{end}}{{end}}' 2>/dev/null || true)
  buildx=$(timeout 10 docker buildx version 2>/dev/null | awk '{print $2}' || true)
  echo "versions: docker ${server:-?}, buildx ${buildx:-?}, containerd ${containerd:-?}"
}

cmd_status() {
  local ok=0
  if own_engine_running; then
    local suite=""
    [ -f "$prefix/.suite" ] && suite=", Debian $(cat "$prefix/.suite")"
    echo "dockerd: running (pid $(cat "$state_dir/dockerd.pid"), unix://$socket; engine $generation$suite)"
    DOCKER_HOST=unix://$socket DOCKER_CONFIG=$config_dir print_versions
  elif external_engine_ok; then
    echo "dockerd: using the reachable engine (${DOCKER_HOST:-default socket})"
    print_versions
  else
    echo "dockerd: not running"; ok=1
  fi
  if pid_alive "$state_dir/registry.pid"; then
    echo "registry: running (pid $(cat "$state_dir/registry.pid"), 127.0.0.1:$(cat "$state_dir/registry.port"))"
  else
    echo "registry: not running"; ok=1
  fi
  return $ok
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  env) print_env ;;
  *) echo "usage: [ARXDOCKER_ENGINE=today|2024] scripts/engine.sh up|down|status|env" >&2; exit 2 ;;
esac
