#!/usr/bin/env bash
# Gives the end-to-end tests a Docker engine and a private registry with the base images in it,
# and takes them away again. Everything it starts is stopped by the PID it recorded.
#   scripts/test-services.sh start STATE_DIR   reuses a Docker engine that answers, else starts
#                                              dockerd; starts a registry on 127.0.0.1; pushes
#                                              the base images; writes STATE_DIR/env to source
#   scripts/test-services.sh stop STATE_DIR    stops the registry, and dockerd if start started it
# The registry keeps its data in STATE_DIR/registry and logs go to STATE_DIR/*.log. Keep
# STATE_DIR between runs: the registry then already holds the images and start takes a second
# instead of half a minute of pushing.
set -euo pipefail
scripts=$(cd "$(dirname "$0")" && pwd)

usage() { echo "usage: $0 start|stop STATE_DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
command=$1
mkdir -p "$2"
state=$(cd "$2" && pwd)

# True while PID runs as NAME: a recorded PID may since belong to another program.
running() {
  local stat
  stat=$(ps -p "$1" -o stat=,comm= 2>/dev/null) || return 1
  [ "${stat:0:1}" != Z ] && [ "${stat##* }" = "$2" ]
}

# Stops the NAME recorded in PIDFILE: SIGTERM, up to SECONDS to exit, then SIGKILL.
stop_recorded() {
  local pidfile=$1 name=$2 seconds=$3 pid
  [ -f "$pidfile" ] || return 0
  pid=$(head -n1 "$pidfile")
  if [ -n "$pid" ] && running "$pid" "$name"; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq $((seconds * 5))); do running "$pid" "$name" || break; sleep 0.2; done
    if running "$pid" "$name"; then
      echo "test-services: $name (pid $pid) did not stop within $seconds s; killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
    fi
    echo "test-services: stopped $name (pid $pid)"
  fi
  rm -f "$pidfile"
}

stop() {
  rm -f "$state/env"
  stop_recorded "$state/registry.pid" docker-registry 10
  # dockerd.pid exists only when start launched dockerd (dockerd writes it itself).
  stop_recorded "$state/dockerd.pid" dockerd 30
}

# Waits up to SECONDS for COMMAND to succeed; fails early when process PID has gone.
wait_for() {
  local seconds=$1 pid=$2
  shift 2
  for _ in $(seq $((seconds * 5))); do
    "$@" >/dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.2
  done
  return 1
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start_docker() {
  if docker info >/dev/null 2>&1; then
    echo "test-services: using the Docker engine that already runs"
    return
  fi
  if [ -n "${DOCKER_HOST:-}" ] && env -u DOCKER_HOST docker info >/dev/null 2>&1; then
    echo "test-services: DOCKER_HOST=$DOCKER_HOST does not answer; using the default socket's engine"
    docker_host_line="export DOCKER_HOST=unix:///var/run/docker.sock"
    export DOCKER_HOST=unix:///var/run/docker.sock
    return
  fi
  echo "test-services: starting dockerd (log: $state/dockerd.log)"
  rm -f "$state/dockerd.pid"
  dockerd --pidfile "$state/dockerd.pid" </dev/null >"$state/dockerd.log" 2>&1 &
  export DOCKER_HOST=unix:///var/run/docker.sock
  docker_host_line="export DOCKER_HOST=$DOCKER_HOST"
  if ! wait_for 30 $! docker info; then
    tail -n 20 "$state/dockerd.log" >&2
    echo "test-services: dockerd did not answer within 30 s (log above)" >&2
    return 1
  fi
  pin_bridge_address
}

# The kernel gives a bridge the lowest MAC address of its ports (00:00:00:00:00:00 with none)
# unless one was set by hand, so docker0's address changes whenever a container joins or leaves
# it; a container then answers to an address that is gone until its neighbour entry is renewed,
# and a request through docker-proxy stalls (seen: 0.2-0.4 s; and once a request hung a minute,
# ending in nginx's 504, as a container was removed: most likely the same). Setting an address of
# the bridge's own (random, locally administered) stops the changes. Only on an engine this script
# started.
pin_bridge_address() {
  [ -e /sys/class/net/docker0 ] || return 0
  local address
  address=$(printf '02:42:%02x:%02x:%02x:%02x' $((RANDOM % 256)) $((RANDOM % 256)) $((RANDOM % 256)) $((RANDOM % 256)))
  ip link set docker0 address "$address" || echo "test-services: could not set docker0's address" >&2
}

start_registry() {
  local port="" p
  for p in $(seq 5000 5099); do
    if port_free "$p"; then port=$p; break; fi
  done
  [ -n "$port" ] || { echo "test-services: no free port in 5000-5099 for the registry" >&2; return 1; }
  registry=127.0.0.1:$port
  # The packaged /etc/docker/registry/config.yml wants htpasswd users; the tests need none.
  cat >"$state/registry.yml" <<EOF
version: 0.1
storage:
  filesystem:
    rootdirectory: "$state/registry"
  delete:
    enabled: true
http:
  addr: $registry
EOF
  echo "test-services: starting a registry on $registry (log: $state/registry.log)"
  docker-registry serve "$state/registry.yml" </dev/null >"$state/registry.log" 2>&1 &
  echo $! >"$state/registry.pid"
  if ! wait_for 30 $! curl -fsS "http://$registry/v2/"; then
    tail -n 20 "$state/registry.log" >&2
    echo "test-services: the registry did not answer within 30 s (log above)" >&2
    return 1
  fi
}

case "$command" in
  start)
    if [ -f "$state/registry.pid" ] && running "$(head -n1 "$state/registry.pid")" docker-registry; then
      echo "test-services: already started in $state; stop it first" >&2
      exit 1
    fi
    # A start that fails halfway stops what it had started.
    started=0
    trap '[ "$started" = 1 ] || { echo "test-services: start failed; stopping what it started" >&2; stop; }' EXIT
    docker_host_line=""
    start_docker
    start_registry
    "$scripts/base-images.sh" --registry "$registry"
    {
      echo "export SLIPWAY_TEST_REGISTRY=$registry"
      echo "export SLIPWAY_TEST_DOCKER=1"
      [ -z "$docker_host_line" ] || echo "$docker_host_line"
    } >"$state/env.part"
    mv "$state/env.part" "$state/env"
    started=1
    echo "test-services: ready; . $state/env"
    ;;
  stop) stop ;;
  *) usage ;;
esac
