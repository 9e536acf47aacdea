#!/usr/bin/env bash
# Leian's local Elasticsearch: a real node for development and CI, without Docker.
#
#   scripts/es.sh up [--port P] [--timeout S]   start one node on 127.0.0.1:P (default 9200); idempotent
#   scripts/es.sh down [--port P]               stop that node (its data stays under .es/ for the next `up`)
#   scripts/es.sh status [--port P]             print the node's cluster health, exit 1 when none answers
#   scripts/es.sh cluster up|down|status        a 3-node loopback cluster (HTTP 9250-9252) for failover tests
#   scripts/es.sh cluster pid N                 pid of cluster node N (0..2), so a test can SIGKILL it
#   scripts/es.sh cluster url N                 http://127.0.0.1:<port of node N>
#
# The server is the minimal `integ-test-zip` distribution that Elastic publishes on Maven Central
# (org.elasticsearch.distribution.integ-test-zip:elasticsearch:<version>:zip); it is fetched with Maven on
# first use (Maven's ~/.m2 cache makes later fetches instant) and unpacked under .es/ (git-ignored).
# Elasticsearch refuses to run as root, so as root the node runs as the unprivileged system user `leian-es`.
#
# Environment: LEIAN_ES_VERSION (default below), ES_JAVA_HOME (else the best installed JDK is chosen),
# LEIAN_ES_HEAP (default 512m), LEIAN_ES_CLUSTER_PORT (first HTTP port of the cluster, default 9250),
# LEIAN_ES_USER (default leian-es).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# No 9.x integ-test-zip is published on Maven Central, so the server (and the Python client pin) stay on 8.x.
ES_VERSION="${LEIAN_ES_VERSION:-8.19.21}"
ES_BASE="$ROOT/.es"
ES_HOME="$ES_BASE/dist/elasticsearch-$ES_VERSION"
ES_USER="${LEIAN_ES_USER:-leian-es}"
HEAP="${LEIAN_ES_HEAP:-512m}"
CLUSTER_PORT="${LEIAN_ES_CLUSTER_PORT:-9250}"
CLUSTER_SIZE=3
ARTIFACT="org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip"
CENTRAL="https://repo1.maven.org/maven2/org/elasticsearch/distribution/integ-test-zip/elasticsearch"

log() { printf 'es.sh: %s\n' "$*" >&2; }
die() { printf 'es.sh: error: %s\n' "$*" >&2; exit 1; }

answers() {  # does an Elasticsearch node answer on this port? (the minimal distribution has no `GET /`)
    curl -sf --max-time 2 "http://127.0.0.1:$1/_cluster/health" 2>/dev/null | grep -q '"cluster_name"'
}

find_java() {
    # ES 8.x runs on Java 17+ (it ships no JDK in this distribution). Prefer an LTS the release was tested on
    # (21, then 17) over the newest JDK, whose removed Security Manager 8.x only partly supports.
    if [[ -n "${ES_JAVA_HOME:-}" ]]; then echo "$ES_JAVA_HOME"; return; fi
    local want candidates=()
    for want in 21 17; do
        candidates+=(/usr/lib/jvm/*-"$want"-* /usr/lib/jvm/*"$want"*jdk* /opt/*jdk*"$want"* /opt/java/*"$want"*)
    done
    candidates+=(/usr/lib/jvm/* /opt/java/*)
    local c
    for c in "${candidates[@]}"; do
        if [[ -x "$c/bin/java" ]]; then echo "$c"; return; fi
    done
    if command -v java >/dev/null; then
        dirname "$(dirname "$(readlink -f "$(command -v java)")")"; return
    fi
    die "no Java found: install a JDK 17+ (e.g. apt-get install openjdk-17-jre-headless) or set ES_JAVA_HOME"
}

fetch() {  # download and unpack the distribution once
    [[ -x "$ES_HOME/bin/elasticsearch" ]] && return
    local dl="$ES_BASE/download" zip
    mkdir -p "$dl" "$ES_BASE/dist"
    zip="$dl/elasticsearch-$ES_VERSION.zip"
    if [[ ! -s "$zip" ]]; then
        if command -v mvn >/dev/null; then
            log "fetching $ARTIFACT with Maven"
            mvn -q -B -Dstyle.color=never org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy \
                -Dartifact="$ARTIFACT" -DoutputDirectory="$dl" -Dmdep.overWriteIfNewer=true >"$dl/mvn.log" 2>&1 \
                || { tail -n 30 "$dl/mvn.log" >&2; die "Maven could not fetch $ARTIFACT (is Maven Central reachable?)"; }
        else
            # Same artifact, same registry; verify the published SHA-1 since Maven is not doing it for us.
            log "Maven not found; fetching $ARTIFACT from Maven Central with curl"
            curl -sfL --retry 3 -o "$zip.part" "$CENTRAL/$ES_VERSION/elasticsearch-$ES_VERSION.zip" \
                || die "could not download $ARTIFACT"
            local want got
            want="$(curl -sfL --retry 3 "$CENTRAL/$ES_VERSION/elasticsearch-$ES_VERSION.zip.sha1" | cut -c1-40)"
            got="$(sha1sum "$zip.part" | cut -c1-40)"
            [[ "$want" == "$got" ]] || die "checksum mismatch for $zip ($got != $want)"
            mv "$zip.part" "$zip"
        fi
    fi
    log "unpacking $(basename "$zip")"
    rm -rf "$ES_HOME.part" && mkdir -p "$ES_HOME.part"
    unzip -q "$zip" -d "$ES_HOME.part"
    mv "$ES_HOME.part/elasticsearch-$ES_VERSION" "$ES_HOME" && rmdir "$ES_HOME.part"
    chmod -R a+rX "$ES_HOME"
    rm -f "$zip"  # Maven's ~/.m2 keeps a copy; no need for a second 100 MB one here
}

ensure_user() {  # Elasticsearch refuses root: run it as an unprivileged system user
    [[ "$(id -u)" -ne 0 ]] && return
    if ! id "$ES_USER" >/dev/null 2>&1; then
        useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$ES_USER" 2>/dev/null \
            || id "$ES_USER" >/dev/null 2>&1 || die "could not create the system user $ES_USER"
    fi
    # The checkout must be reachable by that user (it is not under a 0700 home such as /root).
    runuser -u "$ES_USER" -- test -x "$ES_HOME/bin/elasticsearch" \
        || die "user $ES_USER cannot reach $ES_HOME: make the directories above it world-executable (chmod o+x)"
}

as_es() {  # run a command as the node's user (or as ourselves when we are not root)
    if [[ "$(id -u)" -eq 0 ]]; then runuser -u "$ES_USER" -- "$@"; else "$@"; fi
}

# start_node DIR NAME HTTP_PORT TRANSPORT_PORT CLUSTER_NAME EXTRA_YAML
start_node() {
    local dir="$1" name="$2" http="$3" transport="$4" cluster="$5" extra="$6"
    mkdir -p "$dir/data" "$dir/logs" "$dir/tmp"
    rm -rf "$dir/config" && cp -r "$ES_HOME/config" "$dir/config"
    cat >"$dir/config/elasticsearch.yml" <<EOF
# Written by scripts/es.sh; rewritten on every start.
cluster.name: $cluster
node.name: $name
path.data: $dir/data
path.logs: $dir/logs
network.host: 127.0.0.1
http.port: $http
transport.port: $transport
# A development node: no TLS or users, and no refusal to write when the disk is nearly full.
xpack.security.enabled: false
cluster.routing.allocation.disk.threshold_enabled: false
# vm.max_map_count is often too low on CI machines and cannot be raised in containers.
node.store.allow_mmap: false
action.destructive_requires_name: false
$extra
EOF
    # gc.log and hs_err files are relative to the working directory in the stock jvm.options; keep them in logs/.
    sed -i -e "s#file=gc.log#file=$dir/logs/gc.log#" -e "s#ErrorFile=hs_err#ErrorFile=$dir/logs/hs_err#" \
        "$dir/config/jvm.options"
    printf -- '-Xms%s\n-Xmx%s\n' "$HEAP" "$HEAP" >"$dir/config/jvm.options.d/leian-heap.options"
    [[ "$(id -u)" -eq 0 ]] && chown -R "$ES_USER:" "$dir"
    rm -f "$dir/es.pid"
    local java
    java="$(find_java)"
    log "starting $name on 127.0.0.1:$http (Elasticsearch $ES_VERSION, Java $java)"
    (cd "$dir/logs" && as_es env ES_JAVA_HOME="$java" ES_PATH_CONF="$dir/config" ES_TMPDIR="$dir/tmp" \
        ES_JAVA_OPTS="${ES_JAVA_OPTS:-}" "$ES_HOME/bin/elasticsearch" -d -p "$dir/es.pid" \
        >"$dir/logs/startup.out" 2>&1) || {
        tail -n 40 "$dir/logs/startup.out" >&2
        die "Elasticsearch failed to start (see $dir/logs)"
    }
}

# wait_health PORT TIMEOUT WANT_NODES DIR...
wait_health() {
    local port="$1" timeout="$2" nodes="$3"; shift 3
    local deadline=$((SECONDS + timeout))
    while ((SECONDS < deadline)); do
        if curl -sf --max-time 5 \
            "http://127.0.0.1:$port/_cluster/health?wait_for_status=yellow&wait_for_nodes=$nodes&timeout=2s" \
            2>/dev/null | grep -q '"timed_out":false'; then
            return 0
        fi
        local d alive=0
        for d in "$@"; do [[ -s "$d/es.pid" ]] && kill -0 "$(cat "$d/es.pid")" 2>/dev/null && alive=1; done
        ((alive)) || break  # every JVM died: no point in waiting out the timeout
        sleep 1
    done
    local d
    for d in "$@"; do
        log "--- last lines of $d/logs ---"
        tail -n 30 "$d/logs/startup.out" "$d/logs/"*.log 2>/dev/null >&2 || true
    done
    die "no healthy Elasticsearch on 127.0.0.1:$port after ${timeout}s (log tails above)"
}

stop_node() {  # stop_node DIR: SIGTERM, then SIGKILL after 30 s
    local dir="$1" pid
    [[ -s "$dir/es.pid" ]] || return 0
    pid="$(cat "$dir/es.pid")"
    if kill -0 "$pid" 2>/dev/null; then
        log "stopping node in $dir (pid $pid)"
        kill "$pid" 2>/dev/null || true
        local i
        for i in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        kill -0 "$pid" 2>/dev/null && { log "pid $pid did not stop; killing it"; kill -9 "$pid" 2>/dev/null || true; }
    fi
    rm -f "$dir/es.pid"
}

with_lock() {  # serialise concurrent `up`s (parallel test runners, two shells)
    mkdir -p "$ES_BASE"
    exec 9>"$ES_BASE/.lock"
    flock -w 600 9 || die "another es.sh has held $ES_BASE/.lock for 10 minutes"
}

cmd_up() {
    local port=9200 timeout=180
    while (($#)); do
        case "$1" in
            --port) port="$2"; shift 2 ;;
            --timeout) timeout="$2"; shift 2 ;;
            *) die "unknown option for up: $1" ;;
        esac
    done
    if answers "$port"; then log "a node already answers on 127.0.0.1:$port"; return 0; fi
    with_lock
    if answers "$port"; then log "a node already answers on 127.0.0.1:$port"; return 0; fi
    fetch
    ensure_user
    local dir="$ES_BASE/node-$port"
    stop_node "$dir"  # a stale JVM still starting or wedged on this port's directory
    start_node "$dir" "leian-$port" "$port" "$((port + 100))" "leian-dev-$port" "discovery.type: single-node"
    wait_health "$port" "$timeout" 1 "$dir"
    log "ready: http://127.0.0.1:$port"
}

cmd_down() {
    local port=9200
    while (($#)); do
        case "$1" in
            --port) port="$2"; shift 2 ;;
            *) die "unknown option for down: $1" ;;
        esac
    done
    stop_node "$ES_BASE/node-$port"
    if answers "$port"; then log "warning: something still answers on 127.0.0.1:$port (not started by es.sh?)"; fi
}

cmd_status() {
    local port="${2:-9200}"
    [[ "${1:-}" == "--port" ]] || port=9200
    curl -sf --max-time 2 "http://127.0.0.1:$port/_cluster/health?pretty" \
        || { log "no node answers on 127.0.0.1:$port"; return 1; }
}

cluster_dir() { echo "$ES_BASE/cluster/node-$1"; }

cmd_cluster() {
    local sub="${1:-}"; shift || true
    local i dirs=() seeds="" masters=""
    for ((i = 0; i < CLUSTER_SIZE; i++)); do
        dirs+=("$(cluster_dir "$i")")
        seeds+="${seeds:+, }\"127.0.0.1:$((CLUSTER_PORT + 100 + i))\""
        masters+="${masters:+, }\"leian-ci-$i\""
    done
    case "$sub" in
        up)
            local timeout="${2:-240}"
            [[ "${1:-}" == "--timeout" ]] || timeout=240
            if answers "$CLUSTER_PORT" && curl -sf "http://127.0.0.1:$CLUSTER_PORT/_cat/nodes" | wc -l \
                | grep -qx "$CLUSTER_SIZE"; then
                log "the $CLUSTER_SIZE-node cluster already answers on 127.0.0.1:$CLUSTER_PORT"; return 0
            fi
            with_lock
            fetch
            ensure_user
            # A failover test leaves a broken cluster behind: always start from empty data directories.
            for i in "${!dirs[@]}"; do stop_node "${dirs[$i]}"; rm -rf "${dirs[$i]}"; done
            # Start the JVMs side by side: each `elasticsearch -d` blocks until its node is up (~15 s apiece).
            local pids=() failed=0
            for i in "${!dirs[@]}"; do
                start_node "${dirs[$i]}" "leian-ci-$i" "$((CLUSTER_PORT + i))" "$((CLUSTER_PORT + 100 + i))" \
                    leian-ci-cluster "discovery.seed_hosts: [$seeds]
cluster.initial_master_nodes: [$masters]" &
                pids+=($!)
            done
            for i in "${!pids[@]}"; do wait "${pids[$i]}" || failed=1; done
            ((failed == 0)) || { for i in "${!dirs[@]}"; do stop_node "${dirs[$i]}"; done; die "a cluster node failed to start"; }
            wait_health "$CLUSTER_PORT" "$timeout" "$CLUSTER_SIZE" "${dirs[@]}"
            log "ready: $CLUSTER_SIZE nodes on 127.0.0.1:$CLUSTER_PORT-$((CLUSTER_PORT + CLUSTER_SIZE - 1))"
            ;;
        down)
            for i in "${!dirs[@]}"; do stop_node "${dirs[$i]}"; done
            rm -rf "$ES_BASE/cluster"
            ;;
        status)
            curl -sf --max-time 2 "http://127.0.0.1:$CLUSTER_PORT/_cat/nodes?v" \
                || { log "no cluster answers on 127.0.0.1:$CLUSTER_PORT"; return 1; }
            ;;
        pid)
            [[ -s "${dirs[${1:?node number}]}/es.pid" ]] || die "cluster node $1 is not running"
            cat "${dirs[$1]}/es.pid"
            ;;
        url) echo "http://127.0.0.1:$((CLUSTER_PORT + ${1:?node number}))" ;;
        *) die "usage: es.sh cluster up [--timeout S] | down | status | pid N | url N" ;;
    esac
}

case "${1:-}" in
    up) shift; cmd_up "$@" ;;
    down) shift; cmd_down "$@" ;;
    status) shift; cmd_status "$@" ;;
    cluster) shift; cmd_cluster "$@" ;;
    *) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
