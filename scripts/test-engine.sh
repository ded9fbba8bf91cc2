#!/usr/bin/env bash
# Provision, next to each other, the two container engines, the two local registries, the test
# images and the one-node Slurm cluster that exp-maven-plugin's tests use, on a Debian 12 machine
# (run as root); or, with --down, stop and remove all of it.
#
#   eval "$(scripts/test-engine.sh)"                    # everything (podman,docker,slurm)
#   eval "$(scripts/test-engine.sh --engines podman)"   # Podman only (the quickstart)
#   scripts/test-engine.sh --down                       # stop and remove everything below
#   . /run/exp-test-engine.env                          # the same exports, in a later shell
#
# ---------------------------------------------------------------------------------------------
# What a provisioning run leaves running, and where (sizes after a run of everything):
#
#   Podman's Docker API   unix:///run/podman/podman.sock   (Podman 4.3.1, Docker API 1.41)
#     `podman system service --time=0`, pid in /run/exp-podman.pid, log /var/log/exp-podman.log.
#     Its configuration comes through its environment, not the machine's files:
#     CONTAINERS_CONF=/etc/exp-test/containers.conf (runc, lowered ulimits) and
#     CONTAINERS_REGISTRIES_CONF=/etc/exp-test/registries.conf (the local registries, insecure).
#     Images in the machine's default Podman storage, /var/lib/containers/storage (1.3 GB).
#   Docker Engine         unix:///run/exp-docker.sock      (Debian's docker.io 20.10.24, API 1.41)
#     `dockerd` with its own containerd, pid in /run/exp-docker.pid, log /var/log/exp-docker.log,
#     config /etc/exp-test/docker-daemon.json, data root /var/lib/exp-docker (1.3 GB), exec root
#     /run/exp-docker, its own bridge exp-docker0 (172.31.252.1/24), no iptables rules. Never on
#     /var/run/docker.sock; the docker.io package's own service is not started.
#   Registry              http://127.0.0.1:5000   no auth: 127.0.0.1:5000/exp-test/tiny:1
#   Registry              http://127.0.0.1:5001   htpasswd (exp-user / exp-secret-pw):
#                                                 127.0.0.1:5001/exp-test/private:1
#     `docker-registry serve`, pids in /run/exp-registry-500{0,1}.pid, logs
#     /var/log/exp-registry-500{0,1}.log, storage /var/lib/exp-test (3 MB).
#   Images in both engines: localhost/exp-test/tiny:1 (busybox, 2 MB),
#     localhost/exp-test/pytorch-cpu:1.13 (Debian bookworm + python3-torch, 1.3 GB) and
#     localhost/exp-test/jupyter:1 (the PyTorch image + Debian's jupyter-notebook 6.4, one more
#     layer of 0.2 GB), same image ids in both engines.
#   Slurm                 cluster exptest, one node: this host (`hostname -s`, 8 CPUs to Slurm, 80 %
#                         of its memory), partition debug   (Debian's slurm-wlm 22.05, munge 0.5)
#     `slurmctld -f /etc/exp-test/slurm.conf` and `slurmd -f /etc/exp-test/slurm.conf` (both
#     daemonize), pids in /run/exp-slurm{ctld,d}.pid, logs /var/log/exp-slurm{ctld,d}.log, state
#     and spool in /var/lib/exp-test/slurm (under 1 MB). The clients find the configuration
#     through SLURM_CONF (exported below); the machine's /etc/slurm/slurm.conf is neither read nor
#     written, and any slurmctld or slurmd not started with our -f is stopped (same ports).
#     slurmd runs in its own mount namespace, in which /var/tmp/exp-slurm-unshared is a private
#     1 MB tmpfs: what the build writes there, jobs cannot see (a "shared" directory the compute
#     node lacks); every other path is shared. A node left DOWN or DRAIN (tests do that) is
#     resumed. munged: the machine's, with /etc/munge/munge.key; started only when not running.
#   Files: /etc/exp-test (configurations, htpasswd), /var/cache/exp-test (1.3 GB, the PyTorch
#     rootfs tarball: the image is rebuilt from it without debootstrap; 32 MB, the .debs of the
#     Jupyter layer), /run/exp-test-engine.env (the
#     export lines), /var/log/exp-test-engine.log (this script's log), /run/exp-test-engine.lock,
#     /run/exp-munged.started (when this script started munged).
#   Nothing is started at boot (no systemd units): after a reboot, run the script again.
#
# `scripts/test-engine.sh --down` stops all of the above and removes it: our dockerd and its
# containerd (with every container and image in its data root), the Podman service, both
# registries, our images (and the containers made from them) in Podman's storage, our slurmd
# (with whatever still runs in its mount namespace: job steps) and slurmctld (with its job
# records), munged when this script started it, every file and directory named above, and the
# bridge. Podman's storage itself is reset only when nothing else is left in it. Installed Debian
# packages stay installed.
# ---------------------------------------------------------------------------------------------
#
# Images:     localhost/exp-test/tiny:1            busybox-static, every applet in /bin
#             localhost/exp-test/pytorch-cpu:1.13  debootstrap bookworm + python3-torch
#             localhost/exp-test/jupyter:1         the PyTorch image + jupyter-notebook (exp:notebook);
#               about 40 s: the .debs that the PyTorch image lacks are downloaded on the host
#               (apt-get --download-only against the image's own dpkg status), installed with
#               dpkg -i in a --network none container of it, committed; Docker gets only the new
#               layer (the PyTorch layer is already there), so the image id is the same
#
# Exports:    DOCKER_HOST and EXP_TEST_{PODMAN,DOCKER}_HOST, CONTAINERS_{,REGISTRIES_}CONF (with
#             podman), SLURM_CONF and EXP_TEST_SLURM_{PARTITION,NODE,UNSHARED_DIR} (with slurm),
#             EXP_TEST_CHROMIUM (always: Debian's chromium, for ReportBrowserTest).
#
# Idempotent: every step checks first; a second run takes a few seconds. Background services are
# fully detached (setsid/nohup) and survive this script and its caller. Progress goes to stderr;
# stdout gets only the final `export` lines. Command output goes to /var/log/exp-test-engine.log;
# on failure the script names the step that failed and shows the end of that log.
set -Eeuo pipefail

# stdout is reserved for the final export lines: keep it on fd 3, send everything else to stderr
# so that `eval "$(scripts/test-engine.sh)"` stays clean.
exec 3>&1 1>&2

readonly PODMAN_SOCK=/run/podman/podman.sock
readonly PODMAN_HOST="unix://${PODMAN_SOCK}"
readonly PODMAN_PIDFILE=/run/exp-podman.pid
readonly PODMAN_LOG=/var/log/exp-podman.log
readonly OLD_PODMAN_SOCK=/run/exp-podman.sock # where older versions of this script served it

readonly DOCKER_SOCK=/run/exp-docker.sock
readonly DOCKER_URL="unix://${DOCKER_SOCK}"
readonly DOCKER_DATA=/var/lib/exp-docker
readonly DOCKER_EXEC=/run/exp-docker
readonly DOCKER_PIDFILE=/run/exp-docker.pid
readonly DOCKER_LOG=/var/log/exp-docker.log
readonly DOCKER_BRIDGE=exp-docker0
readonly DOCKER_BRIDGE_ADDR=172.31.252.1/24
readonly DOCKER_BRIDGE_NET=172.31.252.0/24

readonly ENV_FILE=/run/exp-test-engine.env
readonly LOG=/var/log/exp-test-engine.log
readonly LOCK=/run/exp-test-engine.lock
readonly CACHE_DIR=/var/cache/exp-test
readonly STATE_DIR=/var/lib/exp-test
readonly CONF_DIR=/etc/exp-test
readonly PODMAN_CONF=${CONF_DIR}/containers.conf
readonly PODMAN_REGISTRIES_CONF=${CONF_DIR}/registries.conf
readonly DOCKER_CONF=${CONF_DIR}/docker-daemon.json
readonly SLURM_CONF_FILE=${CONF_DIR}/slurm.conf
readonly HEADER='# written by exp-maven-plugin scripts/test-engine.sh'
# written by older versions of this script; removed when they still carry our header
readonly OLD_GLOBAL_FILES=(/etc/containers/containers.conf /etc/containers/registries.conf.d/exp-test.conf)

readonly TINY_IMAGE=localhost/exp-test/tiny:1
readonly TORCH_IMAGE=localhost/exp-test/pytorch-cpu:1.13
readonly TORCH_SUITE=bookworm
readonly TORCH_TARBALL="${CACHE_DIR}/pytorch-cpu-1.13-${TORCH_SUITE}-rootfs.tar"
readonly JUPYTER_IMAGE=localhost/exp-test/jupyter:1
readonly JUPYTER_PACKAGE=jupyter-notebook
readonly JUPYTER_DEBS="${CACHE_DIR}/jupyter-debs"

readonly REG_PORT=5000
readonly REG_AUTH_PORT=5001
readonly REG_USER=exp-user
readonly REG_PASSWORD=exp-secret-pw
readonly REG_TINY="127.0.0.1:${REG_PORT}/exp-test/tiny:1"
readonly REG_PRIVATE="127.0.0.1:${REG_AUTH_PORT}/exp-test/private:1"
# image names that are ours, in any engine
readonly OUR_IMAGE_NAMES='^(localhost|127[.]0[.]0[.]1:500[01]|localhost:500[01])/exp-test/'

readonly SLURM_STATE=${STATE_DIR}/slurm
readonly SLURMCTLD_PIDFILE=/run/exp-slurmctld.pid
readonly SLURMD_PIDFILE=/run/exp-slurmd.pid
readonly SLURMCTLD_LOG=/var/log/exp-slurmctld.log
readonly SLURMD_LOG=/var/log/exp-slurmd.log
readonly SLURM_PARTITION=debug
readonly SLURM_NODE_CPUS=8
readonly SLURM_UNSHARED_DIR=/var/tmp/exp-slurm-unshared
readonly MUNGE_KEY=/etc/munge/munge.key
readonly MUNGED_PIDFILE=/run/munge/munged.pid
readonly MUNGED_STARTED=/run/exp-munged.started # munged's pid, when this script started it

readonly IMAGE_PATH_ENV='PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
readonly APT_LOCK_WAIT=600

export DEBIAN_FRONTEND=noninteractive
# Every podman call of this script, and the service it starts, reads our files instead of the
# machine's /etc/containers/containers.conf and /etc/containers/registries.conf.
export CONTAINERS_CONF=$PODMAN_CONF CONTAINERS_REGISTRIES_CONF=$PODMAN_REGISTRIES_CONF
# A caller's engine settings must not redirect this script's own docker and podman calls.
unset CONTAINER_HOST CONTAINER_CONNECTION DOCKER_HOST DOCKER_CONTEXT DOCKER_TLS_VERIFY DOCKER_CERT_PATH
# Every Slurm client call of this script (scontrol, sinfo, sbatch) talks to our cluster.
export SLURM_CONF=$SLURM_CONF_FILE

STEP="start"
TMP_DIRS=()
POLICY_RC_CREATED=""
APT_UPDATED=""
TINY_PUSHED=""
LOG_START=0
LOG_OPENED="" # set once this run writes to the log
DOCKER_CLIENT_CONFIG=""
SLURM_NODE=""
SLURM_STARTED="" # set when this run started slurmctld or slurmd
SLURM_RESUMED="" # set when this run resumed the node
ENGINES="podman,docker,slurm" # what to provision (--engines): podman, docker, slurm
ACTION=provision

log() {
  echo "[test-engine] $*" >&2
  echo "[$(date -u +%T)] $*" >>"$LOG" 2>/dev/null || true
}

on_exit() {
  local rc=$?
  [[ -n "$POLICY_RC_CREATED" ]] && rm -f /usr/sbin/policy-rc.d
  local d
  for d in "${TMP_DIRS[@]+"${TMP_DIRS[@]}"}"; do
    unmount_below "$d" || true
    rm -rf --one-file-system "$d" || true
  done
  if ((rc != 0)); then
    if [[ -n "$LOG_OPENED" && -s "$LOG" ]]; then
      echo "----- last lines of ${LOG} (this run) -----" >&2
      tail -c +"$((LOG_START + 1))" "$LOG" 2>/dev/null | tail -n 25 >&2 || true
      echo "-----" >&2
    fi
    echo "[test-engine] FAILED at step '${STEP}' (exit ${rc}); full log: ${LOG}" >&2
  fi
  exit "$rc"
}
trap on_exit EXIT

die() { echo "[test-engine] ${STEP}: $*" >&2; exit 1; }

usage() {
  sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2
  echo "Options: --engines LIST: podman, docker and/or slurm, comma-separated; both = podman,docker;" >&2
  echo "         all = podman,docker,slurm (the default)   --down   -h|--help" >&2
}

# Run a command with its output appended to the log.
quiet() {
  echo "+ $*" >>"$LOG"
  "$@" >>"$LOG" 2>&1
}

# wait_until SECONDS CMD...: poll CMD every 0.1 s until it succeeds; fail after SECONDS.
wait_until() {
  local limit=$1; shift
  local deadline=$((SECONDS + limit))
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.1
  done
}

# wait_for_service PID SECONDS CMD...: like wait_until, but gives up at once (status 2) when
# the process PID has died.
wait_for_service() {
  local pid=$1 limit=$2; shift 2
  local deadline=$((SECONDS + limit))
  until "$@"; do
    kill -0 "$pid" 2>/dev/null || return 2
    ((SECONDS < deadline)) || return 1
    sleep 0.1
  done
}

unmount_below() {
  local dir=$1 m
  [[ -d "$dir" ]] || return 0
  # deepest mounts first
  awk -v d="$(realpath -m "$dir")/" 'index($2, d) == 1 {print $2}' /proc/self/mounts |
    sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
}

# remove_tree DIR: unmount whatever is mounted below DIR, then remove it.
remove_tree() {
  [[ -e "$1" ]] || return 0
  unmount_below "$1"
  rm -rf --one-file-system "$1"
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

# has_engine NAME: NAME (podman, docker or slurm) is to be provisioned.
has_engine() { [[ ",${ENGINES}," == *",$1,"* ]]; }
has_container_engine() { has_engine podman || has_engine docker; }

# ---------------------------------------------------------------------------------- packages

pkg_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q ' ok installed$'
}

# Pids that hold (fcntl) one of the dpkg/apt locks, from /proc/locks.
apt_lock_holders() {
  local f dev ino
  for f in /var/lib/dpkg/lock-frontend /var/lib/dpkg/lock /var/lib/apt/lists/lock /var/cache/apt/archives/lock; do
    [[ -e "$f" ]] || continue
    read -r dev ino < <(stat -c '%d %i' "$f") || continue
    # /proc/locks: "1: POSIX  ADVISORY  WRITE PID MAJ:MIN:INODE START END" (hex major/minor)
    awk -v maj="$(printf '%02x' $(((dev >> 8) & 0xfff)))" \
      -v min="$(printf '%02x' $(((dev & 0xff) | ((dev >> 12) & 0xfff00))))" -v ino="$ino" \
      '$2 != "->" && $6 == maj ":" min ":" ino {print $5}' /proc/locks
  done | sort -un
}

describe_pids() {
  local pid out=()
  for pid in "$@"; do
    out+=("${pid} ($(tr '\0\n' '  ' <"/proc/${pid}/cmdline" 2>/dev/null | cut -c1-80 | sed 's/ *$//'))")
  done
  local IFS=,
  echo "${out[*]}"
}

wait_for_apt_locks() {
  local deadline=$((SECONDS + APT_LOCK_WAIT)) holders said=""
  while holders=$(apt_lock_holders) && [[ -n "$holders" ]]; do
    # shellcheck disable=SC2086
    if [[ -z "$said" ]]; then
      log "packages: waiting up to $((APT_LOCK_WAIT / 60)) min for the dpkg/apt lock, held by pid $(describe_pids $holders)"
      said=1
    fi
    # shellcheck disable=SC2086
    ((SECONDS < deadline)) ||
      die "the dpkg/apt lock is still held after $((APT_LOCK_WAIT / 60)) min, by pid $(describe_pids $holders); run this again when that is done"
    sleep 1
  done
  [[ -z "$said" ]] || log "packages: the dpkg/apt lock is free"
}

# apt_get ARGS...: apt-get with its output in the log, after waiting (up to APT_LOCK_WAIT s) for
# the dpkg/apt locks; retried when it lost a race for one of them.
apt_get() {
  local deadline=$((SECONDS + APT_LOCK_WAIT)) out rc
  out=$(mktemp /tmp/exp-apt.XXXXXX)
  while :; do
    wait_for_apt_locks
    echo "+ apt-get $*" >>"$LOG"
    rc=0
    apt-get -o DPkg::Lock::Timeout="$APT_LOCK_WAIT" "$@" >"$out" 2>&1 || rc=$?
    cat "$out" >>"$LOG"
    if ((rc != 0)) && grep -q 'Could not get lock' "$out" && ((SECONDS < deadline)); then
      sleep 1
      continue
    fi
    rm -f "$out"
    return "$rc"
  done
}

# ensure_packages [--no-install-recommends] PACKAGE...
ensure_packages() {
  local flags=() missing=() p started=$SECONDS
  if [[ "${1:-}" == --no-install-recommends ]]; then flags+=("$1"); shift; fi
  for p in "$@"; do pkg_installed "$p" || missing+=("$p"); done
  if ((${#missing[@]} == 0)); then
    log "packages: reusing $*"
    return 0
  fi
  log "packages: installing ${missing[*]}"
  # never let a package's maintainer script start its own service (docker-registry would grab
  # port 5000 with its default config; docker.io would start dockerd on /var/run/docker.sock)
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    POLICY_RC_CREATED=1
  fi
  if [[ -z "$APT_UPDATED" ]]; then
    apt_get -q update || die "apt-get update failed (see the log below)"
    APT_UPDATED=1
  fi
  apt_get -q -y -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    "${flags[@]+"${flags[@]}"}" install "${missing[@]}" ||
    die "apt-get install ${missing[*]} failed (see the log below)"
  if [[ -n "$POLICY_RC_CREATED" ]]; then
    rm -f /usr/sbin/policy-rc.d
    POLICY_RC_CREATED=""
  fi
  for p in "${missing[@]}"; do pkg_installed "$p" || die "package ${p} did not install"; done
  log "packages: installed in $((SECONDS - started)) s"
}

# --------------------------------------------------------------------------------- processes

# cmdline_matches PID PROG STRING...: the process runs PROG (basename of argv[0]; '*' for any)
# and its command line contains every STRING.
cmdline_matches() {
  local pid=$1 prog=$2; shift 2
  local -a argv
  [[ -r /proc/$pid/cmdline ]] || return 1
  mapfile -d '' -t argv <"/proc/$pid/cmdline" 2>/dev/null || return 1
  ((${#argv[@]} > 0)) || return 1
  [[ "$prog" == '*' || "${argv[0]##*/}" == "$prog" ]] || return 1
  local cmd="${argv[*]}" needle
  for needle in "$@"; do [[ "$cmd" == *"$needle"* ]] || return 1; done
}

# pids_matching PROG STRING...: every live process that matches (see cmdline_matches).
pids_matching() {
  local f pid
  for f in /proc/[0-9]*; do
    pid=${f#/proc/}
    [[ "$pid" == "$$" || "$pid" == "$BASHPID" ]] && continue
    if cmdline_matches "$pid" "$@"; then echo "$pid"; fi
  done
}

# gone PID: the process has exited. A zombie counts as gone: kill -0 still finds it, and this
# machine's init can take a minute or more to reap the daemons' (slurmctld's, slurmstepd's).
gone() {
  local state
  state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 0
  [[ -z "$state" || "$state" == Z ]]
}

# stop_pid NAME PID SECONDS: SIGTERM, then SIGKILL after SECONDS.
stop_pid() {
  local name=$1 pid=$2 limit=$3
  ! gone "$pid" || return 0
  log "${name}: stopping pid ${pid}"
  kill "$pid" 2>/dev/null || true
  if ! wait_until "$limit" gone "$pid"; then
    log "${name}: pid ${pid} did not stop within ${limit} s; killing it"
    kill -9 "$pid" 2>/dev/null || true
    wait_until 5 gone "$pid" || die "${name}: pid ${pid} does not stop"
  fi
}

# start_detached PIDFILE LOGFILE CMD...: start CMD in its own session with stdin from /dev/null,
# output to LOGFILE and every other inherited descriptor closed (this script's stdout, its lock,
# a caller's pipes), so that it outlives the script and its caller and never holds a caller's
# `$(...)` open. The pid stays the same through exec; it goes to PIDFILE unless that is '-'
# (dockerd writes its own), and to the variable STARTED_PID.
start_detached() {
  local pidfile=$1 logfile=$2; shift 2
  mkdir -p "$(dirname "$logfile")"
  echo "=== $(date -u +%FT%TZ) starting: $*" >>"$logfile"
  # shellcheck disable=SC2016
  setsid nohup bash -c 'for fd in /proc/self/fd/*; do
      fd=${fd##*/}; if ((fd > 2)); then exec {fd}>&-; fi
    done; exec "$@"' exp-detached "$@" </dev/null >>"$logfile" 2>&1 &
  STARTED_PID=$!
  [[ "$pidfile" == - ]] || echo "$STARTED_PID" >"$pidfile"
}

# service_failed NAME LOGFILE WHY: put the end of the service's log into ours, then fail.
service_failed() {
  {
    echo "----- last lines of $2 -----"
    tail -n 15 "$2" 2>/dev/null || true
  } >>"$LOG"
  die "$1 $3 (log: $2)"
}

sock_pings() {
  [[ -S "$1" ]] && [[ "$(curl -s --max-time 5 --unix-socket "$1" http://localhost/_ping 2>/dev/null)" == "OK" ]]
}

# ------------------------------------------------------------------------------- podman side

podman_answers() { sock_pings "$PODMAN_SOCK"; }

# Our service: `podman system service` on the standard socket, with our CONTAINERS_CONF.
our_podman_pids() {
  local pid
  for pid in $(pids_matching podman "system service" "$PODMAN_HOST"); do
    grep -qzx "CONTAINERS_CONF=${PODMAN_CONF}" "/proc/${pid}/environ" 2>/dev/null && echo "$pid"
  done
  return 0
}
old_podman_pids() { pids_matching podman "system service" "unix://${OLD_PODMAN_SOCK}"; }

stop_old_podman_service() {
  local pid
  for pid in $(old_podman_pids); do
    stop_pid "podman service on unix://${OLD_PODMAN_SOCK} (older version of this script)" "$pid" 15
  done
  if [[ -S "$OLD_PODMAN_SOCK" ]] && ! sock_pings "$OLD_PODMAN_SOCK"; then rm -f "$OLD_PODMAN_SOCK"; fi
}

remove_old_global_files() {
  local f
  for f in "${OLD_GLOBAL_FILES[@]}"; do
    if [[ -f "$f" ]] && head -n 1 "$f" | grep -q '^# written by exp-maven-plugin'; then
      rm -f "$f"
      log "podman config: removed ${f} (written by an older version of this script)"
    fi
  done
}

write_podman_config() {
  local changed=1
  # The sandbox lacks CAP_SYS_RESOURCE; crun fails on its hybrid cgroups. CONTAINERS_CONF
  # replaces /usr/share/containers/containers.conf too: its two settings are repeated here.
  write_if_changed "$PODMAN_CONF" "${HEADER}
# Read by our Podman service and this script's podman calls through CONTAINERS_CONF (it replaces
# /etc/containers/containers.conf and /usr/share/containers/containers.conf for them).
# The sandbox lacks CAP_SYS_RESOURCE: podman's default rlimits make every container fail with
# \"setrlimit RLIMIT_NOFILE: Operation not permitted\". crun fails with \"cgroups in hybrid mode
# not supported\"; runc works. default_capabilities and default_sysctls: as in Debian's
# /usr/share/containers/containers.conf.
[containers]
default_ulimits = [\"nofile=1024:1024\", \"nproc=1024:1024\"]
default_capabilities = [
  \"CHOWN\", \"DAC_OVERRIDE\", \"FOWNER\", \"FSETID\", \"KILL\", \"NET_BIND_SERVICE\", \"SETFCAP\",
  \"SETGID\", \"SETPCAP\", \"SETUID\", \"SYS_CHROOT\",
]
default_sysctls = [\"net.ipv4.ping_group_range=0 0\"]

[engine]
runtime = \"runc\"" || changed=""
  write_if_changed "$PODMAN_REGISTRIES_CONF" "${HEADER}
# Read through CONTAINERS_REGISTRIES_CONF instead of /etc/containers/registries.conf (the
# drop-ins in /etc/containers/registries.conf.d still apply). Local test registries, plain HTTP.
unqualified-search-registries = [\"docker.io\"]

[[registry]]
location = \"127.0.0.1:5000\"
insecure = true

[[registry]]
location = \"127.0.0.1:5001\"
insecure = true

[[registry]]
location = \"localhost:5000\"
insecure = true

[[registry]]
location = \"localhost:5001\"
insecure = true" || [[ -n "$changed" ]]
}

ensure_podman_service() {
  local restart=$1 pid rc
  stop_old_podman_service
  remove_old_global_files
  pid=$(our_podman_pids | head -n 1)
  if [[ -n "$pid" ]]; then
    if [[ -n "$restart" ]]; then
      log "podman service: configuration changed"
      stop_pid "podman service" "$pid" 15
    elif wait_until 10 podman_answers; then
      echo "$pid" >"$PODMAN_PIDFILE"
      log "podman service: reusing ${PODMAN_HOST} (pid ${pid})"
      return 0
    else
      stop_pid "podman service (not answering)" "$pid" 15
    fi
  fi
  if podman_answers; then
    die "${PODMAN_HOST} is served by a process this script did not start; stop it (e.g. systemctl stop podman.socket podman.service) and run this again"
  fi
  rm -f "$PODMAN_SOCK"
  mkdir -p "$(dirname "$PODMAN_SOCK")"
  start_detached "$PODMAN_PIDFILE" "$PODMAN_LOG" podman system service --time=0 "$PODMAN_HOST"
  rc=0
  wait_for_service "$STARTED_PID" 30 podman_answers || rc=$?
  ((rc == 0)) || service_failed "podman service" "$PODMAN_LOG" \
    "$([[ $rc == 2 ]] && echo "exited at start" || echo "did not answer on ${PODMAN_SOCK} within 30 s")"
  log "podman service: started on ${PODMAN_HOST} (pid ${STARTED_PID}, log ${PODMAN_LOG})"
}

# ------------------------------------------------------------------------------- docker side

# The docker CLI against our dockerd, with a throw-away client configuration (none of the
# caller's contexts, credential helpers or config.json).
dkr() { DOCKER_HOST=$DOCKER_URL DOCKER_CONFIG=$DOCKER_CLIENT_CONFIG docker "$@"; }

docker_answers() { sock_pings "$DOCKER_SOCK"; }
our_docker_pids() { pids_matching dockerd "--host ${DOCKER_URL}" "--data-root ${DOCKER_DATA}"; }
# what our dockerd left behind, if it died: its containerd and the containers' shims
docker_leftover_pids() {
  local prog
  for prog in containerd containerd-shim containerd-shim-runc-v2; do
    pids_matching "$prog" "${DOCKER_EXEC}/containerd"
  done | sort -un
}

write_docker_config() {
  # Our own bridge and no iptables rules or sysctl changes: nothing shared with Podman or with
  # a Docker engine of the machine's own (docker0, 172.17.0.0/16, the DOCKER chains). The
  # daemon's identity key in our data root, not in /etc/docker/key.json.
  write_if_changed "$DOCKER_CONF" "{
  \"bridge\": \"${DOCKER_BRIDGE}\",
  \"iptables\": false,
  \"ip-masq\": false,
  \"ip-forward\": false,
  \"deprecated-key-path\": \"${DOCKER_DATA}/key.json\"
}"
}

ensure_bridge() {
  if ip link show dev "$DOCKER_BRIDGE" >/dev/null 2>&1; then return 0; fi
  local routes
  routes=$({ ip -4 route show match "$DOCKER_BRIDGE_NET"; ip -4 route show root "$DOCKER_BRIDGE_NET"; } |
    grep -v '^default' || true)
  [[ -z "$routes" ]] ||
    die "the subnet ${DOCKER_BRIDGE_NET} for our bridge ${DOCKER_BRIDGE} is already routed here: ${routes}"
  quiet ip link add name "$DOCKER_BRIDGE" type bridge
  quiet ip addr add "$DOCKER_BRIDGE_ADDR" dev "$DOCKER_BRIDGE"
  quiet ip link set "$DOCKER_BRIDGE" up
  log "docker engine: created bridge ${DOCKER_BRIDGE} (${DOCKER_BRIDGE_ADDR})"
}

stop_our_docker() {
  local pid
  for pid in $(our_docker_pids); do stop_pid "docker engine" "$pid" 45; done
  for pid in $(docker_leftover_pids); do stop_pid "docker engine leftover" "$pid" 10; done
  rm -f "$DOCKER_PIDFILE"
  [[ -S "$DOCKER_SOCK" ]] && rm -f "$DOCKER_SOCK"
  return 0
}

ensure_docker_engine() {
  local restart=$1 pid rc
  pid=$(our_docker_pids | head -n 1)
  if [[ -n "$pid" ]]; then
    if [[ -n "$restart" ]]; then
      log "docker engine: configuration changed"
      stop_our_docker
    elif wait_until 20 docker_answers; then
      log "docker engine: reusing ${DOCKER_URL} (pid ${pid})"
      return 0
    else
      log "docker engine: pid ${pid} does not answer on ${DOCKER_SOCK}"
      stop_our_docker
    fi
  fi
  if docker_answers; then
    die "${DOCKER_URL} is served by a process this script did not start; stop it and run this again"
  fi
  stop_our_docker # leftovers of a dockerd that died
  ensure_bridge
  mkdir -p "$DOCKER_DATA" "$DOCKER_EXEC"
  # Own containerd namespaces (flags: 20.10 rejects the config file's key for the plugins one),
  # in case dockerd finds a system containerd to use instead of starting its own.
  start_detached - "$DOCKER_LOG" dockerd --config-file "$DOCKER_CONF" --host "$DOCKER_URL" \
    --data-root "$DOCKER_DATA" --exec-root "$DOCKER_EXEC" --pidfile "$DOCKER_PIDFILE" \
    --containerd-namespace exp-docker --containerd-plugins-namespace exp-docker-plugins
  rc=0
  wait_for_service "$STARTED_PID" 60 docker_answers || rc=$?
  ((rc == 0)) || service_failed "docker engine" "$DOCKER_LOG" \
    "$([[ $rc == 2 ]] && echo "exited at start" || echo "did not answer on ${DOCKER_SOCK} within 60 s")"
  log "docker engine: started on ${DOCKER_URL} (pid ${STARTED_PID}, $(dkr version --format 'Docker {{.Server.Version}}, API {{.Server.APIVersion}}' 2>/dev/null), log ${DOCKER_LOG})"
}

# ------------------------------------------------------------------- engine-neutral helpers
# ENGINE is "podman" or "docker".

eng() {
  local e=$1; shift
  if [[ "$e" == podman ]]; then podman "$@"; else dkr "$@"; fi
}

# image_id ENGINE IMAGE: the image's id (hex, without "sha256:"); fails when it is not there.
image_id() {
  local id
  id=$(eng "$1" image inspect --format '{{.Id}}' "$2" 2>/dev/null) || return 1
  [[ -n "$id" ]] || return 1
  echo "${id#sha256:}"
}

pull_image() {
  if [[ "$1" == podman ]]; then
    quiet podman pull --tls-verify=false "$2"
  else
    quiet dkr pull "$2"
  fi
}

push_image() {
  local e=$1 src=$2 dest=$3 creds=${4:-}
  if [[ "$e" == podman ]]; then
    local args=(--tls-verify=false --format v2s2)
    [[ -n "$creds" ]] && args+=(--creds "$creds")
    quiet podman push "${args[@]}" "$src" "docker://${dest}"
  else
    quiet dkr tag "$src" "$dest"
    if [[ -n "$creds" ]]; then
      # credentials in a throw-away client config, so that none are left behind (tests check
      # that a pull without credentials fails); written directly instead of `docker login`
      local cfg
      cfg=$(mktemp -d /tmp/exp-docker-config.XXXXXX)
      TMP_DIRS+=("$cfg")
      printf '{"auths":{"%s":{"auth":"%s"}}}\n' "${dest%%/*}" "$(printf '%s' "$creds" | base64 -w0)" \
        >"$cfg/config.json"
      DOCKER_CONFIG=$cfg DOCKER_HOST=$DOCKER_URL quiet docker push "$dest"
      rm -rf "$cfg"
    else
      quiet dkr push "$dest"
    fi
    quiet dkr rmi "$dest" || true
  fi
}

# verify_tiny ENGINE: a container of the tiny image runs (as root, with seq and ls).
verify_tiny() {
  local out
  # shellcheck disable=SC2016
  if ! out=$(eng "$1" run --rm "$TINY_IMAGE" sh -c 'seq 1 3 >/dev/null && printf "%s\n" "$(id -u)" && ls /tmp >/dev/null' 2>>"$LOG") ||
    [[ "$out" != "0" ]]; then
    quiet eng "$1" rmi -f "$TINY_IMAGE" || true
    die "image ${TINY_IMAGE} in ${1}: a test container failed (output: ${out:-none})"
  fi
}

# verify_torch ENGINE: prints torch's version from a container of the PyTorch image.
verify_torch() {
  local ver
  if ! ver=$(eng "$1" run --rm "$TORCH_IMAGE" python3 -c 'import torch; print(torch.__version__)' 2>>"$LOG"); then
    quiet eng "$1" rmi -f "$TORCH_IMAGE" || true
    die "image ${TORCH_IMAGE} in ${1}: 'import torch' failed in a container"
  fi
  echo "$ver"
}

# ------------------------------------------------------------------------------ registries

registry_code() {
  curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$1/v2/" 2>/dev/null || true
}
registry_up() { [[ "$(registry_code "$1")" == "$2" ]]; }

ensure_registry() {
  local port=$1 expect=$2 config=$3 restart=$4
  local pidfile=/run/exp-registry-${port}.pid logfile=/var/log/exp-registry-${port}.log pid rc
  pid=$(pids_matching docker-registry "$config" | head -n 1)
  if [[ -n "$pid" ]]; then
    if [[ -n "$restart" ]]; then
      stop_pid "registry 127.0.0.1:${port} (configuration changed)" "$pid" 15
    elif wait_until 5 registry_up "$port" "$expect"; then
      echo "$pid" >"$pidfile"
      log "registry 127.0.0.1:${port}: reusing (pid ${pid})"
      return 0
    else
      stop_pid "registry 127.0.0.1:${port} (not answering)" "$pid" 15
    fi
  fi
  [[ "$(registry_code "$port")" == 000 ]] ||
    die "127.0.0.1:${port} is taken by a process this script did not start; stop it and run this again"
  start_detached "$pidfile" "$logfile" docker-registry serve "$config"
  rc=0
  wait_for_service "$STARTED_PID" 30 registry_up "$port" "$expect" || rc=$?
  ((rc == 0)) || service_failed "registry 127.0.0.1:${port}" "$logfile" \
    "$([[ $rc == 2 ]] && echo "exited at start" || echo "did not answer HTTP ${expect} on /v2/ within 30 s")"
  log "registry 127.0.0.1:${port}: started (pid ${STARTED_PID}, log ${logfile})"
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

ensure_registries() {
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
}

# ---------------------------------------------------------------------------------- images

build_tiny() {
  local e=$1 tmp root a
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
  quiet eng "$e" import --change "ENV ${IMAGE_PATH_ENV}" --change 'CMD ["sh"]' \
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
    remove_tree "$old"
  done
  work=$(mktemp -d "${CACHE_DIR}/rootfs.XXXXXX")
  TMP_DIRS+=("$work")
  log "pytorch image: debootstrap ${TORCH_SUITE} with python3-torch from ${mirror} (takes a few minutes)"
  quiet debootstrap --variant=minbase --include=python3,python3-torch,python3-numpy \
    "$TORCH_SUITE" "$work/root" "$mirror" || die "debootstrap from ${mirror} failed (see the log below)"
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
  local e=$1
  if [[ -s "$TORCH_TARBALL" ]]; then
    log "pytorch image: reusing cached rootfs ${TORCH_TARBALL}"
  else
    build_torch_rootfs_tarball
  fi
  quiet eng "$e" import --change "ENV ${IMAGE_PATH_ENV}" --change 'ENV LANG=C.UTF-8' \
    --change 'CMD ["python3"]' "$TORCH_TARBALL" "$TORCH_IMAGE"
}

# jupyter_debs ENGINE: the .debs that ${JUPYTER_PACKAGE} needs on top of the PyTorch image, in
# ${JUPYTER_DEBS}: apt on the host resolves them against the image's own dpkg status (no apt, no
# network and no apt lists inside the image).
jupyter_debs() {
  local e=$1 work
  work=$(mktemp -d /tmp/exp-jupyter.XXXXXX)
  TMP_DIRS+=("$work")
  eng "$e" run --rm --network none "$TORCH_IMAGE" cat /var/lib/dpkg/status >"$work/status" 2>>"$LOG" ||
    die "cannot read /var/lib/dpkg/status from ${TORCH_IMAGE}"
  if ! apt-cache show "$JUPYTER_PACKAGE" >/dev/null 2>&1 && [[ -z "$APT_UPDATED" ]]; then
    apt_get -q update || die "apt-get update failed (see the log below)"
    APT_UPDATED=1
  fi
  rm -rf "$JUPYTER_DEBS"
  mkdir -p "$work/debs/partial"
  apt_get -q -y --download-only --no-install-recommends -o Dir::State::status="$work/status" \
    -o Dir::Cache::archives="$work/debs" install "$JUPYTER_PACKAGE" ||
    die "apt-get --download-only ${JUPYTER_PACKAGE} failed (see the log below)"
  rm -rf "$work/debs/partial" "$work/debs/lock"
  compgen -G "$work/debs/*.deb" >/dev/null || die "apt-get downloaded no .deb for ${JUPYTER_PACKAGE}"
  mv "$work/debs" "$JUPYTER_DEBS"
  rm -rf "$work"
}

# build_jupyter ENGINE: the PyTorch image with the .debs installed by dpkg, offline, committed.
build_jupyter() {
  local e=$1 name=exp-test-jupyter-build
  if compgen -G "${JUPYTER_DEBS}/*.deb" >/dev/null; then
    log "jupyter image: reusing the cached .debs in ${JUPYTER_DEBS}"
  else
    jupyter_debs "$e"
    log "jupyter image: downloaded $(find "$JUPYTER_DEBS" -name '*.deb' | wc -l) .debs ($(du -sh "$JUPYTER_DEBS" | cut -f1))"
  fi
  quiet eng "$e" rm -f "$name" || true
  quiet eng "$e" run --name "$name" --network none -v "${JUPYTER_DEBS}:/debs:ro" "$TORCH_IMAGE" \
    sh -c 'dpkg -i /debs/*.deb && rm -rf /var/cache/debconf/*-old /var/lib/dpkg/*-old' ||
    { quiet eng "$e" rm -f "$name" || true; die "dpkg -i of the ${JUPYTER_PACKAGE} .debs failed in a container of ${TORCH_IMAGE}"; }
  quiet eng "$e" commit --change 'CMD ["jupyter","notebook"]' "$name" "$JUPYTER_IMAGE" ||
    { quiet eng "$e" rm -f "$name" || true; die "commit of ${JUPYTER_IMAGE} failed"; }
  quiet eng "$e" rm -f "$name"
}

# verify_jupyter ENGINE: prints the notebook version from a container of the Jupyter image.
verify_jupyter() {
  local ver
  if ! ver=$(eng "$1" run --rm --network none "$JUPYTER_IMAGE" jupyter notebook --version 2>>"$LOG"); then
    quiet eng "$1" rmi -f "$JUPYTER_IMAGE" || true
    die "image ${JUPYTER_IMAGE} in ${1}: 'jupyter notebook --version' failed in a container"
  fi
  echo "$ver"
}

# The images in the first engine (Podman when it is provisioned), and the registry images.
ensure_images_primary() {
  local e=$1
  STEP="image ${TINY_IMAGE} (${e})"
  if image_id "$e" "$TINY_IMAGE" >/dev/null; then
    log "image ${TINY_IMAGE} in ${e}: reusing"
  else
    if registry_has_tag "$REG_PORT" exp-test/tiny 1; then
      log "image ${TINY_IMAGE} in ${e}: taking it from ${REG_TINY}"
    else
      build_tiny "$e"
      push_image "$e" "$TINY_IMAGE" "$REG_TINY"
      registry_has_tag "$REG_PORT" exp-test/tiny 1 || die "push of ${REG_TINY} did not land"
      TINY_PUSHED=1
      log "image ${TINY_IMAGE}: built and pushed as ${REG_TINY}"
    fi
    # The local image is the one pulled back from the registry: an imported image keeps the
    # digest of its local (uncompressed) manifest, and Podman would list that digest next to
    # the registry's in RepoDigests after a pull of ${REG_TINY}.
    quiet eng "$e" rmi -f "$TINY_IMAGE" || true
    pull_image "$e" "$REG_TINY"
    quiet eng "$e" tag "$REG_TINY" "$TINY_IMAGE"
    quiet eng "$e" rmi "$REG_TINY"
    verify_tiny "$e"
    log "image ${TINY_IMAGE} in ${e}: ready and verified"
  fi

  STEP="image ${TORCH_IMAGE} (${e})"
  if image_id "$e" "$TORCH_IMAGE" >/dev/null; then
    log "image ${TORCH_IMAGE} in ${e}: reusing"
  else
    build_torch "$e"
    log "image ${TORCH_IMAGE} in ${e}: built and verified (torch $(verify_torch "$e"))"
  fi

  STEP="image ${JUPYTER_IMAGE} (${e})"
  if image_id "$e" "$JUPYTER_IMAGE" >/dev/null; then
    log "image ${JUPYTER_IMAGE} in ${e}: reusing"
  else
    local jupyter_started=$SECONDS
    build_jupyter "$e"
    log "image ${JUPYTER_IMAGE} in ${e}: built in $((SECONDS - jupyter_started)) s and verified (notebook $(verify_jupyter "$e"))"
  fi

  STEP="push ${REG_TINY}"
  if registry_has_tag "$REG_PORT" exp-test/tiny 1; then
    [[ -n "$TINY_PUSHED" ]] || log "registry image ${REG_TINY}: reusing"
  else
    push_image "$e" "$TINY_IMAGE" "$REG_TINY"
    registry_has_tag "$REG_PORT" exp-test/tiny 1 || die "push of ${REG_TINY} did not land"
    log "registry image ${REG_TINY}: pushed"
  fi

  STEP="push ${REG_PRIVATE}"
  local creds_args=(-u "${REG_USER}:${REG_PASSWORD}")
  if registry_has_tag "$REG_AUTH_PORT" exp-test/private 1 "${creds_args[@]}"; then
    log "registry image ${REG_PRIVATE}: reusing"
  else
    push_image "$e" "$TINY_IMAGE" "$REG_PRIVATE" "${REG_USER}:${REG_PASSWORD}"
    registry_has_tag "$REG_AUTH_PORT" exp-test/private 1 "${creds_args[@]}" ||
      die "push of ${REG_PRIVATE} did not land"
    log "registry image ${REG_PRIVATE}: pushed"
  fi
}

# The same images, with the same ids, in Docker: tiny pulled back from the registry (as in
# Podman), PyTorch copied with `podman save | docker load`.
ensure_images_docker_from_podman() {
  local want have
  STEP="image ${TINY_IMAGE} (docker)"
  want=$(image_id podman "$TINY_IMAGE") || die "no ${TINY_IMAGE} in Podman"
  if have=$(image_id docker "$TINY_IMAGE") && [[ "$have" == "$want" ]]; then
    log "image ${TINY_IMAGE} in docker: reusing"
  else
    [[ -z "${have:-}" ]] || quiet dkr rmi -f "$TINY_IMAGE"
    pull_image docker "$REG_TINY"
    quiet dkr tag "$REG_TINY" "$TINY_IMAGE"
    quiet dkr rmi "$REG_TINY"
    have=$(image_id docker "$TINY_IMAGE") || die "no ${TINY_IMAGE} in Docker after the pull"
    [[ "$have" == "$want" ]] ||
      die "${REG_TINY} (image ${have}) is not Podman's ${TINY_IMAGE} (${want}); run --down, then provision again"
    verify_tiny docker
    log "image ${TINY_IMAGE} in docker: pulled from ${REG_TINY} and verified (id ${have:0:12})"
  fi

  copy_to_docker "$TORCH_IMAGE" torch verify_torch
  copy_to_docker "$JUPYTER_IMAGE" notebook verify_jupyter "$TORCH_IMAGE"
}

# copy_to_docker IMAGE WHAT VERIFY [BASE]: Podman's IMAGE into Docker, same id (podman save | docker
# load), unless Docker has it already. With BASE (an image Docker has, that IMAGE is built on) the
# archive goes without BASE's layers: docker load skips a layer it already has without reading its
# file, and would otherwise unpack the 1.3 GB of the PyTorch layer again for nothing. VERIFY ENGINE
# prints WHAT's version from a container of IMAGE.
copy_to_docker() {
  local image=$1 what=$2 verify=$3 base_image=${4:-} want have="" started=$SECONDS base=()
  STEP="image ${image} (docker)"
  want=$(image_id podman "$image") || die "no ${image} in Podman"
  if have=$(image_id docker "$image") && [[ "$have" == "$want" ]]; then
    log "image ${image} in docker: reusing"
    return 0
  fi
  [[ -z "${have:-}" ]] || quiet dkr rmi -f "$image"
  if [[ -n "$base_image" ]]; then
    mapfile -t base < <(podman image inspect --format '{{range .RootFS.Layers}}{{println .}}{{end}}' "$base_image" |
      sed -n 's/^sha256:\([0-9a-f]\{64\}\)$/\1.tar/p')
    ((${#base[@]})) || die "no layers listed for ${base_image} in Podman"
    log "image ${image} in docker: copying from Podman (podman save | docker load, without the layers of ${base_image})"
  else
    log "image ${image} in docker: copying from Podman (podman save | docker load, about a minute)"
  fi
  echo "+ podman save ${image} |${base[*]+ tar --delete ${base[*]} |} docker load" >>"$LOG"
  if ((${#base[@]})); then
    { podman save --format docker-archive "$image" | tar --delete -f - "${base[@]}" | dkr load; } >>"$LOG" 2>&1
  else
    { podman save --format docker-archive "$image" | dkr load; } >>"$LOG" 2>&1
  fi || die "podman save | docker load of ${image} failed"
  have=$(image_id docker "$image") || die "no ${image} in Docker after docker load"
  [[ "$have" == "$want" ]] || die "docker load gave image ${have}, Podman has ${want}"
  log "image ${image} in docker: loaded in $((SECONDS - started)) s and verified (${what} $("$verify" docker), id ${have:0:12})"
}

# ----------------------------------------------------------------------------------- slurm

munge_answers() { munge -n 2>/dev/null | unmunge >/dev/null 2>&1; }

mount_ns() { readlink "/proc/$1/ns/mnt" 2>/dev/null; }

our_slurmctld_pids() { pids_matching slurmctld "-f ${SLURM_CONF_FILE}"; }
our_slurmd_pids() { pids_matching slurmd "-f ${SLURM_CONF_FILE}"; }
slurmctld_answers() { timeout 15 scontrol ping 2>/dev/null | grep -q 'is UP'; }

# slurmd_hides_dir PID: slurmd PID runs in a mount namespace of its own, with our tmpfs on
# SLURM_UNSHARED_DIR.
slurmd_hides_dir() {
  local ns
  ns=$(mount_ns "$1") && [[ -n "$ns" && "$ns" != "$(mount_ns self)" ]] || return 1
  awk -v d="$SLURM_UNSHARED_DIR" '$5 == d && $(NF - 2) == "tmpfs" && $(NF - 1) == "exp-unshared" {f = 1}
    END {exit !f}' "/proc/$1/mountinfo" 2>/dev/null
}

ensure_munge() {
  local parent rc=0
  if munge_answers; then
    log "munge: reusing munged (pid $(cat "$MUNGED_PIDFILE" 2>/dev/null || echo '?'))"
    return 0
  fi
  if [[ ! -s "$MUNGE_KEY" ]]; then
    mkdir -p "$(dirname "$MUNGE_KEY")"
    dd if=/dev/urandom of="$MUNGE_KEY" bs=1024 count=1 status=none
    chown munge:munge "$MUNGE_KEY"
    chmod 400 "$MUNGE_KEY"
    log "munge: created ${MUNGE_KEY}"
  fi
  mkdir -p /run/munge /var/log/munge /var/lib/munge
  chown -R munge:munge /run/munge /var/log/munge /var/lib/munge /etc/munge
  # munged forks the daemon and exits once it runs (its own log: /var/log/munge/munged.log)
  start_detached - "$LOG" runuser -u munge -- munged
  parent=$STARTED_PID
  wait_until 30 gone "$parent" || service_failed munged /var/log/munge/munged.log "did not start within 30 s"
  wait "$parent" || rc=$?
  ((rc == 0)) || service_failed munged /var/log/munge/munged.log "exited with status ${rc} at start"
  wait_until 10 munge_answers || service_failed munged /var/log/munge/munged.log "does not answer (munge -n | unmunge)"
  cat "$MUNGED_PIDFILE" >"$MUNGED_STARTED" 2>/dev/null || echo 0 >"$MUNGED_STARTED"
  log "munge: started munged (pid $(cat "$MUNGED_STARTED"), log /var/log/munge/munged.log)"
}

slurm_config() {
  local node=$1 mem
  # RealMemory: a little under what slurmd finds (it drains a node that has less than that)
  mem=$(awk '/^MemTotal:/ {printf "%d", $2 * 0.8 / 1024}' /proc/meminfo)
  cat <<EOC
${HEADER}
# Read by our slurmctld and slurmd (-f) and by the Slurm clients through SLURM_CONF; the
# machine's /etc/slurm/slurm.conf is not used. One node, this host; jobs run as their user.
ClusterName=exptest
SlurmctldHost=${node}
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
# CPUs are what jobs use up; memory is not counted (else a job without --mem takes the whole node)
SelectTypeParameters=CR_CPU
SlurmUser=root
StateSaveLocation=${SLURM_STATE}/ctld
SlurmdSpoolDir=${SLURM_STATE}/d
SlurmctldPidFile=${SLURMCTLD_PIDFILE}
SlurmdPidFile=${SLURMD_PIDFILE}
SlurmctldLogFile=${SLURMCTLD_LOG}
SlurmdLogFile=${SLURMD_LOG}
# a node set DOWN (tests do) comes back when its slurmd registers again
ReturnToService=2
KillWait=10
# no mail program on the machine (the default, /bin/mail, makes slurmctld log an error)
MailProg=/bin/true
# finished jobs stay visible to scontrol/squeue for 10 minutes
MinJobAge=600
# 8 CPUs whatever the machine has (config_overrides: slurmd takes the configuration's word), so
# that 8 test jobs run at once on a 2-core machine: they mostly wait, they do not compute.
SlurmdParameters=config_overrides
NodeName=${node} CPUs=${SLURM_NODE_CPUS} RealMemory=${mem} State=UNKNOWN
PartitionName=${SLURM_PARTITION} Nodes=${node} Default=YES MaxTime=INFINITE State=UP
EOC
}

# Any slurmctld or slurmd that was not started with our configuration (the machine's own, one
# started by hand): it holds the ports ours need (6817, 6818), so it goes.
stop_other_slurm_daemons() {
  local prog pid
  for prog in slurmctld slurmd; do
    for pid in $(pids_matching "$prog"); do
      cmdline_matches "$pid" "$prog" "-f ${SLURM_CONF_FILE}" && continue
      stop_pid "${prog} not started with -f ${SLURM_CONF_FILE}" "$pid" 30
    done
  done
}

# start_slurm_daemon NAME LOGFILE CMD...: start CMD (which forks the daemon and exits), wait
# for it to exit and for the daemon NAME (with our -f) to show up; its pid goes to STARTED_PID.
# LOGFILE gets what CMD prints before the daemon has opened it itself.
start_slurm_daemon() {
  local name=$1 logfile=$2; shift 2
  local parent rc=0
  start_detached - "$logfile" "$@"
  parent=$STARTED_PID
  wait_until 30 gone "$parent" || service_failed "$name" "$logfile" "did not daemonize within 30 s"
  wait "$parent" || rc=$?
  ((rc == 0)) || service_failed "$name" "$logfile" "exited with status ${rc} at start"
  wait_until 10 slurm_daemon_runs "$name" || service_failed "$name" "$logfile" "exited at start"
  STARTED_PID=$(pids_matching "$name" "-f ${SLURM_CONF_FILE}" | head -n 1)
}
slurm_daemon_runs() { [[ -n "$(pids_matching "$1" "-f ${SLURM_CONF_FILE}")" ]]; }

ensure_slurmctld() {
  local restart=$1 pid rc
  pid=$(our_slurmctld_pids | head -n 1)
  if [[ -n "$pid" ]]; then
    if [[ -n "$restart" ]]; then
      log "slurmctld: configuration changed"
      stop_pid slurmctld "$pid" 30
    elif wait_until 10 slurmctld_answers; then
      log "slurmctld: reusing (pid ${pid})"
      return 0
    else
      stop_pid "slurmctld (not answering)" "$pid" 30
    fi
  fi
  mkdir -p "${SLURM_STATE}/ctld"
  start_slurm_daemon slurmctld "$SLURMCTLD_LOG" slurmctld -f "$SLURM_CONF_FILE"
  rc=0
  wait_for_service "$STARTED_PID" 30 slurmctld_answers || rc=$?
  ((rc == 0)) || service_failed slurmctld "$SLURMCTLD_LOG" \
    "$([[ $rc == 2 ]] && echo "exited at start" || echo "did not answer scontrol ping within 30 s")"
  SLURM_STARTED=1
  log "slurmctld: started (pid ${STARTED_PID}, log ${SLURMCTLD_LOG})"
}

ensure_slurmd() {
  local restart=$1 pid
  pid=$(our_slurmd_pids | head -n 1)
  if [[ -n "$pid" ]]; then
    if [[ -n "$restart" ]]; then
      log "slurmd: configuration changed"
      stop_pid slurmd "$pid" 30
    elif ! slurmd_hides_dir "$pid"; then
      stop_pid "slurmd (runs without our tmpfs on ${SLURM_UNSHARED_DIR})" "$pid" 30
    else
      log "slurmd: reusing (pid ${pid})"
      STARTED_PID=$pid
      return 0
    fi
  fi
  mkdir -p "${SLURM_STATE}/d" "$SLURM_UNSHARED_DIR"
  chmod 1777 "$SLURM_UNSHARED_DIR"
  # its own mount namespace (slave: the machine's later mounts still reach it, where they
  # propagate), in which SLURM_UNSHARED_DIR is a private tmpfs; it goes when slurmd and its
  # job steps do
  # shellcheck disable=SC2016
  start_slurm_daemon slurmd "$SLURMD_LOG" unshare --mount --propagation slave \
    sh -c 'mount -t tmpfs -o size=1m,mode=1777 exp-unshared "$1" && exec slurmd -f "$2"' \
    exp-slurmd "$SLURM_UNSHARED_DIR" "$SLURM_CONF_FILE"
  slurmd_hides_dir "$STARTED_PID" ||
    service_failed slurmd "$SLURMD_LOG" "(pid ${STARTED_PID}) runs without its tmpfs on ${SLURM_UNSHARED_DIR}"
  SLURM_STARTED=1
  log "slurmd: started (pid ${STARTED_PID}, ${SLURM_UNSHARED_DIR} hidden from jobs, log ${SLURMD_LOG})"
}

slurm_node_state() { sinfo -h -N -n "$SLURM_NODE" -o %T 2>/dev/null | head -n 1; }
slurm_node_reason() { sinfo -h -N -n "$SLURM_NODE" -o %E 2>/dev/null | head -n 1; }

# slurm_node_ready: the node takes jobs; a node left DOWN or DRAIN (with its slurmd answering:
# no '*') is resumed, once.
slurm_node_ready() {
  local state
  state=$(slurm_node_state)
  case $state in
    idle | mixed | allocated | completing) return 0 ;;
    down | drain | drained | draining | fail | failing)
      if [[ -z "$SLURM_RESUMED" ]]; then
        SLURM_RESUMED=1
        log "slurm node ${SLURM_NODE}: ${state} (reason: $(slurm_node_reason)); resuming it"
        quiet scontrol update nodename="$SLURM_NODE" state=resume || true
      fi
      ;;
  esac
  return 1
}

ensure_slurm() {
  local restart="" rc
  STEP="slurm: munge"
  ensure_munge

  STEP="slurm configuration"
  SLURM_NODE=$(hostname -s)
  if write_if_changed "$SLURM_CONF_FILE" "$(slurm_config "$SLURM_NODE")"; then
    restart=1
    log "slurm config: wrote ${SLURM_CONF_FILE}"
  else
    log "slurm config: reusing ${SLURM_CONF_FILE}"
  fi

  STEP="slurm: other daemons"
  stop_other_slurm_daemons
  STEP="slurmctld"
  ensure_slurmctld "$restart"
  STEP="slurmd"
  ensure_slurmd "$restart"

  STEP="slurm node ${SLURM_NODE}"
  rc=0
  wait_for_service "$STARTED_PID" 60 slurm_node_ready || rc=$?
  ((rc == 0)) || service_failed "slurm node ${SLURM_NODE}" "$SLURMD_LOG" \
    "$([[ $rc == 2 ]] && echo "lost its slurmd" || echo "is '$(slurm_node_state)' after 60 s (reason: $(slurm_node_reason))")"
  if [[ -n "$SLURM_RESUMED" ]]; then
    log "slurm node ${SLURM_NODE}: resumed, $(slurm_node_state)"
  else
    log "slurm node ${SLURM_NODE}: $(slurm_node_state)"
  fi

  if [[ -n "$SLURM_STARTED" ]]; then
    STEP="slurm sanity job"
    local job="" started=$SECONDS
    rc=0
    job=$(timeout 60 sbatch --parsable --wait --partition "$SLURM_PARTITION" --chdir / \
      --output /dev/null --job-name exp-test-sanity --wrap true 2>>"$LOG") || rc=$?
    job=${job%%;*}
    if ((rc != 0)); then
      [[ "$job" =~ ^[0-9]+$ ]] && quiet scancel "$job"
      die "the sanity job (sbatch --wait --wrap true, job ${job:-none}) $( ((rc == 124)) && echo "did not finish within 60 s" || echo "failed (exit ${rc})"); logs: ${SLURMCTLD_LOG}, ${SLURMD_LOG}"
    fi
    log "slurm: sanity job ${job} ran in $((SECONDS - started)) s"
  fi
}

# ------------------------------------------------------------------------------------ lock

take_lock() {
  exec 9>"$LOCK"
  if ! flock -n 9; then
    log "another test-engine.sh run holds ${LOCK}; waiting"
    flock -w 1800 9 || die "timed out waiting for ${LOCK}"
  fi
}

# ------------------------------------------------------------------------------- provision

provision() {
  local started=$SECONDS
  STEP="install packages"
  # git and gnupg: exp:tag pushes with git and signs with gpg, and its tests do both for real;
  # chromium: ReportBrowserTest opens exp:report's page in a real headless browser
  ensure_packages ca-certificates curl tar busybox-static debootstrap docker-registry \
    apache2-utils git gnupg chromium
  if has_engine podman; then ensure_packages podman runc; fi
  if has_engine slurm; then ensure_packages slurm-wlm munge; fi
  if has_engine docker; then
    # without recommends: they bring needrestart, and apparmor (needed only where the kernel
    # has AppArmor on) and cgroupfs-mount
    local docker_pkgs=(docker.io iproute2)
    [[ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" == Y* ]] && docker_pkgs+=(apparmor)
    ensure_packages --no-install-recommends "${docker_pkgs[@]}"
  fi

  DOCKER_CLIENT_CONFIG=$(mktemp -d /tmp/exp-docker-config.XXXXXX)
  TMP_DIRS+=("$DOCKER_CLIENT_CONFIG")

  if has_engine podman; then
    STEP="podman configuration"
    local podman_restart=""
    if write_podman_config; then
      podman_restart=1
      log "podman config: wrote ${PODMAN_CONF} and ${PODMAN_REGISTRIES_CONF}"
    else
      log "podman config: reusing ${PODMAN_CONF} and ${PODMAN_REGISTRIES_CONF}"
    fi
    STEP="podman service"
    ensure_podman_service "$podman_restart"
  fi

  if has_engine docker; then
    STEP="docker engine"
    local docker_restart=""
    if write_docker_config; then
      docker_restart=1
      log "docker config: wrote ${DOCKER_CONF}"
    fi
    ensure_docker_engine "$docker_restart"
  fi

  if has_container_engine; then
    ensure_registries
    if has_engine podman; then
      ensure_images_primary podman
      if has_engine docker; then ensure_images_docker_from_podman; fi
    else
      ensure_images_primary docker
    fi
  fi

  if has_engine slurm; then ensure_slurm; fi

  STEP="environment file"
  local lines=()
  if has_engine podman; then
    lines+=("export CONTAINERS_CONF=${PODMAN_CONF}" "export CONTAINERS_REGISTRIES_CONF=${PODMAN_REGISTRIES_CONF}")
    lines+=("export DOCKER_HOST=${PODMAN_HOST}" "export EXP_TEST_PODMAN_HOST=${PODMAN_HOST}")
  elif has_engine docker; then
    lines+=("export DOCKER_HOST=${DOCKER_URL}")
  fi
  if has_engine docker; then lines+=("export EXP_TEST_DOCKER_HOST=${DOCKER_URL}"); fi
  lines+=("export EXP_TEST_CHROMIUM=/usr/bin/chromium")
  if has_engine slurm; then
    lines+=("export SLURM_CONF=${SLURM_CONF_FILE}" "export EXP_TEST_SLURM_PARTITION=${SLURM_PARTITION}")
    lines+=("export EXP_TEST_SLURM_NODE=${SLURM_NODE}" "export EXP_TEST_SLURM_UNSHARED_DIR=${SLURM_UNSHARED_DIR}")
  fi
  write_if_changed "$ENV_FILE" "$(printf '%s\n' "${lines[@]}")" || true
  STEP="done"
  log "ready in $((SECONDS - started)) s: $(has_engine podman && echo "podman ${PODMAN_HOST}; ")$(has_engine docker && echo "docker ${DOCKER_URL}; ")$(has_container_engine && echo "registries 127.0.0.1:${REG_PORT}, 127.0.0.1:${REG_AUTH_PORT} (auth); ")$(has_engine slurm && echo "slurm node ${SLURM_NODE}, partition ${SLURM_PARTITION}; ")env in ${ENV_FILE}"
  printf '%s\n' "${lines[@]}" >&3
}

# ------------------------------------------------------------------------------------ down

down_docker() {
  STEP="down: docker engine"
  # kill running containers first: dockerd would give each its stop timeout (10 s)
  local id
  if [[ -n "$(our_docker_pids)" ]] && docker_answers; then
    for id in $(curl -s --max-time 10 --unix-socket "$DOCKER_SOCK" http://localhost/containers/json |
      grep -o '"Id":"[0-9a-f]*"' | cut -d'"' -f4); do
      curl -s --max-time 10 --unix-socket "$DOCKER_SOCK" -X POST "http://localhost/containers/${id}/kill" >/dev/null || true
    done
  fi
  stop_our_docker
  remove_tree "$DOCKER_EXEC"
  # dockerd bind-mounts its data root onto itself (to make it shared) and undoes that at
  # shutdown only when it made that mount: after a dockerd that died, the next one finds the
  # mount, reuses it and leaves it too
  local n=0
  while awk -v d="$DOCKER_DATA" '$2 == d {f = 1} END {exit !f}' /proc/self/mounts && ((n++ < 10)); do
    quiet umount -l "$DOCKER_DATA" || break
  done
  if [[ -e "$DOCKER_DATA" ]]; then
    log "docker engine: removing ${DOCKER_DATA} ($(du -sh "$DOCKER_DATA" 2>/dev/null | cut -f1))"
    remove_tree "$DOCKER_DATA"
  fi
  if command -v ip >/dev/null && ip link show dev "$DOCKER_BRIDGE" >/dev/null 2>&1; then
    quiet ip link del "$DOCKER_BRIDGE"
    log "docker engine: removed bridge ${DOCKER_BRIDGE}"
  fi
  # made by our dockerd and its containerd shims (fixed paths in 20.10 / containerd 1.6); removed
  # only when empty
  rmdir /run/docker/plugins /run/docker /run/containerd/s /run/containerd 2>/dev/null || true
  rm -f "$DOCKER_LOG"
}

down_podman() {
  STEP="down: podman"
  # podman fails when CONTAINERS_CONF names a missing file (a partial earlier --down)
  [[ -f "$PODMAN_CONF" ]] || unset CONTAINERS_CONF
  [[ -f "$PODMAN_REGISTRIES_CONF" ]] || unset CONTAINERS_REGISTRIES_CONF
  # (podman calls would create the machine's default storage when it is not there)
  if command -v podman >/dev/null && [[ -d /var/lib/containers/storage ]]; then
    # Containers made from our images (by the name they were created from, or by the id of an
    # image that has no other names), then our images by name; an image that also carries
    # someone else's names only loses ours.
    local rows id name ids=() ours_only=() c removed=0
    rows=$(podman images -a --noheading --no-trunc --format '{{.ID}} {{.Repository}}:{{.Tag}}' 2>>"$LOG" || true)
    mapfile -t ids < <(awk -v re="$OUR_IMAGE_NAMES" '$2 ~ re {print $1}' <<<"$rows" | sort -u)
    for id in "${ids[@]+"${ids[@]}"}"; do
      if [[ -z "$(awk -v id="$id" -v re="$OUR_IMAGE_NAMES" '$1 == id && $2 !~ re' <<<"$rows")" ]]; then
        ours_only+=("${id#sha256:}")
      fi
    done
    while read -r c id name; do
      [[ -n "$c" ]] || continue
      if [[ "$name" =~ $OUR_IMAGE_NAMES ]] || [[ " ${ours_only[*]-} " == *" ${id#sha256:} "* ]]; then
        quiet podman rm -f --time 0 "$c" || true
        removed=$((removed + 1))
      fi
    done < <(podman ps -a --no-trunc --format '{{.ID}} {{.ImageID}} {{.Image}}' 2>>"$LOG" || true)
    for id in "${ids[@]+"${ids[@]}"}"; do
      if [[ " ${ours_only[*]-} " == *" ${id#sha256:} "* ]]; then
        quiet podman rmi -f "$id" || true
      else
        while read -r name; do
          quiet podman untag "$id" "$name" || true
        done < <(awk -v id="$id" -v re="$OUR_IMAGE_NAMES" '$1 == id && $2 ~ re && $2 !~ /:<none>$/ {print $2}' <<<"$rows")
      fi
    done
    ((${#ids[@]} + removed == 0)) ||
      log "podman: removed ${#ours_only[@]} of our images, our names from $((${#ids[@]} - ${#ours_only[@]})) shared ones and ${removed} containers made from them"
  fi
  local pid
  for pid in $(our_podman_pids); do stop_pid "podman service" "$pid" 15; done
  stop_old_podman_service
  if [[ -S "$PODMAN_SOCK" ]] && ! podman_answers; then rm -f "$PODMAN_SOCK"; fi
  rmdir "$(dirname "$PODMAN_SOCK")" 2>/dev/null || true
  rm -f "$PODMAN_PIDFILE" "$PODMAN_LOG"
  if command -v podman >/dev/null && [[ -d /var/lib/containers/storage ]]; then
    # The machine's default storage: reset it only when every listing worked and found nothing but
    # ours. A listing that fails (a damaged or upgraded store, for which reset is the usual cure) must
    # never read as "empty": then the user's own images would go with ours.
    local others="" listing out listed=1
    for listing in "podman ps -aq" "podman images -aq" "podman volume ls -q" "podman pod ps -q" \
      "podman secret ls --noheading --format {{.ID}}" "podman network ls --format {{.Name}}"; do
      if ! out=$($listing 2>>"$LOG"); then
        listed=""
        log "podman: '${listing}' failed; leaving /var/lib/containers/storage as it is"
        break
      fi
      [[ "$listing" == "podman network ls"* ]] && out=$(grep -vx podman <<<"$out" || true)
      others+=$out
    done
    if [[ -n "$listed" && -z "$others" ]]; then
      quiet podman system reset --force || true
      log "podman: storage held nothing else: reset (/var/lib/containers/storage)"
    else
      log "podman: /var/lib/containers/storage keeps containers, images, volumes or networks that are not ours: left as is"
    fi
  fi
}

down_slurm() {
  STEP="down: slurm"
  local prog pidfile pid p nss=() ns own left=()
  own=$(mount_ns self)
  for prog in slurmd slurmctld; do
    [[ "$prog" == slurmd ]] && pidfile=$SLURMD_PIDFILE || pidfile=$SLURMCTLD_PIDFILE
    for pid in $({ cat "$pidfile" 2>/dev/null || true; pids_matching "$prog" "-f ${SLURM_CONF_FILE}"; } | sort -un); do
      cmdline_matches "$pid" "$prog" "-f ${SLURM_CONF_FILE}" || continue
      if [[ "$prog" == slurmd ]] && ns=$(mount_ns "$pid") && [[ -n "$ns" && "$ns" != "$own" ]]; then
        nss+=("$ns")
      fi
      stop_pid "$prog" "$pid" 30
    done
    # what is left in slurmd's own mount namespace: job steps (slurmstepd ignores SIGTERM) and
    # their processes; with them, the namespace (and its tmpfs) goes
    if [[ "$prog" == slurmd ]] && ((${#nss[@]})); then
      for p in /proc/[0-9]*; do
        pid=${p#/proc/}
        ns=$(mount_ns "$pid") || continue
        [[ -n "$ns" && "$ns" != "$own" && " ${nss[*]} " == *" ${ns} "* ]] && left+=("$pid")
      done
      if ((${#left[@]})); then
        log "slurm: killing what is left in slurmd's mount namespace: pid $(describe_pids "${left[@]}")"
        kill -9 "${left[@]}" 2>/dev/null || true
        for pid in "${left[@]}"; do wait_until 10 gone "$pid" || die "pid ${pid} does not stop"; done
      fi
    fi
  done
  rm -f "$SLURMD_PIDFILE" "$SLURMCTLD_PIDFILE" "$SLURMD_LOG" "$SLURMCTLD_LOG" "$SLURM_CONF_FILE"
  remove_tree "$SLURM_STATE"
  remove_tree "$SLURM_UNSHARED_DIR"
  if [[ -f "$MUNGED_STARTED" ]]; then
    pid=$(cat "$MUNGED_STARTED")
    if [[ "$pid" =~ ^[0-9]+$ ]] && cmdline_matches "$pid" munged; then
      stop_pid "munged (started by this script)" "$pid" 15
    fi
    rm -f "$MUNGED_STARTED"
  fi
}

down_registries() {
  local port pid
  for port in "$REG_PORT" "$REG_AUTH_PORT"; do
    STEP="down: registry 127.0.0.1:${port}"
    for pid in $(pids_matching docker-registry "${CONF_DIR}/registry-${port}.yml"); do
      stop_pid "registry 127.0.0.1:${port}" "$pid" 15
    done
    rm -f "/run/exp-registry-${port}.pid" "/var/log/exp-registry-${port}.log"
  done
  remove_tree "$STATE_DIR"
}

down() {
  ((EUID == 0)) || die "must run as root"
  local started=$SECONDS d
  mkdir -p "$(dirname "$LOG")"
  LOG_START=$(stat -c %s "$LOG" 2>/dev/null || echo 0)
  echo "=== $(date -u +%FT%TZ) test-engine.sh --down (pid $$)" >>"$LOG"
  LOG_OPENED=1
  STEP="down: lock"
  take_lock
  down_slurm
  down_docker
  down_podman
  down_registries
  STEP="down: files"
  if [[ -e "$CACHE_DIR" ]]; then
    log "removing ${CACHE_DIR} ($(du -sh "$CACHE_DIR" 2>/dev/null | cut -f1))"
    remove_tree "$CACHE_DIR"
  fi
  remove_old_global_files
  remove_tree "$CONF_DIR"
  for d in /tmp/exp-tiny.* /tmp/exp-docker-config.* /tmp/exp-apt.* /tmp/exp-jupyter.*; do remove_tree "$d"; done
  STEP="done"
  log "down in $((SECONDS - started)) s: engines, registries, images, slurm and files removed; installed packages stay"
  LOG_OPENED=""
  rm -f "$ENV_FILE" "$LOG" "$LOCK"
}

# ------------------------------------------------------------------------------------ main

main() {
  STEP="arguments"
  while (($#)); do
    case $1 in
      --down) ACTION=down ;;
      --engines) [[ $# -ge 2 ]] || { usage; exit 2; }; ENGINES=$2; shift ;;
      --engines=*) ENGINES=${1#--engines=} ;;
      -h | --help) usage; exit 0 ;;
      *) usage; echo "unknown argument: $1" >&2; exit 2 ;;
    esac
    shift
  done
  # a comma-separated list of podman, docker and slurm, in any order (both: the two engines;
  # all: everything, as without --engines), kept in that order
  local e wanted=() known=(podman docker slurm)
  case $ENGINES in
    both) ENGINES=podman,docker ;;
    all) ENGINES=podman,docker,slurm ;;
  esac
  IFS=, read -ra wanted <<<"$ENGINES"
  ((${#wanted[@]})) || { usage; echo "--engines: empty" >&2; exit 2; }
  for e in "${wanted[@]}"; do
    [[ " ${known[*]} " == *" ${e} "* ]] ||
      { usage; echo "--engines: podman, docker and/or slurm, comma-separated, not '${ENGINES}'" >&2; exit 2; }
  done
  wanted=()
  for e in "${known[@]}"; do if has_engine "$e"; then wanted+=("$e"); fi; done
  ENGINES=$(IFS=,; echo "${wanted[*]}")
  if [[ "$ACTION" == down ]]; then
    down
    return 0
  fi
  ((EUID == 0)) || die "must run as root"
  mkdir -p "$(dirname "$LOG")" "$CACHE_DIR" "$STATE_DIR" "$CONF_DIR"
  LOG_START=$(stat -c %s "$LOG" 2>/dev/null || echo 0)
  echo "=== $(date -u +%FT%TZ) test-engine.sh --engines ${ENGINES} (pid $$)" >>"$LOG"
  LOG_OPENED=1
  STEP="lock"
  take_lock
  provision
}

main "$@"
