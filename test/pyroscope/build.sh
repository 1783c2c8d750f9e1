#!/usr/bin/env bash
# Builds the Grafana Pyroscope server from the Go module proxy for the push tests. The binary
# lands in a cache folder keyed by its version and a hash of the wrapper module (go.mod, go.sum,
# tools.go), so a machine that kept it skips the build.
# Prints the folder that holds the binary on its last line; `build.sh --locate` only looks.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
module="$here/module"
cache_root="${SQUIRRLY_PYROSCOPE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubectl-squirrly/pyroscope}"

PYROSCOPE_VERSION=v1.21.1

export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=readonly

inputs_hash() {
  cat "$@" | sha256sum | cut -c1-12
}

key="pyroscope-$PYROSCOPE_VERSION-$(inputs_hash "$module/go.mod" "$module/go.sum" "$module/tools.go")"
target="$cache_root/$key"

# --locate: print the folder when the binary is already built, exit 3 otherwise (no build).
if [ "${1:-}" = "--locate" ]; then
  [ -x "$target/pyroscope" ] || exit 3
  echo "$target"
  exit 0
fi

if [ -x "$target/pyroscope" ]; then
  echo "$target"
  exit 0
fi

command -v go >/dev/null || { echo "go is required on PATH to build Pyroscope" >&2; exit 1; }
mkdir -p "$cache_root"
started=$SECONDS
echo "== building pyroscope $PYROSCOPE_VERSION" >&2
work="$(mktemp -d "$cache_root/.build.XXXXXX")"
chmod 755 "$work" # mktemp makes it private; the cached folder is for every user of the machine
trap 'rm -rf "$work"' EXIT
(cd "$module" && go build -trimpath -ldflags "-s -w" -o "$work/pyroscope" github.com/grafana/pyroscope/cmd/pyroscope)
# One rename puts the finished build in place, so an interrupted build never looks cached.
rm -rf "$target"
mv "$work" "$target"
trap - EXIT
echo "== pyroscope ready in $((SECONDS - started)) s" >&2
echo "$target"
