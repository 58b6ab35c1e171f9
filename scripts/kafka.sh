#!/usr/bin/env bash
# Local single-node Apache Kafka broker (KRaft, no ZooKeeper) for Beckon dev, tests and CI.
#
#   bash scripts/kafka.sh start    fetch (once), format (once), launch, wait until ready
#   bash scripts/kafka.sh stop     stop the broker started by this script
#   bash scripts/kafka.sh restart  stop + start
#   bash scripts/kafka.sh status   exit 0 if the broker port answers, 1 otherwise
#   bash scripts/kafka.sh fetch    only download the jars (infra/kafka/pom.xml) into the cache
#   bash scripts/kafka.sh config   only render the broker's config (config/kafka/) into the cache
#   bash scripts/kafka.sh logs     tail the broker log
#
# The broker runs from the jars Maven resolves for infra/kafka/pom.xml at the version pinned in
# config/kafka/version; nothing is downloaded except through Maven (Central). Its configuration is
# rendered from config/kafka/{server,log4j}.properties. Everything else lives outside git in
#   ${BECKON_KAFKA_HOME:-$HOME/.cache/beckon/kafka-<version>}/{libs,config,data,logs}
#
# Environment:
#   BECKON_KAFKA_HOME      cache/home directory (see above)
#   KAFKA_PORT             PLAINTEXT listener port            (default 9092)
#   KAFKA_CONTROLLER_PORT  KRaft controller listener port     (default 9093)
#   KAFKA_HEAP_OPTS        JVM heap options                   (default -Xms256m -Xmx1g)
#   KAFKA_START_TIMEOUT    seconds to wait for readiness      (default 90)
#   JAVA_HOME / MVN        java and maven to use              (default: from PATH)
set -euo pipefail

HOST=127.0.0.1

SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_ROOT="$(cd -- "$SCRIPT_DIR/.." && pwd -P)"
POM="$REPO_ROOT/infra/kafka/pom.xml"
CONFIG_TEMPLATES="$REPO_ROOT/config/kafka"
# The one pin of the Kafka version (docker-compose.yml's image tag is held to it by a unit test).
KAFKA_VERSION="$(tr -d '[:space:]' <"$CONFIG_TEMPLATES/version")"
[[ "$KAFKA_VERSION" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || {
  printf '[kafka] ERROR: %s holds "%s", not a version such as 3.9.1\n' "$CONFIG_TEMPLATES/version" "$KAFKA_VERSION" >&2
  exit 1
}

KAFKA_HOME="${BECKON_KAFKA_HOME:-${HOME:-/tmp}/.cache/beckon/kafka-$KAFKA_VERSION}"
LIBS_DIR="$KAFKA_HOME/libs"
CONFIG_DIR="$KAFKA_HOME/config"
DATA_DIR="$KAFKA_HOME/data"
LOGS_DIR="$KAFKA_HOME/logs"
LOG_DIRS="$DATA_DIR/kraft-combined-logs"   # also holds the __cluster_metadata log + meta.properties
PROPS="$CONFIG_DIR/server.properties"
LOG4J_PROPS="$CONFIG_DIR/log4j.properties"
CLUSTER_ID_FILE="$CONFIG_DIR/cluster.id"
PID_FILE="$KAFKA_HOME/kafka.pid"
LOCK_FILE="$KAFKA_HOME/.lock"
FETCH_MARKER="$LIBS_DIR/.fetched"
SERVER_LOG="$LOGS_DIR/server.log"
STDOUT_LOG="$LOGS_DIR/kafka.out"

KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx1g}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
MVN="${MVN:-mvn}"
if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then JAVA="$JAVA_HOME/bin/java"; else JAVA=java; fi

READY_PATTERN='Kafka Server started'

log() { printf '[kafka] %s\n' "$*"; }
die() { printf '[kafka] ERROR: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------

# port_open PORT -> 0 if something accepts TCP connections on $HOST:PORT
port_open() {
  local port="$1"
  if command -v timeout >/dev/null 2>&1; then
    timeout 2 bash -c "exec 3<>/dev/tcp/$HOST/$port" >/dev/null 2>&1
  else
    (exec 3<>"/dev/tcp/$HOST/$port") >/dev/null 2>&1
  fi
}

# our_pid -> prints the pid from the pid file if that process is alive and is our broker
our_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(tr -dc '0-9' <"$PID_FILE")"
  [[ -n "$pid" ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  # guard against pid reuse: the process must be a kafka.Kafka JVM using our config
  if [[ -r "/proc/$pid/cmdline" ]]; then
    local cmd
    cmd="$(tr '\0' ' ' <"/proc/$pid/cmdline")"
    [[ "$cmd" == *kafka.Kafka* && "$cmd" == *"$PROPS"* ]] || return 1
  fi
  printf '%s\n' "$pid"
}

# with_lock CMD... -> run CMD while holding an exclusive lock on the cache (concurrent starts,
# e.g. two CI steps or `npm test` + `npm run bench`, must not fetch/format/launch twice)
with_lock() {
  mkdir -p "$KAFKA_HOME"
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$LOCK_FILE"
    if ! flock -w 300 9; then die "could not acquire $LOCK_FILE within 300 s"; fi
  fi
  "$@"
}

# what the jars in libs/ were fetched for: the pom and the version it was given
fetch_fingerprint() { { cat "$POM"; printf 'kafka.version=%s\n' "$KAFKA_VERSION"; } | sha256sum | cut -d' ' -f1; }

libs_ready() {
  [[ -f "$FETCH_MARKER" ]] && [[ "$(cat "$FETCH_MARKER")" == "$(fetch_fingerprint)" ]]
}

# ---------------------------------------------------------------------------------------------
# fetch
# ---------------------------------------------------------------------------------------------
do_fetch() {
  [[ -f "$POM" ]] || die "missing $POM"
  if libs_ready; then
    log "jars already present in $LIBS_DIR (marker $FETCH_MARKER)"
    return 0
  fi
  command -v "$MVN" >/dev/null 2>&1 || die "maven ('$MVN') not found on PATH; it is needed once to fetch the Kafka jars"
  mkdir -p "$KAFKA_HOME" "$LOGS_DIR"
  local tmp="$KAFKA_HOME/libs.tmp.$$" mvn_log="$LOGS_DIR/fetch.log" t0=$SECONDS
  rm -rf "$tmp"
  log "fetching Kafka $KAFKA_VERSION jars with Maven into $LIBS_DIR ..."
  if ! "$MVN" -q -B -Dstyle.color=never -f "$POM" dependency:copy-dependencies -Dkafka.version="$KAFKA_VERSION" \
        -DincludeScope=runtime -DoutputDirectory="$tmp" </dev/null >"$mvn_log" 2>&1; then
    cat "$mvn_log" >&2 || true
    rm -rf "$tmp"
    die "maven failed to fetch the Kafka jars (see above / $mvn_log)"
  fi
  # sanity check: the broker needs all of these on its classpath
  local jar missing=()
  for jar in "kafka_2.13-$KAFKA_VERSION" "kafka-clients-$KAFKA_VERSION" "kafka-server-$KAFKA_VERSION" \
             "kafka-server-common-$KAFKA_VERSION" "kafka-metadata-$KAFKA_VERSION" "kafka-raft-$KAFKA_VERSION" \
             "kafka-storage-$KAFKA_VERSION" "kafka-group-coordinator-$KAFKA_VERSION" \
             "kafka-transaction-coordinator-$KAFKA_VERSION" "kafka-tools-$KAFKA_VERSION" \
             scala-library jackson-databind jackson-module-scala reload4j slf4j-api slf4j-reload4j; do
    compgen -G "$tmp/$jar*.jar" >/dev/null || missing+=("$jar")
  done
  if ((${#missing[@]})); then
    rm -rf "$tmp"
    die "incomplete classpath after fetch, missing: ${missing[*]}"
  fi
  rm -rf "$LIBS_DIR"
  mv "$tmp" "$LIBS_DIR"
  fetch_fingerprint >"$FETCH_MARKER"
  log "fetched $(find "$LIBS_DIR" -name '*.jar' | wc -l) jars ($(du -sh "$LIBS_DIR" | cut -f1)) in $((SECONDS - t0)) s"
}

# ---------------------------------------------------------------------------------------------
# config + format
# ---------------------------------------------------------------------------------------------
# render_config TEMPLATE DEST NAME... -> TEMPLATE with each ${NAME} replaced by the value of $NAME
# (other ${...}, such as log4j's ${kafka.logs.dir}, are left for the program that reads DEST)
render_config() {
  local template="$1" dest="$2" text name
  shift 2
  [[ -f "$template" ]] || die "missing $template"
  text="$(<"$template")"
  for name in "$@"; do
    text="${text//"\${$name}"/"${!name}"}"
  done
  if [[ "$text" =~ \$\{[A-Z_]+\} ]]; then die "$template: nothing fills in ${BASH_REMATCH[0]}"; fi
  printf '# Rendered by scripts/kafka.sh from %s on every start -- edit that file, not this one.\n%s\n' \
    "${template#"$REPO_ROOT/"}" "$text" >"$dest"
}

write_config() {
  mkdir -p "$CONFIG_DIR" "$DATA_DIR" "$LOGS_DIR" "$LOG_DIRS"
  render_config "$CONFIG_TEMPLATES/server.properties" "$PROPS" HOST KAFKA_PORT KAFKA_CONTROLLER_PORT LOG_DIRS
  render_config "$CONFIG_TEMPLATES/log4j.properties" "$LOG4J_PROPS"
}

cluster_id() {
  local meta="$LOG_DIRS/meta.properties" id=""
  if [[ -f "$meta" ]]; then
    id="$(sed -n 's/^cluster\.id=//p' "$meta" | head -n1)"
  fi
  if [[ -z "$id" && -s "$CLUSTER_ID_FILE" ]]; then
    id="$(head -n1 "$CLUSTER_ID_FILE")"
  fi
  # A Kafka Uuid: 16 random bytes, base64url without padding (22 chars). Like Kafka's own
  # Uuid.randomUuid, never one that starts with '-': the storage tool would read it as an option.
  while [[ -z "$id" || "$id" == -* ]]; do
    id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
  done
  printf '%s\n' "$id" >"$CLUSTER_ID_FILE"
  printf '%s\n' "$id"
}

format_storage() {
  if [[ -f "$LOG_DIRS/meta.properties" ]]; then
    log "storage already formatted ($LOG_DIRS/meta.properties)"
    return 0
  fi
  local id
  id="$(cluster_id)"
  log "formatting KRaft storage in $LOG_DIRS (cluster id $id) ..."
  local out
  if ! out="$("$JAVA" -Xmx256m -Dlog4j.configuration="file:$LOG4J_PROPS" -Dkafka.logs.dir="$LOGS_DIR" \
               -cp "$LIBS_DIR/*" kafka.tools.StorageTool format -t "$id" -c "$PROPS" </dev/null 2>&1)"; then
    printf '%s\n' "$out" >&2
    die "kafka-storage format failed"
  fi
  printf '%s\n' "$out" | sed 's/^/[kafka]   /'
  [[ -f "$LOG_DIRS/meta.properties" ]] || die "format did not create $LOG_DIRS/meta.properties"
}

# ---------------------------------------------------------------------------------------------
# start / stop / status
# ---------------------------------------------------------------------------------------------
print_log_tail() {
  local f
  for f in "$STDOUT_LOG" "$SERVER_LOG"; do
    if [[ -s "$f" ]]; then
      echo "----- last 60 lines of $f -----" >&2
      tail -n 60 "$f" >&2 || true
    fi
  done
}

wait_ready() {
  local pid="$1" deadline=$((SECONDS + KAFKA_START_TIMEOUT))
  while ((SECONDS < deadline)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      print_log_tail
      rm -f "$PID_FILE"
      die "broker process $pid exited during startup"
    fi
    if port_open "$KAFKA_PORT" && grep -q "$READY_PATTERN" "$SERVER_LOG" 2>/dev/null; then
      return 0
    fi
    sleep 0.5
  done
  print_log_tail
  die "broker (pid $pid) not ready on $HOST:$KAFKA_PORT after ${KAFKA_START_TIMEOUT} s"
}

start_locked() {
  # re-check under the lock: a concurrent `start` may have finished meanwhile
  if port_open "$KAFKA_PORT"; then
    log "already running: something answers on $HOST:$KAFKA_PORT"
    return 0
  fi
  local pid t0=$SECONDS
  if pid="$(our_pid)"; then
    # launched earlier (e.g. by an interrupted `start`) but not answering yet: wait for it
    log "broker pid $pid is alive but $HOST:$KAFKA_PORT is not answering yet; waiting ..."
    wait_ready "$pid"
    log "ready on $HOST:$KAFKA_PORT (pid $pid)"
    return 0
  fi
  rm -f "$PID_FILE"

  command -v "$JAVA" >/dev/null 2>&1 || die "java not found (set JAVA_HOME or put java on PATH)"
  if port_open "$KAFKA_CONTROLLER_PORT"; then
    die "controller port $HOST:$KAFKA_CONTROLLER_PORT is already in use by another process (set KAFKA_CONTROLLER_PORT)"
  fi

  do_fetch
  write_config
  format_storage

  # fresh log per launch so readiness detection only sees this run
  [[ -f "$SERVER_LOG" ]] && mv -f "$SERVER_LOG" "$SERVER_LOG.prev"
  [[ -f "$STDOUT_LOG" ]] && mv -f "$STDOUT_LOG" "$STDOUT_LOG.prev"

  local -a jvm_opts
  # shellcheck disable=SC2206 # KAFKA_HEAP_OPTS is intentionally word-split
  jvm_opts=($KAFKA_HEAP_OPTS
    -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35
    -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true
    "-Dlog4j.configuration=file:$LOG4J_PROPS" "-Dkafka.logs.dir=$LOGS_DIR")

  log "starting Kafka $KAFKA_VERSION (KRaft) on $HOST:$KAFKA_PORT (controller $HOST:$KAFKA_CONTROLLER_PORT) ..."
  local launcher=(nohup)
  command -v setsid >/dev/null 2>&1 && launcher+=(setsid)
  # stdin/stdout/stderr detached and the lock fd closed, so callers (CI steps, npm scripts,
  # child_process.exec) never wait on the broker and the lock is released when we exit
  "${launcher[@]}" "$JAVA" "${jvm_opts[@]}" -cp "$LIBS_DIR/*" kafka.Kafka "$PROPS" \
    </dev/null >"$STDOUT_LOG" 2>&1 9>&- &
  pid=$!
  echo "$pid" >"$PID_FILE"

  wait_ready "$pid"
  log "ready on $HOST:$KAFKA_PORT (pid $pid, took $((SECONDS - t0)) s; logs: $SERVER_LOG)"
}

cmd_start() {
  if port_open "$KAFKA_PORT"; then
    local pid
    if pid="$(our_pid)"; then
      log "already running on $HOST:$KAFKA_PORT (pid $pid)"
    else
      log "already running: something answers on $HOST:$KAFKA_PORT (not started by this script)"
    fi
    return 0
  fi
  with_lock start_locked
}

cmd_stop() {
  local pid
  if ! pid="$(our_pid)"; then
    rm -f "$PID_FILE"
    if port_open "$KAFKA_PORT"; then
      log "not stopped: $HOST:$KAFKA_PORT is answering but was not started by this script (no live pid in $PID_FILE)"
      return 1
    fi
    log "not running"
    return 0
  fi
  log "stopping broker (pid $pid) ..."
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + 60))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.5; done
  if kill -0 "$pid" 2>/dev/null; then
    log "broker did not stop within 60 s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
  fi
  rm -f "$PID_FILE"
  log "stopped"
}

cmd_status() {
  local pid=""
  pid="$(our_pid)" || pid=""
  if port_open "$KAFKA_PORT"; then
    if [[ -n "$pid" ]]; then
      log "running on $HOST:$KAFKA_PORT (pid $pid, home $KAFKA_HOME)"
    else
      log "running: something answers on $HOST:$KAFKA_PORT (not started by this script)"
    fi
    return 0
  fi
  if [[ -n "$pid" ]]; then
    log "starting or unhealthy: pid $pid alive but $HOST:$KAFKA_PORT not answering"
  else
    log "not running (home $KAFKA_HOME)"
  fi
  return 1
}

usage() {
  sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

main() {
  local cmd="${1:-}"
  case "$cmd" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    restart) cmd_stop && cmd_start ;;
    status) cmd_status ;;
    fetch) with_lock do_fetch ;;
    config) with_lock write_config ;;
    logs) tail -n "${2:-100}" "$SERVER_LOG" ;;
    -h | --help | help) usage ;;
    *) usage >&2; exit 2 ;;
  esac
}

main "$@"
