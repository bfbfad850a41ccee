#!/usr/bin/env bash
# System packages the test suite needs that pip cannot install: Debian's Chromium and its driver for the
# browser tests, iputils' ping for the ping monitor's fallback path, and faketime for
# scripts/test-clock-ahead, snmpd/freeradius/chrony for the protocol-probe monitor tests, the database and
# broker servers for the database monitor tests. Called by
# scripts/test. Idempotent and quiet: does nothing when all are there.
# Needs root (CI runs as root) or passwordless sudo; otherwise prints what to install and carries on.
set -uo pipefail

packages=(chromium chromium-driver iputils-ping faketime)
# protocol-probe monitor tests (issue 18, part b): real snmpd, freeradius and chronyd, started by the tests
# in the foreground on free ports (tests/helpers/probe_daemons.py); never run as services
probe_packages=(snmpd freeradius chrony)
packages+=("${probe_packages[@]}")
have_probe_daemons() { [ -x /usr/sbin/snmpd ] && [ -x /usr/sbin/freeradius ] && [ -x /usr/sbin/chronyd ]; }
# database and broker monitor tests (issue 17): PostgreSQL, MariaDB, Redis, Mosquitto, RabbitMQ, each started
# by the tests on 127.0.0.1, a free port and a temp folder (tests/helpers/db_servers.py); never as services
db_packages=(postgresql mariadb-server redis-server mosquitto rabbitmq-server)
packages+=("${db_packages[@]}")
have_db_servers() {  # postgres's binaries live under /usr/lib/postgresql/<version>/bin
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null && [ -x /usr/sbin/mariadbd ] \
    && [ -x /usr/bin/redis-server ] && [ -x /usr/sbin/mosquitto ] && [ -x /usr/sbin/rabbitmq-server ]
}

# --- node + npm (monitor types part 2): the pm2 monitor test installs the real pm2 from npm with them.
# A block of its own so other packages' lines stay untouched; same rules (root or sudo -n, quiet).
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  node_sudo=()
  [ "$(id -u)" = 0 ] || node_sudo=(sudo -n)
  if command -v apt-get >/dev/null 2>&1 && { [ "$(id -u)" = 0 ] || sudo -n true 2>/dev/null; }; then
    echo "system-deps: installing nodejs npm (pm2 monitor test) …" >&2
    DEBIAN_FRONTEND=noninteractive "${node_sudo[@]}" apt-get update -qq >/dev/null 2>&1
    DEBIAN_FRONTEND=noninteractive "${node_sudo[@]}" apt-get install -y -qq nodejs npm >/dev/null 2>&1 \
      || echo "system-deps: could not install nodejs npm; the pm2 monitor test will fail" >&2
  else
    echo "system-deps: node/npm missing; install them with: sudo apt-get install nodejs npm (pm2 test)" >&2
  fi
fi
# --- end node + npm

have_faketime() {  # the wrapper and the preload library it needs (/usr/lib/<arch>/faketime/)
  command -v faketime >/dev/null 2>&1 && compgen -G "/usr/lib/*/faketime/libfaketime.so.1" >/dev/null
}

if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] && command -v ping >/dev/null 2>&1 && have_faketime \
   && have_probe_daemons && have_db_servers; then
  exit 0
fi

if [ "$(id -u)" = 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo=(sudo -n)
else
  echo "system-deps: chromium, ping or faketime is missing and this user cannot install packages;" >&2
  echo "system-deps: install them with: sudo apt-get install ${packages[*]} (browser, ping and clock tests need them)" >&2
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: no apt-get here; install Chromium and ChromeDriver by hand (browser tests need them)" >&2
  exit 0
fi

echo "system-deps: installing ${packages[*]} (browser, ping, clock, protocol-probe and database tests) …" >&2
export DEBIAN_FRONTEND=noninteractive
log="$(mktemp)"
# policy-rc.d answering 101 keeps the daemons' packages from starting them as services on their real ports
policy=/usr/sbin/policy-rc.d; own_policy=""
if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null \
  && "${sudo[@]}" chmod 755 "$policy" && own_policy=1; fi
if "${sudo[@]}" apt-get update -qq >"$log" 2>&1 \
   && "${sudo[@]}" apt-get install -y -qq "${packages[@]}" >>"$log" 2>&1; then
  echo "system-deps: $(/usr/bin/chromium --version 2>/dev/null || echo chromium installed)" >&2
else
  echo "system-deps: could not install ${packages[*]}; browser tests will fail. apt said:" >&2
  tail -n 15 "$log" >&2
fi
[ -n "$own_policy" ] && "${sudo[@]}" rm -f "$policy"
rm -f "$log"
exit 0
