#!/usr/bin/env bash
# End-to-end test of the container: builds the image from docker/Dockerfile and starts docker/docker-compose.yml,
# as a user would, then talks to the published ports from the host; then docker/docker-compose.scale.yml, two
# replicas behind HAProxy, through its published port.
#
# Needs root and Debian's packages (docker.io docker-compose debootstrap iptables openssl), which it installs if
# missing.
# It starts its own Docker engine (own data directory and socket) and stops it by PID at the end. No registry is
# needed: the two base images the Dockerfile names by default, and the scale file's haproxy:2.6, are built here as
# stand-ins from Debian's packages (debootstrap) and tagged with those very names, so the unmodified files run on them.
#
# Skips (exit 0, with a message) only where the engine cannot be installed at all; fails on anything else.
# Run from anywhere:  bash docker/test-e2e.sh   (after `mvn -B -ntp verify`, which builds the client jar it uses)
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
build_image=maven:3.9-eclipse-temurin-17
runtime_image=eclipse-temurin:17-jre
client_jar="$repo/netty-client/target/netty-client.jar"
work=$(mktemp -d /tmp/uppercase-e2e.XXXXXX)
dockerd_pid=""
project=uppercase-e2e$$

say() { printf '[e2e] %s\n' "$*"; }
skip() { say "SKIPPED: $*"; exit 0; }

cleanup() {
    set +e
    if [ -n "$dockerd_pid" ]; then
        compose down --volumes --remove-orphans >/dev/null 2>&1
        scale down --volumes --remove-orphans >/dev/null 2>&1
        kill "$dockerd_pid" 2>/dev/null
        for _ in $(seq 60); do kill -0 "$dockerd_pid" 2>/dev/null || break; sleep 0.5; done
        kill -9 "$dockerd_pid" 2>/dev/null
        restore_firewall
    fi
    # containerd may leave mounts under the data directory
    grep " $work" /proc/mounts | awk '{print $2}' | sort -r | xargs -r -n1 umount -l 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

# dockerd adds iptables chains and NAT rules and leaves them when it stops; NAT turns on connection tracking for
# every connection on the machine, loopback included, and a full tracking table then drops packets (seen here: the
# benchmark kit's connection and UDP runs failed with EPERM after this test). So the firewall goes back as it was.
save_firewall() {
    for v in 4 6; do
        local save=iptables-save; [ $v = 6 ] && save=ip6tables-save
        command -v $save >/dev/null && $save >"$work/firewall.v$v" 2>/dev/null
    done
}
restore_firewall() {
    for v in 4 6; do
        local cmd=iptables; [ $v = 6 ] && cmd=ip6tables
        [ -f "$work/firewall.v$v" ] || continue
        for table in filter nat; do
            grep -q "^\*$table" "$work/firewall.v$v" && continue
            $cmd -t $table -F 2>/dev/null; $cmd -t $table -X 2>/dev/null # a table that was not there: empty it
            [ $table = filter ] && $cmd -P FORWARD ACCEPT 2>/dev/null
        done
        ${cmd}-restore <"$work/firewall.v$v" 2>/dev/null
    done
    ip link delete docker0 2>/dev/null
}

# --- the engine -------------------------------------------------------------------------------------------------
if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null && sudo -n true 2>/dev/null || skip "needs root to run a Docker engine"
    exec sudo -n -E bash "$0" "$@"
fi
missing=()
for pair in dockerd:docker.io docker-compose:docker-compose debootstrap:debootstrap iptables:iptables openssl:openssl; do
    command -v "${pair%%:*}" >/dev/null || [ -x "/usr/sbin/${pair%%:*}" ] || missing+=("${pair#*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    { apt-get install -y "${missing[@]}" || { apt-get update && apt-get install -y "${missing[@]}"; }; } \
        >"$work/apt.log" 2>&1 || { tail -5 "$work/apt.log"; skip "cannot install ${missing[*]} here"; }
fi
export PATH=/usr/sbin:/usr/bin:$PATH
docker() { /usr/bin/docker "$@"; } # Debian's client, matching its engine (another may come first on PATH)
compose() { docker-compose -p "$project" -f "$repo/docker/docker-compose.yml" "$@"; }
scale() { docker-compose -p "${project}scale" -f "$repo/docker/docker-compose.scale.yml" "$@"; }

export DOCKER_HOST="unix://$work/docker.sock"
save_firewall
say "starting dockerd in $work"
dockerd --data-root "$work/data" --exec-root "$work/exec" --pidfile "$work/dockerd.pid" \
    --host "$DOCKER_HOST" >"$work/dockerd.log" 2>&1 &
dockerd_pid=$!
for _ in $(seq 120); do docker info >/dev/null 2>&1 && break; kill -0 "$dockerd_pid" 2>/dev/null || break; sleep 0.5; done
docker info >/dev/null 2>&1 || { tail -20 "$work/dockerd.log"; say "FAILED: dockerd did not start"; exit 1; }

# --- stand-ins for the base images ------------------------------------------------------------------------------
mirror=$(grep -hoE '^URIs: *http[^ ]*/debian$' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1 | awk '{print $2}')
[ -n "$mirror" ] || mirror=$(grep -hoE '^deb +http[^ ]*/debian +bookworm' /etc/apt/sources.list 2>/dev/null | head -1 | awk '{print $2}')
[ -n "$mirror" ] || mirror=http://deb.debian.org/debian

stand_in() { # name, packages; then a function to finish the root file system
    local name=$1 packages=$2 finish=$3 root="$work/rootfs-${1//[:\/]/_}"
    say "building stand-in $name from Debian bookworm ($packages)"
    debootstrap --variant=minbase --include="$packages" bookworm "$root" "$mirror" >"$work/debootstrap.log" 2>&1 \
        || { tail -20 "$work/debootstrap.log"; say "FAILED: debootstrap for $name"; exit 1; }
    "$finish" "$root"
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
    tar -C "$root" -c . | docker import - "$name" >/dev/null
    rm -rf "$root"
}
# The public images trust the public CAs; this machine reaches Maven Central through the CAs the host trusts.
trust_host_cas() {
    cp /etc/ssl/certs/ca-certificates.crt "$1/etc/ssl/certs/ca-certificates.crt"
    if [ -f /etc/ssl/certs/java/cacerts ]; then
        mkdir -p "$1/etc/ssl/certs/java" && cp /etc/ssl/certs/java/cacerts "$1/etc/ssl/certs/java/cacerts"
    fi
}
nothing_to_finish() { :; }
stand_in "$build_image" openjdk-17-jdk-headless,maven,ca-certificates,ca-certificates-java trust_host_cas
stand_in "$runtime_image" openjdk-17-jre-headless nothing_to_finish

# --- the real compose file --------------------------------------------------------------------------------------
if ss -Hltun 2>/dev/null | awk '{print $5}' | grep -qE '(^|:)(12000|9100)$'; then
    say "FAILED: port 12000 or 9100 is in use on this host; the compose file publishes them"; exit 1
fi
say "docker-compose build and up"
compose build >"$work/build.log" 2>&1 || { tail -40 "$work/build.log"; say "FAILED: image build"; exit 1; }
compose up -d >"$work/up.log" 2>&1 || { cat "$work/up.log"; say "FAILED: compose up"; exit 1; }
container=$(compose ps -q server)

say "waiting for the healthcheck (a line in, its upper case out)"
for _ in $(seq 90); do
    state=$(docker inspect -f '{{.State.Health.Status}}' "$container")
    [ "$state" = healthy ] && break
    sleep 1
done
[ "$state" = healthy ] || { compose logs; say "FAILED: server is $state"; exit 1; }

fail() { compose logs --tail 50; say "FAILED: $*"; exit 1; }
# Docker's port forwarder accepts before the JVM listens: ready means a real answer, so these are real requests.
tcp=$(java -jar "$client_jar" --host 127.0.0.1 --port 12000 hello over tcp) || fail "TCP request"
[ "$tcp" = "HELLO OVER TCP" ] || fail "TCP reply was '$tcp'"
say "TCP through the published port: $tcp"
udp=$(java -jar "$client_jar" --udp --host 127.0.0.1 --port 12000 hello over udp) || fail "UDP request"
[ "$udp" = "HELLO OVER UDP" ] || fail "UDP reply was '$udp'"
say "UDP through the published port: $udp"

ready=$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:9100/health/ready 2>/dev/null || python3 -c \
    "import urllib.request;print(urllib.request.urlopen('http://127.0.0.1:9100/health/ready').status)")
[ "$ready" = 200 ] || fail "/health/ready answered '$ready'"
python3 -c "import urllib.request,sys;b=urllib.request.urlopen('http://127.0.0.1:9100/metrics').read().decode();sys.exit(0 if 'uppercase_lines_in_total' in b else 1)" \
    || fail "/metrics has no uppercase_lines_in_total"
say "metrics and health through the published port 9100: ready, /metrics scraped"

uid=$(docker exec "$container" id -u)
[ "$uid" != 0 ] || fail "the server runs as root"
say "the server runs as uid $uid"

demo=$(compose run --rm client hello from the client service 2>"$work/run.log") || { cat "$work/run.log"; fail "client service"; }
[ "$demo" = "HELLO FROM THE CLIENT SERVICE" ] || fail "client service said '$demo'"
say "client service: $demo"

# The TLS listener as the compose file's comments set it up: certificate and key mounted read-only, env variables.
ss -Hltn 'sport = :12443' | grep -q . && fail "port 12443 is in use on this host"
mkdir "$work/certs"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=localhost \
    -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout "$work/certs/key.pem" -out "$work/certs/cert.pem" \
    >"$work/openssl.log" 2>&1 || { cat "$work/openssl.log"; fail "openssl could not make a test certificate"; }
chmod 644 "$work/certs/key.pem" # the server runs as uid 999
tls_container=$(docker run -d --rm -e UPPERCASE_TLS_PORT=12443 -e UPPERCASE_TLS_CERT=/certs/cert.pem \
    -e UPPERCASE_TLS_KEY=/certs/key.pem -v "$work/certs:/certs:ro" -p 127.0.0.1:12443:12443 uppercase:latest)
for _ in $(seq 60); do docker logs "$tls_container" 2>&1 | grep -q "ready:" && break; sleep 0.5; done
tls=$(java -jar "$client_jar" --host localhost --port 12443 --tls --tls-ca "$work/certs/cert.pem" hello over tls) \
    || { docker logs "$tls_container"; docker stop "$tls_container" >/dev/null; fail "TLS client"; }
docker stop "$tls_container" >/dev/null
[ "$tls" = "HELLO OVER TLS" ] || fail "TLS reply was '$tls'"
say "TLS through a published port, certificate mounted from the host: $tls"

say "docker-compose stop: SIGTERM, drain, exit"
compose stop >/dev/null 2>&1
code=$(docker inspect -f '{{.State.ExitCode}}' "$container")
logs=$(docker logs "$container" 2>&1)
[ "$code" = 0 ] || { echo "$logs" | tail -20; say "FAILED: exit code $code after stop (137 would mean killed)"; exit 1; }
echo "$logs" | grep -q "stopping: draining" || fail "no drain in the log"
echo "$logs" | grep -q "INFO  UppercaseServer - stopped" || fail "no clean stop in the log"
compose down --volumes --remove-orphans >/dev/null 2>&1

# --- the scale-out compose file: HAProxy in front of two replicas -----------------------------------------------
stand_in haproxy:2.6 haproxy nothing_to_finish
say "docker-compose -f docker-compose.scale.yml up --scale server=2"
scale up -d --scale server=2 >"$work/scale-up.log" 2>&1 || { cat "$work/scale-up.log"; say "FAILED: scale up"; exit 1; }
scale_fail() { scale logs --tail 30; say "FAILED: $*"; exit 1; }
for _ in $(seq 90); do # until HAProxy has found the replicas and their checks pass
    through=$(java -jar "$client_jar" --host 127.0.0.1 --port 12000 through haproxy 2>/dev/null) && break
    sleep 1
done
[ "$through" = "THROUGH HAPROXY" ] || scale_fail "no reply through HAProxy (got '$through')"
# Two connections at once: least connections puts them on the two replicas, each with a PROXY v2 header, once
# HAProxy's checks have seen both up (a replica still starting is down for a few seconds): until each has answered.
replicas_answering() {
    local served=0 lines c
    for c in $(scale ps -q server); do
        lines=$(docker exec "$c" bash -c 'exec 3<>/dev/tcp/127.0.0.1/9100 && printf "GET /metrics HTTP/1.0\r\n\r\n" >&3 \
            && cat <&3' | awk '/^uppercase_lines_in_total/ {print int($2)}')
        [ "${lines:-0}" -gt 0 ] && served=$((served + 1))
    done
    echo "$served"
}
for _ in $(seq 30); do
    exec 3<>/dev/tcp/127.0.0.1/12000 4<>/dev/tcp/127.0.0.1/12000
    printf 'first replica\n' >&3; printf 'second replica\n' >&4
    one=""; two=""; read -r -t 10 one <&3 || true; read -r -t 10 two <&4 || true
    exec 3>&- 4>&-
    [ "$one $two" = "FIRST REPLICA SECOND REPLICA" ] || scale_fail "replies through HAProxy were '$one' and '$two'"
    served=$(replicas_answering)
    [ "$served" = 2 ] && break
    sleep 1
done
[ "$served" = 2 ] || scale_fail "$served of 2 replicas answered a line through HAProxy"
say "through HAProxy, PROXY protocol v2 to each replica: both replicas answered"
scale stop >/dev/null 2>&1
for c in $(scale ps -q server); do
    code=$(docker inspect -f '{{.State.ExitCode}}' "$c")
    [ "$code" = 0 ] || scale_fail "a replica exited $code after stop"
done
scale down --volumes --remove-orphans >/dev/null 2>&1
say "PASSED: image built, compose up, healthy, TCP, UDP and TLS answered, non-root, drained and exited 0; two replicas behind HAProxy answered and stopped cleanly"
