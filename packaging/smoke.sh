#!/bin/sh
# Smoke test of a built LAO binary, as a user would first run it:
#   packaging/smoke.sh path/to/lao
# Runs --version, init, status --json, sandbox check and the offline demo in a
# fresh temporary folder. Exits non-zero at the first step that fails.
set -eu

if [ $# -ne 1 ]; then
  echo "usage: $0 path/to/lao" >&2
  exit 2
fi
case "$1" in
  /*) lao=$1 ;;
  *) lao=$(pwd)/$1 ;;
esac
work=$(mktemp -d "${TMPDIR:-/tmp}/lao-smoke.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"

step() {
  echo "smoke: lao $*"
  "$lao" "$@"
}

step --version
step init --no-interactive
step status --json >status.json
grep -q '"tasks"' status.json
step sandbox check
step demo
echo "smoke: ok"
