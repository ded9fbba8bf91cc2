#!/usr/bin/env bash
# Provision a real container engine, two local registries and the test images that
# exp-maven-plugin's integration tests use, on a bare Debian 12 machine (run as root).
#
#   eval "$(scripts/test-engine.sh)"      # or: source /run/exp-test-engine.env afterwards
#
# Engine: an existing Docker engine when DOCKER_HOST is set and answers (and is not our
# Podman socket); otherwise Podman serving the Docker Engine API on
# unix:///run/exp-podman.sock (runc runtime, lowered ulimits: the sandbox lacks
# CAP_SYS_RESOURCE and crun cannot handle its hybrid cgroups).
#
# Images:     localhost/exp-test/tiny:1            busybox-static, every applet in /bin
#             localhost/exp-test/pytorch-cpu:1.13  debootstrap bookworm + python3-torch
# Registries: 127.0.0.1:5000  no auth       127.0.0.1:5000/exp-test/tiny:1
#             127.0.0.1:5001  htpasswd auth 127.0.0.1:5001/exp-test/private:1
#                             (user exp-user, password exp-secret-pw)
#
# Idempotent: every step checks first; a second run takes a few seconds. Background
# services are fully detached (setsid/nohup) and survive this script and its caller.
# Progress goes to stderr; stdout gets only the final `export DOCKER_HOST=...` line.
# Command output goes to /var/log/exp-test-engine.log.
set -Eeuo pipefail

# stdout is reserved for the final export line: keep it on fd 3, send everything else
# to stderr so that `eval "$(scripts/test-engine.sh)"` stays clean.
exec 3>&1 1>&2

readonly SOCK=/run/exp-podman.sock
readonly PODMAN_HOST="unix://${SOCK}"
readonly PODMAN_PIDFILE=/run/exp-podman.pid
readonly PODMAN_LOG=/var/log/exp-podman.log
readonly ENV_FILE=/run/exp-test-engine.env
readonly LOG=/var/log/exp-test-engine.log
readonly LOCK=/run/exp-test-engine.lock
readonly CACHE_DIR=/var/cache/exp-test
readonly STATE_DIR=/var/lib/exp-test
readonly CONF_DIR=/etc/exp-test

readonly TINY_IMAGE=localhost/exp-test/tiny:1
readonly TORCH_IMAGE=localhost/exp-test/pytorch-cpu:1.13
readonly TORCH_SUITE=bookworm
readonly TORCH_TARBALL="${CACHE_DIR}/pytorch-cpu-1.13-${TORCH_SUITE}-rootfs.tar"

readonly REG_PORT=5000
readonly REG_AUTH_PORT=5001
readonly REG_USER=exp-user
readonly REG_PASSWORD=exp-secret-pw
readonly REG_TINY="127.0.0.1:${REG_PORT}/exp-test/tiny:1"
readonly REG_PRIVATE="127.0.0.1:${REG_AUTH_PORT}/exp-test/private:1"

readonly IMAGE_PATH_ENV='PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'

export DEBIAN_FRONTEND=noninteractive
STEP="start"
TMP_DIRS=()
POLICY_RC_CREATED=""
TINY_PUSHED=""
LOG_START=0

log() { echo "[test-engine] $*" >&2; }

on_exit() {
  local rc=$?
  [[ -n "$POLICY_RC_CREATED" ]] && rm -f /usr/sbin/policy-rc.d
  local d
  for d in "${TMP_DIRS[@]+"${TMP_DIRS[@]}"}"; do
    unmount_below "$d" || true
    rm -rf --one-file-system "$d" || true
  done
  if ((rc != 0)); then
    if [[ -s "$LOG" ]]; then
      echo "----- last lines of ${LOG} (this run) -----" >&2
      tail -c +"$((LOG_START + 1))" "$LOG" 2>/dev/null | tail -n 25 >&2 || true
      echo "-----" >&2
    fi
    echo "[test-engine] FAILED at step '${STEP}' (exit ${rc}); full log: ${LOG}" >&2
  fi
  exit "$rc"
}
trap on_exit EXIT

die() { echo "[test-engine] $*" >&2; exit 1; }

# Run a command with its output appended to the log.
quiet() {
  echo "+ $*" >>"$LOG"
  "$@" >>"$LOG" 2>&1
}

# wait_until SECONDS CMD...: poll CMD until it succeeds; fail after SECONDS.
wait_until() {
  local limit=$1; shift
  local deadline=$((SECONDS + limit))
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.25
  done
}

unmount_below() {
  local dir=$1 m
  [[ -d "$dir" ]] || return 0
  # deepest mounts first
  awk -v d="$(realpath -m "$dir")/" 'index($2, d) == 1 {print $2}' /proc/self/mounts |
    sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
}

# write_if_changed FILE CONTENT: returns 0 when the file was (re)written, 1 when unchanged.
write_if_changed() {
  local file=$1 content=$2
  if [[ -f "$file" ]] && [[ "$(cat "$file")" == "$content" ]]; then
    return 1
  fi
  mkdir -p "$(dirname "$file")"
  printf '%s\n' "$content" >"${file}.tmp.$$"
  mv -f "${file}.tmp.$$" "$file"
  return 0
}

pkg_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q ' ok installed$'
}

ensure_packages() {
  local missing=() p
  for p in "$@"; do pkg_installed "$p" || missing+=("$p"); done
  if ((${#missing[@]} == 0)); then
    log "packages: reusing $*"
    return 0
  fi
  log "packages: installing ${missing[*]}"
  # never let a package's maintainer script start its own service (docker-registry
  # would grab port 5000 with its default config)
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    POLICY_RC_CREATED=1
  fi
  quiet apt-get -q update
  quiet apt-get -q -y -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    install "${missing[@]}"
  if [[ -n "$POLICY_RC_CREATED" ]]; then
    rm -f /usr/sbin/policy-rc.d
    POLICY_RC_CREATED=""
  fi
  for p in "${missing[@]}"; do pkg_installed "$p" || die "package ${p} did not install"; done
}

# cmdline_matches PID PROG STRING...: the process runs PROG (basename of argv[0]) and
# its command line contains every STRING.
cmdline_matches() {
  local pid=$1 prog=$2; shift 2
  local -a argv
  [[ -r /proc/$pid/cmdline ]] || return 1
  mapfile -d '' -t argv <"/proc/$pid/cmdline" 2>/dev/null || return 1
  ((${#argv[@]} > 0)) && [[ "${argv[0]##*/}" == "$prog" ]] || return 1
  local cmd="${argv[*]}" needle
  for needle in "$@"; do [[ "$cmd" == *"$needle"* ]] || return 1; done
}

# service_pid PIDFILE PROG STRING...: pid from PIDFILE if that process matches, else the
# first live process that matches (see cmdline_matches).
service_pid() {
  local pidfile=$1; shift
  local pid f
  if [[ -s "$pidfile" ]]; then
    pid=$(cat "$pidfile")
    if [[ "$pid" =~ ^[0-9]+$ ]] && cmdline_matches "$pid" "$@"; then
      echo "$pid"
      return 0
    fi
  fi
  for f in /proc/[0-9]*; do
    pid=${f#/proc/}
    if cmdline_matches "$pid" "$@"; then
      echo "$pid"
      return 0
    fi
  done
  return 1
}

stop_service() {
  local name=$1 pidfile=$2; shift 2
  local pid
  pid=$(service_pid "$pidfile" "$@") || return 0
  log "${name}: stopping pid ${pid} to apply changed configuration"
  kill "$pid" 2>/dev/null || true
  if ! wait_until 15 bash -c "! kill -0 $pid 2>/dev/null"; then
    kill -9 "$pid" 2>/dev/null || true
    wait_until 5 bash -c "! kill -0 $pid 2>/dev/null" || die "${name}: pid ${pid} does not stop"
  fi
  rm -f "$pidfile"
}

# start_detached PIDFILE LOGFILE CMD...: start CMD in its own session with stdin from
# /dev/null, output to LOGFILE and every other inherited descriptor closed (this
# script's stdout, its lock, a caller's pipes), so that it outlives the script and its
# caller and never holds a caller's `$(...)` open. The pid stays the same through exec.
start_detached() {
  local pidfile=$1 logfile=$2; shift 2
  mkdir -p "$(dirname "$logfile")"
  echo "=== $(date -u +%FT%TZ) starting: $*" >>"$logfile"
  # shellcheck disable=SC2016
  setsid nohup bash -c 'for fd in /proc/self/fd/*; do
      fd=${fd##*/}; if ((fd > 2)); then exec {fd}>&-; fi
    done; exec "$@"' exp-detached "$@" </dev/null >>"$logfile" 2>&1 &
  echo $! >"$pidfile"
}

# ---------------------------------------------------------------------------- engine

docker_host_is_ours() {
  local h=${1#unix://}
  h=${h/#\/var\/run\//\/run\/}
  [[ "$h" == "$SOCK" ]]
}

podman_up() {
  [[ -S "$SOCK" ]] &&
    [[ "$(curl -s --max-time 5 --unix-socket "$SOCK" http://localhost/_ping 2>/dev/null)" == "OK" ]]
}

ensure_podman_service() {
  local restart=$1 pid
  if podman_up; then
    if [[ -z "$restart" ]]; then
      log "podman service: reusing ${PODMAN_HOST}"
      return 0
    fi
    stop_service "podman service" "$PODMAN_PIDFILE" podman "system service" "$SOCK"
  fi
  if pid=$(service_pid "$PODMAN_PIDFILE" podman "system service" "$SOCK"); then
    # alive but not answering: give it a moment, then replace it
    if wait_until 10 podman_up; then
      log "podman service: reusing ${PODMAN_HOST} (pid ${pid})"
      return 0
    fi
    stop_service "podman service" "$PODMAN_PIDFILE" podman "system service" "$SOCK"
  fi
  rm -f "$SOCK"
  start_detached "$PODMAN_PIDFILE" "$PODMAN_LOG" podman system service --time=0 "$PODMAN_HOST"
  if ! wait_until 30 podman_up; then
    tail -n 15 "$PODMAN_LOG" >>"$LOG" 2>/dev/null || true
    die "podman service did not answer on ${SOCK} within 30 s (log: ${PODMAN_LOG})"
  fi
  log "podman service: started on ${PODMAN_HOST} (pid $(cat "$PODMAN_PIDFILE"), log ${PODMAN_LOG})"
}

# Engine-neutral helpers: MODE is "podman" or "docker".
eng() { if [[ "$MODE" == podman ]]; then podman "$@"; else docker "$@"; fi; }

image_exists() {
  if [[ "$MODE" == podman ]]; then
    podman image exists "$1"
  else
    docker image inspect "$1" >/dev/null 2>&1
  fi
}

# ------------------------------------------------------------------------ registries

registry_code() {
  curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$1/v2/" 2>/dev/null || true
}
registry_up() { [[ "$(registry_code "$1")" == "$2" ]]; }

ensure_registry() {
  local port=$1 expect=$2 config=$3 restart=$4
  local pidfile=/run/exp-registry-${port}.pid logfile=/var/log/exp-registry-${port}.log pid
  if registry_up "$port" "$expect"; then
    if [[ -z "$restart" ]]; then
      log "registry 127.0.0.1:${port}: reusing"
      return 0
    fi
    stop_service "registry 127.0.0.1:${port}" "$pidfile" docker-registry "$config"
  fi
  if pid=$(service_pid "$pidfile" docker-registry "$config"); then
    if wait_until 5 registry_up "$port" "$expect"; then
      log "registry 127.0.0.1:${port}: reusing (pid ${pid})"
      return 0
    fi
    stop_service "registry 127.0.0.1:${port}" "$pidfile" docker-registry "$config"
  fi
  start_detached "$pidfile" "$logfile" docker-registry serve "$config"
  if ! wait_until 30 registry_up "$port" "$expect"; then
    tail -n 15 "$logfile" >>"$LOG" 2>/dev/null || true
    die "registry on 127.0.0.1:${port} did not answer HTTP ${expect} on /v2/ within 30 s (log: ${logfile})"
  fi
  log "registry 127.0.0.1:${port}: started (pid $(cat "$pidfile"), log ${logfile})"
}

registry_config() {
  local port=$1 storage=$2 htpasswd=${3:-}
  cat <<EOF
version: 0.1
log:
  level: info
  formatter: text
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: ${storage}
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: 127.0.0.1:${port}
  headers:
    X-Content-Type-Options: [nosniff]
health:
  storagedriver:
    enabled: false
EOF
  if [[ -n "$htpasswd" ]]; then
    cat <<EOF
auth:
  htpasswd:
    realm: exp-test-registry
    path: ${htpasswd}
EOF
  fi
}

# registry_has_tag PORT REPO TAG [CURL_ARGS...]
registry_has_tag() {
  local port=$1 repo=$2 tag=$3; shift 3
  curl -s --max-time 10 "$@" "http://127.0.0.1:${port}/v2/${repo}/tags/list" 2>/dev/null |
    grep -q "\"tags\":\[[^]]*\"${tag}\""
}

pull_image() {
  if [[ "$MODE" == podman ]]; then
    quiet podman pull --tls-verify=false "$1"
  else
    quiet docker pull "$1"
  fi
}

push_image() {
  local src=$1 dest=$2 creds=${3:-}
  if [[ "$MODE" == podman ]]; then
    local args=(--tls-verify=false --format v2s2)
    [[ -n "$creds" ]] && args+=(--creds "$creds")
    quiet podman push "${args[@]}" "$src" "docker://${dest}"
  else
    quiet docker tag "$src" "$dest"
    if [[ -n "$creds" ]]; then
      # credentials in a throw-away client config, so that none are left behind (tests
      # check that a pull without credentials fails); written directly instead of
      # `docker login`, whose /auth call Podman 4.3 makes over HTTPS even for insecure
      # registries
      local cfg
      cfg=$(mktemp -d /tmp/exp-docker-config.XXXXXX)
      TMP_DIRS+=("$cfg")
      printf '{"auths":{"%s":{"auth":"%s"}}}\n' "${dest%%/*}" "$(printf '%s' "$creds" | base64 -w0)" \
        >"$cfg/config.json"
      DOCKER_CONFIG=$cfg quiet docker push "$dest"
      rm -rf "$cfg"
    else
      quiet docker push "$dest"
    fi
    quiet docker rmi "$dest" || true
  fi
}

# ---------------------------------------------------------------------------- images

build_tiny() {
  local tmp root a
  tmp=$(mktemp -d /tmp/exp-tiny.XXXXXX)
  TMP_DIRS+=("$tmp")
  root=$tmp/root
  mkdir -p "$root"/{bin,etc,root,home,proc,sys,dev,run,var,usr,tmp}
  chmod 1777 "$root/tmp"
  chmod 700 "$root/root"
  ln -s bin "$root/sbin"
  ln -s ../bin "$root/usr/bin"
  ln -s ../bin "$root/usr/sbin"
  ln -s ../tmp "$root/var/tmp"
  cp /bin/busybox "$root/bin/busybox"
  for a in $(/bin/busybox --list); do
    [[ "$a" == busybox || "$a" == */* ]] && continue
    ln -sf busybox "$root/bin/$a"
  done
  printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' \
    'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' >"$root/etc/passwd"
  printf '%s\n' 'root:x:0:' 'nobody:x:65534:' 'nogroup:x:65534:' >"$root/etc/group"
  tar -C "$root" --numeric-owner --owner=0 --group=0 -cf "$tmp/rootfs.tar" .
  quiet eng import --change "ENV ${IMAGE_PATH_ENV}" --change 'CMD ["sh"]' \
    "$tmp/rootfs.tar" "$TINY_IMAGE"
  rm -rf "$tmp"
}

debian_mirror() {
  local m=""
  if [[ -r /etc/apt/sources.list.d/debian.sources ]]; then
    m=$(awk '/^URIs:/ && $2 !~ /security/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)
  fi
  if [[ -z "$m" ]] && [[ -r /etc/apt/sources.list ]]; then
    m=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^(https?|file):/ && $i !~ /security/) { print $i; exit } }' \
      /etc/apt/sources.list)
  fi
  [[ -n "$m" ]] || die "no Debian mirror found in /etc/apt/sources.list.d/debian.sources"
  echo "$m"
}

build_torch_rootfs_tarball() {
  local mirror work old
  mirror=$(debian_mirror)
  mkdir -p "$CACHE_DIR"
  # leftovers of an interrupted run
  for old in "$CACHE_DIR"/rootfs.*; do
    [[ -d "$old" ]] || continue
    unmount_below "$old"
    rm -rf --one-file-system "$old"
  done
  work=$(mktemp -d "${CACHE_DIR}/rootfs.XXXXXX")
  TMP_DIRS+=("$work")
  log "pytorch image: debootstrap ${TORCH_SUITE} with python3-torch (takes a few minutes)"
  quiet debootstrap --variant=minbase --include=python3,python3-torch,python3-numpy \
    "$TORCH_SUITE" "$work/root" "$mirror"
  unmount_below "$work"
  # no package caches, no host identity in the image
  rm -rf "$work/root/var/cache/apt/archives/"*.deb "$work/root/var/lib/apt/lists/"* \
    "$work/root/debootstrap"
  rm -f "$work/root/etc/hostname" "$work/root/etc/resolv.conf"
  tar -C "$work/root" --numeric-owner --exclude='./proc/*' --exclude='./sys/*' \
    --exclude='./dev/*' -cf "$work/rootfs.tar" .
  mv -f "$work/rootfs.tar" "$TORCH_TARBALL"
  rm -rf --one-file-system "$work"
}

build_torch() {
  if [[ -s "$TORCH_TARBALL" ]]; then
    log "pytorch image: reusing cached rootfs ${TORCH_TARBALL}"
  else
    build_torch_rootfs_tarball
  fi
  quiet eng import --change "ENV ${IMAGE_PATH_ENV}" --change 'ENV LANG=C.UTF-8' \
    --change 'CMD ["python3"]' "$TORCH_TARBALL" "$TORCH_IMAGE"
}

# ------------------------------------------------------------------------------ main

main() {
  ((EUID == 0)) || die "must run as root"
  mkdir -p "$(dirname "$LOG")" "$CACHE_DIR" "$STATE_DIR" "$CONF_DIR"
  LOG_START=$(stat -c %s "$LOG" 2>/dev/null || echo 0)
  echo "=== $(date -u +%FT%TZ) test-engine.sh run (pid $$)" >>"$LOG"

  STEP="lock"
  exec 9>"$LOCK"
  if ! flock -n 9; then
    log "another test-engine.sh run holds ${LOCK}; waiting"
    flock -w 1800 9 || die "timed out waiting for ${LOCK}"
  fi

  STEP="engine selection"
  MODE=podman
  ENGINE_HOST=$PODMAN_HOST
  if [[ -n "${DOCKER_HOST:-}" ]] && ! docker_host_is_ours "$DOCKER_HOST" &&
    command -v docker >/dev/null 2>&1 && timeout 20 docker version >/dev/null 2>&1; then
    MODE=docker
    ENGINE_HOST=$DOCKER_HOST
    log "engine: reusing the Docker engine at DOCKER_HOST=${DOCKER_HOST}"
  fi

  STEP="install packages"
  # git and gnupg: exp:tag pushes with git and signs with gpg, and its tests do both for real
  local pkgs=(ca-certificates curl tar busybox-static debootstrap docker-registry apache2-utils git gnupg)
  [[ "$MODE" == podman ]] && pkgs+=(podman runc)
  ensure_packages "${pkgs[@]}"

  local podman_restart=""
  if [[ "$MODE" == podman ]]; then
    STEP="podman configuration"
    if write_if_changed /etc/containers/containers.conf '# written by exp-maven-plugin scripts/test-engine.sh
# The sandbox lacks CAP_SYS_RESOURCE: podman'"'"'s default rlimits make every container
# fail with "setrlimit RLIMIT_NOFILE: Operation not permitted". crun fails with
# "cgroups in hybrid mode not supported"; runc works.
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]

[engine]
runtime = "runc"'; then
      podman_restart=1
      log "podman config: wrote /etc/containers/containers.conf"
    fi
    if write_if_changed /etc/containers/registries.conf.d/exp-test.conf '# written by exp-maven-plugin scripts/test-engine.sh: local test registries (plain HTTP)
[[registry]]
location = "127.0.0.1:5000"
insecure = true

[[registry]]
location = "127.0.0.1:5001"
insecure = true

[[registry]]
location = "localhost:5000"
insecure = true

[[registry]]
location = "localhost:5001"
insecure = true'; then
      podman_restart=1
      log "podman config: wrote /etc/containers/registries.conf.d/exp-test.conf"
    fi
    [[ -z "$podman_restart" ]] && log "podman config: reusing"

    STEP="podman service"
    ensure_podman_service "$podman_restart"
  fi

  STEP="registry 127.0.0.1:${REG_PORT}"
  local reg_conf=${CONF_DIR}/registry-${REG_PORT}.yml restart=""
  mkdir -p "${STATE_DIR}/registry"
  if write_if_changed "$reg_conf" "$(registry_config "$REG_PORT" "${STATE_DIR}/registry")"; then
    restart=1
  fi
  ensure_registry "$REG_PORT" 200 "$reg_conf" "$restart"

  STEP="registry 127.0.0.1:${REG_AUTH_PORT} (htpasswd)"
  local auth_conf=${CONF_DIR}/registry-${REG_AUTH_PORT}.yml
  local htpasswd_file=${CONF_DIR}/registry-${REG_AUTH_PORT}.htpasswd
  restart=""
  mkdir -p "${STATE_DIR}/registry-private"
  if ! [[ -s "$htpasswd_file" ]] || ! htpasswd -vb "$htpasswd_file" "$REG_USER" "$REG_PASSWORD" >/dev/null 2>&1; then
    htpasswd -Bbc "$htpasswd_file" "$REG_USER" "$REG_PASSWORD" 2>>"$LOG"
    chmod 644 "$htpasswd_file"
    restart=1
  fi
  if write_if_changed "$auth_conf" \
    "$(registry_config "$REG_AUTH_PORT" "${STATE_DIR}/registry-private" "$htpasswd_file")"; then
    restart=1
  fi
  ensure_registry "$REG_AUTH_PORT" 401 "$auth_conf" "$restart"

  STEP="image ${TINY_IMAGE}"
  if image_exists "$TINY_IMAGE"; then
    log "image ${TINY_IMAGE}: reusing"
  else
    if registry_has_tag "$REG_PORT" exp-test/tiny 1; then
      log "image ${TINY_IMAGE}: taking it from ${REG_TINY}"
    else
      build_tiny
      push_image "$TINY_IMAGE" "$REG_TINY"
      registry_has_tag "$REG_PORT" exp-test/tiny 1 || die "push of ${REG_TINY} did not land"
      TINY_PUSHED=1
      log "image ${TINY_IMAGE}: built and pushed as ${REG_TINY}"
    fi
    # The local image is the one pulled back from the registry: an imported image keeps
    # the digest of its local (uncompressed) manifest, and Podman would list that
    # digest next to the registry's in RepoDigests after a pull of ${REG_TINY}.
    quiet eng rmi -f "$TINY_IMAGE" || true
    pull_image "$REG_TINY"
    quiet eng tag "$REG_TINY" "$TINY_IMAGE"
    quiet eng rmi "$REG_TINY"
    local out
    # shellcheck disable=SC2016
    if ! out=$(eng run --rm "$TINY_IMAGE" sh -c 'seq 1 3 >/dev/null && printf "%s\n" "$(id -u)" && ls /tmp >/dev/null' 2>>"$LOG") ||
      [[ "$out" != "0" ]]; then
      quiet eng rmi -f "$TINY_IMAGE" || true
      die "image ${TINY_IMAGE}: a test container failed (output: ${out:-none})"
    fi
    log "image ${TINY_IMAGE}: ready and verified"
  fi

  STEP="image ${TORCH_IMAGE}"
  if image_exists "$TORCH_IMAGE"; then
    log "image ${TORCH_IMAGE}: reusing"
  else
    build_torch
    local ver
    if ! ver=$(eng run --rm "$TORCH_IMAGE" python3 -c 'import torch; print(torch.__version__)' 2>>"$LOG"); then
      quiet eng rmi -f "$TORCH_IMAGE" || true
      die "image ${TORCH_IMAGE}: built, but 'import torch' failed in a container"
    fi
    log "image ${TORCH_IMAGE}: built and verified (torch ${ver})"
  fi

  STEP="push ${REG_TINY}"
  if registry_has_tag "$REG_PORT" exp-test/tiny 1; then
    [[ -n "$TINY_PUSHED" ]] || log "registry image ${REG_TINY}: reusing"
  else
    push_image "$TINY_IMAGE" "$REG_TINY"
    registry_has_tag "$REG_PORT" exp-test/tiny 1 || die "push of ${REG_TINY} did not land"
    log "registry image ${REG_TINY}: pushed"
  fi

  STEP="push ${REG_PRIVATE}"
  local creds_args=(-u "${REG_USER}:${REG_PASSWORD}")
  if registry_has_tag "$REG_AUTH_PORT" exp-test/private 1 "${creds_args[@]}"; then
    log "registry image ${REG_PRIVATE}: reusing"
  else
    push_image "$TINY_IMAGE" "$REG_PRIVATE" "${REG_USER}:${REG_PASSWORD}"
    registry_has_tag "$REG_AUTH_PORT" exp-test/private 1 "${creds_args[@]}" ||
      die "push of ${REG_PRIVATE} did not land"
    log "registry image ${REG_PRIVATE}: pushed"
  fi

  STEP="environment file"
  local line
  line="export DOCKER_HOST=$(printf '%q' "$ENGINE_HOST")"
  write_if_changed "$ENV_FILE" "$line" || true
  STEP="done"
  log "ready in ${SECONDS}s: engine ${MODE} at ${ENGINE_HOST}; registries 127.0.0.1:${REG_PORT}, 127.0.0.1:${REG_AUTH_PORT} (auth); env in ${ENV_FILE}"
  printf '%s\n' "$line" >&3
}

main "$@"
