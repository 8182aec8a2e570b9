#!/usr/bin/env bash
# A local multi-process LegoEmu cluster: 1 GMM, mComponents, 1 sComponent, pComponents, each its own JVM (through
# scripts/lego), all listening on 127.0.0.1 (port 0: each daemon picks a free port and prints it), authenticated with
# a secret made by 'lego keygen'. Logs, pid files, the secret and the sComponent's root live under the run directory.
#
#   scripts/cluster.sh start  [--dir RUNDIR] [--pcomponents N] [--mcomponents N] [--memory SIZE] [--excache SIZE]
#   scripts/cluster.sh status [--dir RUNDIR] [--json]
#   scripts/cluster.sh stop   [--dir RUNDIR]
#
# RUNDIR defaults to ./lego-cluster. 'stop' signals exactly the processes whose pid files 'start' wrote (SIGTERM, then
# SIGKILL after 10 s), pComponents first and the GMM last.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
lego="$here/lego"

usage() {
  sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

[ $# -ge 1 ] || usage
action=$1
shift
dir=./lego-cluster
pcomponents=2
mcomponents=2
memory=1GiB
excache=64MiB
json=()
while [ $# -gt 0 ]; do
  case $1 in
    --dir) dir=${2:?--dir needs a directory}; shift 2 ;;
    --pcomponents) pcomponents=${2:?}; shift 2 ;;
    --mcomponents) mcomponents=${2:?}; shift 2 ;;
    --memory) memory=${2:?}; shift 2 ;;
    --excache) excache=${2:?}; shift 2 ;;
    --json) json=(--json); shift ;;
    -h|--help) usage ;;
    *) echo "cluster.sh: unknown option $1" >&2; usage ;;
  esac
done
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
key="$dir/cluster.key"
pids="$dir/pids"
logs="$dir/logs"

# alive PIDFILE: true if the pid in the file is a running lego process (scripts/lego, which execs java -jar lego.jar)
alive() {
  local pid
  pid=$(cat "$1" 2>/dev/null) || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -Eq 'lego\.jar|/lego '
}

# address NAME: waits (30 s) for the daemon's "listening on HOST:PORT" line and prints HOST:PORT
address() {
  local name=$1 i
  for i in $(seq 1 300); do
    if grep -q 'listening on ' "$logs/$name.log" 2>/dev/null; then
      sed -n 's/.*listening on \([^ ]*\).*/\1/p' "$logs/$name.log" | head -n 1
      return 0
    fi
    if ! alive "$pids/$name.pid"; then
      echo "cluster.sh: $name did not start; its log ($logs/$name.log) ends with:" >&2
      tail -n 5 "$logs/$name.log" >&2
      return 1
    fi
    sleep 0.1
  done
  echo "cluster.sh: $name printed no address within 30 s; see $logs/$name.log" >&2
  return 1
}

# launch NAME ARGS...: starts one daemon in the background, its output in logs/NAME.log, its pid in pids/NAME.pid
launch() {
  local name=$1
  shift
  nohup "$lego" "$@" --secret-file "$key" > "$logs/$name.log" 2>&1 < /dev/null &
  echo $! > "$pids/$name.pid"
}

start() {
  mkdir -p "$pids" "$logs" "$dir/root/bin"
  for f in "$pids"/*.pid; do
    if [ -e "$f" ] && alive "$f"; then
      echo "cluster.sh: a cluster already runs from $dir ($(basename "$f" .pid) is pid $(cat "$f")); stop it first" >&2
      exit 1
    fi
  done
  rm -f "$pids"/*.pid
  if [ ! -f "$key" ]; then
    "$lego" keygen --out "$key" > /dev/null
  fi
  launch gmm gmm --listen 127.0.0.1:0
  local gmm
  gmm=$(address gmm) || { stop_all; exit 1; }
  echo "$gmm" > "$dir/gmm.address"
  local names=()
  for i in $(seq 1 "$mcomponents"); do
    launch "mcomponent-$i" mcomponent --gmm "$gmm" --listen 127.0.0.1:0 --memory "$memory"
    names+=("mcomponent-$i")
  done
  launch scomponent scomponent --gmm "$gmm" --listen 127.0.0.1:0 --root "$dir/root"
  names+=(scomponent)
  for i in $(seq 1 "$pcomponents"); do
    launch "pcomponent-$i" pcomponent --gmm "$gmm" --listen 127.0.0.1:0 --excache "$excache"
    names+=("pcomponent-$i")
  done
  for name in "${names[@]}"; do
    address "$name" > /dev/null || { stop_all; exit 1; }
  done
  cat <<EOT
LegoEmu cluster running: GMM at $gmm, $mcomponents mComponents, 1 sComponent, $pcomponents pComponents.
  run directory   $dir (logs/, pids/, cluster.key)
  sComponent root $dir/root (the guests' /)

Copy a guest in and run it:
  scripts/lego put  --gmm $gmm --secret-file $key emulator/guests/bin/wordcount /bin/
  scripts/lego put  --gmm $gmm --secret-file $key /usr/share/common-licenses/GPL-3 /GPL-3
  scripts/lego exec --gmm $gmm --secret-file $key -- /bin/wordcount /GPL-3
  scripts/cluster.sh status --dir $dir
  scripts/cluster.sh stop --dir $dir
EOT
}

# stop_all: SIGTERM to every process of a pid file (pComponents first, GMM last), SIGKILL after 10 s
stop_all() {
  local order=() f
  for f in "$pids"/pcomponent-*.pid "$pids"/scomponent.pid "$pids"/mcomponent-*.pid "$pids"/gmm.pid; do
    [ -e "$f" ] && order+=("$f")
  done
  local stopped=0
  for f in "${order[@]}"; do
    if alive "$f"; then
      kill -TERM "$(cat "$f")" 2>/dev/null || true
      stopped=$((stopped + 1))
      # pComponents and the sComponent go first so that they deregister while the GMM still runs
      if [[ $f == */gmm.pid ]]; then :; else
        for _ in $(seq 1 100); do alive "$f" || break; sleep 0.1; done
      fi
    fi
  done
  for f in "${order[@]}"; do
    for _ in $(seq 1 100); do alive "$f" || break; sleep 0.1; done
    if alive "$f"; then
      echo "cluster.sh: $(basename "$f" .pid) (pid $(cat "$f")) ignored SIGTERM for 10 s; sending SIGKILL" >&2
      kill -KILL "$(cat "$f")" 2>/dev/null || true
    fi
    rm -f "$f"
  done
  echo "cluster.sh: stopped $stopped processes"
}

case $action in
  start) start ;;
  stop)
    if [ ! -d "$pids" ]; then echo "cluster.sh: no cluster in $dir" >&2; exit 1; fi
    stop_all ;;
  status)
    if [ ! -f "$dir/gmm.address" ]; then echo "cluster.sh: no cluster in $dir" >&2; exit 1; fi
    exec "$lego" status --gmm "$(cat "$dir/gmm.address")" --secret-file "$key" "${json[@]}" ;;
  *) usage ;;
esac
