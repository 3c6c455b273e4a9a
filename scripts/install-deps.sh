#!/usr/bin/env bash
# Installs the system packages kgit builds and tests against, when they are missing.
# openssh-server: the ssh:// tests run their own sshd on a loopback port (the package's own service is not used).
# Idempotent: a machine that has them all is left alone (no apt-get update, no network).
set -euo pipefail

packages=(pkg-config libyaml-dev libsqlite3-dev libgit2-dev libssl-dev etcd-server etcd-client git python3 curl openssl openssh-client openssh-server)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi
echo "installing system packages: ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
