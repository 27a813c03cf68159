#!/usr/bin/env bash
# Prepares a fresh Debian machine that has only Node 20: the Debian packages the local
# stack and the compatibility tests need, pnpm, and the workspace's dependencies.
# Safe to run again; it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

with_tests="${1:-}"
pkgs=()
# mariadbd lives in /usr/sbin, often not on a non-root user's PATH; mariadb-install-db
# (/usr/bin) comes from the same package
command -v mariadb-install-db >/dev/null 2>&1 || pkgs+=(mariadb-server)
command -v mariadb-admin >/dev/null 2>&1 || pkgs+=(mariadb-client)
[ -e /usr/include/librdkafka/rdkafka_mock.h ] || pkgs+=(librdkafka-dev)
command -v kcat >/dev/null 2>&1 || pkgs+=(kcat)
command -v gcc >/dev/null 2>&1 || pkgs+=(gcc libc6-dev)
command -v ss >/dev/null 2>&1 || pkgs+=(iproute2)
if [ "$with_tests" = "--tests" ]; then
  # the other side of the wire: the deployed Python (pycryptodome) and Java code
  /usr/bin/python3 -c 'import Cryptodome' >/dev/null 2>&1 || pkgs+=(python3 python3-pycryptodome)
  command -v javac >/dev/null 2>&1 || pkgs+=(openjdk-17-jdk-headless)
  # wat2wasm: the crypto-envelope test that rebuilds the embedded WebAssembly hex module
  command -v wat2wasm >/dev/null 2>&1 || pkgs+=(wabt)
fi

if [ "${#pkgs[@]}" -gt 0 ]; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
      echo "bootstrap: missing Debian packages: ${pkgs[*]}; this user is not root and there is no sudo." >&2
      echo "bootstrap: run as root: apt-get update && apt-get install -y ${pkgs[*]}  (then run this script again)" >&2
      exit 1
    fi
  fi
  echo "bootstrap: installing Debian packages: ${pkgs[*]}"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
fi

want_pnpm="$(node -p "require('./package.json').packageManager.split('@')[1]")"
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$want_pnpm" ]; then
  echo "bootstrap: installing pnpm $want_pnpm"
  if [ "$(id -u)" -eq 0 ] || [ -w "$(npm prefix -g)/lib" ]; then
    npm install -g "pnpm@$want_pnpm" >/dev/null 2>&1
  else
    npm install -g --prefix "$HOME/.local" "pnpm@$want_pnpm" >/dev/null 2>&1
    export PATH="$HOME/.local/bin:$PATH"
  fi
fi

pnpm install --frozen-lockfile --reporter=silent
