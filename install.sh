#!/bin/sh
# Installs the LAO binary for this machine from a release:
#   curl -fsSL https://github.com/lao-agent/lao/releases/latest/download/install.sh | sh
#   sh install.sh [--version X.Y.Z] [--bin-dir DIR | --prefix DIR] [--base-url URL] [--target TRIPLE]
#
# Detects the OS and architecture, downloads lao-<target>.tar.gz and SHA256SUMS,
# refuses the archive unless its SHA-256 matches, and installs `lao` into
# ~/.local/bin (or --bin-dir DIR, or --prefix DIR meaning DIR/bin). Never needs root.
set -eu

repo=${LAO_REPO:-lao-agent/lao}
version=${LAO_VERSION:-latest}
base_url=${LAO_BASE_URL:-}
bin_dir=${LAO_BIN_DIR:-}
target=""

say() { printf 'install: %s\n' "$*"; }
die() {
  printf 'install: %s\n' "$*" >&2
  exit 1
}

while [ $# -gt 0 ]; do
  case "$1" in
    --version) [ $# -ge 2 ] || die "--version needs a value"; version=${2#v}; shift 2 ;;
    --bin-dir) [ $# -ge 2 ] || die "--bin-dir needs a value"; bin_dir=$2; shift 2 ;;
    --prefix) [ $# -ge 2 ] || die "--prefix needs a value"; bin_dir=$2/bin; shift 2 ;;
    --base-url) [ $# -ge 2 ] || die "--base-url needs a value"; base_url=$2; shift 2 ;;
    --target) [ $# -ge 2 ] || die "--target needs a value"; target=$2; shift 2 ;;
    -h | --help)
      sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done

if [ -z "$target" ]; then
  os=$(uname -s)
  arch=$(uname -m)
  case "$os" in
    Linux) os_part=unknown-linux-gnu ;;
    Darwin) os_part=apple-darwin ;;
    *) die "no LAO binary for $os: run it from source with Deno instead (see the README)" ;;
  esac
  case "$arch" in
    x86_64 | amd64) arch_part=x86_64 ;;
    arm64 | aarch64) arch_part=aarch64 ;;
    *) die "no LAO binary for the $arch processor: run it from source with Deno instead" ;;
  esac
  target=$arch_part-$os_part
fi

if [ -z "$base_url" ]; then
  if [ "$version" = latest ]; then
    base_url=https://github.com/$repo/releases/latest/download
  else
    base_url=https://github.com/$repo/releases/download/v$version
  fi
fi
[ -n "$bin_dir" ] || bin_dir=${HOME:?HOME is not set: pass --bin-dir}/.local/bin

fetch() {
  if command -v curl >/dev/null 2>&1; then
    curl -fsSL --retry 2 -o "$2" "$1"
  elif command -v wget >/dev/null 2>&1; then
    wget -q -O "$2" "$1"
  else
    die "neither curl nor wget is installed"
  fi
}

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d ' ' -f 1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d ' ' -f 1
  else
    die "neither sha256sum nor shasum is installed: cannot verify the download"
  fi
}

archive=lao-$target.tar.gz
tmp=$(mktemp -d "${TMPDIR:-/tmp}/lao-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

say "downloading $archive ($version) from $base_url"
fetch "$base_url/$archive" "$tmp/$archive" || die "cannot download $base_url/$archive"
fetch "$base_url/SHA256SUMS" "$tmp/SHA256SUMS" || die "cannot download $base_url/SHA256SUMS"

expected=$(awk -v f="$archive" '$2 == f || $2 == "*" f { print $1 }' "$tmp/SHA256SUMS")
[ -n "$expected" ] || die "SHA256SUMS has no line for $archive"
actual=$(sha256_of "$tmp/$archive")
if [ "$actual" != "$expected" ]; then
  die "checksum mismatch for $archive (expected $expected, got $actual): nothing installed"
fi

mkdir -p "$tmp/unpacked"
tar -xzf "$tmp/$archive" -C "$tmp/unpacked" || die "cannot unpack $archive"
[ -f "$tmp/unpacked/lao" ] || die "$archive has no lao binary"

mkdir -p "$bin_dir" || die "cannot create $bin_dir"
cp "$tmp/unpacked/lao" "$bin_dir/lao.tmp.$$"
chmod 755 "$bin_dir/lao.tmp.$$"
mv -f "$bin_dir/lao.tmp.$$" "$bin_dir/lao"
say "installed $("$bin_dir/lao" --version) to $bin_dir/lao"

case ":${PATH:-}:" in
  *":$bin_dir:"*) lao=lao ;;
  *)
    say "$bin_dir is not on your PATH; add it, e.g.: export PATH=\"$bin_dir:\$PATH\""
    lao=$bin_dir/lao
    ;;
esac
say "next:"
say "  cd your-project && $lao init"
say "  $lao demo"
