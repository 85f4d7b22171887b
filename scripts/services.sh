#!/usr/bin/env bash
# Installs (when missing) and starts, idempotently, the servers the test suite talks to:
# PostgreSQL on 127.0.0.1:5432 (database "test", trust auth), Redis on 127.0.0.1:6379, and a
# three-master Redis Cluster on 127.0.0.1:7001-7003, and a
# Redis Sentinel on 127.0.0.1:26379 watching the standalone server as master "gatehouse". Safe to run again and again.
set -euo pipefail

have() { command -v "$1" >/dev/null 2>&1; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=
apt_install() {
	[ -n "$apt_updated" ] || { as_root apt-get update -qq; apt_updated=1; }
	# Installed packages must not start their daemons: nginx and Apache would fight over port 80
	# and fail the install. The tests run their own instances on random ports.
	local policy=/usr/sbin/policy-rc.d added=
	if [ ! -e "$policy" ]; then
		printf '#!/bin/sh\nexit 101\n' | as_root tee "$policy" >/dev/null && as_root chmod +x "$policy" && added=1
	fi
	DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
	if [ -n "$added" ]; then as_root rm -f "$policy"; fi
}
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() { for _ in $(seq 1 100); do port_open "$1" && return 0; sleep 0.1; done; echo "port $1 did not open" >&2; return 1; }
run_dir="${TMPDIR:-/tmp}/gatehouse-services"
mkdir -p "$run_dir"

# nginx (Debian's package has auth_request) and Caddy, for the gateway integration tests, which
# run their own instances on random ports: installed only, never started here.
have nginx || apt_install nginx
have caddy || apt_install caddy

# A third-party CAS client for the CAS interoperability test: Apache httpd with Apereo's
# mod_auth_cas (run on a random port by the test, never started here).
{ have apache2 && [ -f /usr/lib/apache2/modules/mod_auth_cas.so ]; } || apt_install apache2 libapache2-mod-auth-cas

# Debian's chromium, for the browser tests (driven headless from Go), with CJK fonts so that
# the Chinese screenshots show glyphs, not boxes. No browser is ever downloaded.
{ have chromium && [ -d /usr/share/fonts/opentype/noto ]; } || apt_install chromium fonts-noto-cjk

# Redis (standalone).
have redis-server || apt_install redis-server redis-tools
if ! port_open 6379; then
	redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
		--dir "$run_dir" --logfile "$run_dir/redis-6379.log"
	wait_port 6379
fi

# Redis Cluster: three masters, no replicas.
for port in 7001 7002 7003; do
	if ! port_open "$port"; then
		mkdir -p "$run_dir/$port"
		rm -f "$run_dir/$port/nodes.conf"
		redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --cluster-enabled yes \
			--cluster-config-file "$run_dir/$port/nodes.conf" --cluster-node-timeout 5000 \
			--save "" --appendonly no --dir "$run_dir/$port" --logfile "$run_dir/$port/redis.log"
	fi
done
for port in 7001 7002 7003; do wait_port "$port"; done
if ! redis-cli -p 7001 cluster info | grep -q 'cluster_state:ok'; then
	if redis-cli -p 7001 cluster info | grep -q 'cluster_known_nodes:1'; then
		redis-cli --cluster create 127.0.0.1:7001 127.0.0.1:7002 127.0.0.1:7003 \
			--cluster-replicas 0 --cluster-yes >/dev/null
	fi
	for _ in $(seq 1 100); do
		redis-cli -p 7001 cluster info | grep -q 'cluster_state:ok' && break
		sleep 0.1
	done
fi
redis-cli -p 7001 cluster info | grep -q 'cluster_state:ok' || { echo "Redis Cluster is not ok" >&2; exit 1; }

# Redis Sentinel on 26379, watching the standalone server as master "gatehouse".
if ! port_open 26379; then
	cat >"$run_dir/sentinel.conf" <<CONF
port 26379
bind 127.0.0.1
daemonize yes
dir $run_dir
logfile $run_dir/sentinel.log
sentinel monitor gatehouse 127.0.0.1 6379 1
sentinel down-after-milliseconds gatehouse 5000
CONF
	redis-server "$run_dir/sentinel.conf" --sentinel
	wait_port 26379
fi

# PostgreSQL.
if ! port_open 5432; then
	have pg_ctlcluster || apt_install postgresql
	version=$(ls /etc/postgresql | sort -V | tail -n1)
	hba="/etc/postgresql/$version/main/pg_hba.conf"
	grep -q '^host all all 127.0.0.1/32 trust' "$hba" ||
		sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
	pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
	wait_port 5432
fi
if ! psql -h 127.0.0.1 -U postgres -d test -Atc 'select 1' >/dev/null 2>&1; then
	su postgres -c "psql -Atc \"select 1 from pg_database where datname='test'\"" | grep -q 1 ||
		su postgres -c "createdb test"
fi
psql -h 127.0.0.1 -U postgres -d test -Atc 'select 1' >/dev/null
echo "services: PostgreSQL :5432, Redis :6379, Redis Cluster :7001-7003, Sentinel :26379 ready"
