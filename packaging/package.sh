#!/bin/sh
# Packages compiled binaries for a release:
#   packaging/package.sh DIST
# For every DIST/lao-<target>, writes DIST/release/lao-<target>.tar.gz (holding
# `lao`, LICENSE and README.md) and DIST/release/SHA256SUMS.
set -eu

[ $# -eq 1 ] || { echo "usage: $0 DIST" >&2; exit 2; }
dist=$1
root=$(cd "$(dirname "$0")/.." && pwd)
out=$dist/release
mkdir -p "$out"
found=0
for bin in "$dist"/lao-*; do
  [ -f "$bin" ] || continue
  found=1
  target=${bin##*/lao-}
  stage=$(mktemp -d)
  cp "$bin" "$stage/lao"
  chmod 755 "$stage/lao"
  cp "$root/LICENSE" "$root/README.md" "$stage/"
  tar -czf "$out/lao-$target.tar.gz" -C "$stage" lao LICENSE README.md
  rm -rf "$stage"
done
[ "$found" -eq 1 ] || { echo "package: no $dist/lao-* binaries" >&2; exit 1; }
cd "$out"
if command -v sha256sum >/dev/null 2>&1; then
  sha256sum lao-*.tar.gz >SHA256SUMS
else
  shasum -a 256 lao-*.tar.gz >SHA256SUMS
fi
cat SHA256SUMS
