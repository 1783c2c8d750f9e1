#!/usr/bin/env bash
# Builds kube-apiserver, etcd and kwok from the Go module proxy for the real control plane tier.
# Each binary lands in its own cache folder, keyed by its version and a hash of what it is built
# from (wrapper go.mod/go.sum, the kwok patch), so a machine that kept them skips the build.
# Prints the folder that holds the binaries on its last line; `build.sh --locate` only looks.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
modules="$here/modules"
cache_root="${SQUIRRLY_REALKUBE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubectl-squirrly/realkube}"

KUBE_VERSION=v1.37.2
ETCD_VERSION=v3.7.3
KWOK_VERSION=v0.8.0

export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=readonly

command -v go >/dev/null || { echo "go is required on PATH to build the real control plane" >&2; exit 1; }

inputs_hash() {
  cat "$@" | sha256sum | cut -c1-12
}

kube_key="kube-apiserver-$KUBE_VERSION-$(inputs_hash "$modules/kube-apiserver/go.mod" "$modules/kube-apiserver/go.sum")"
etcd_key="etcd-$ETCD_VERSION-$(inputs_hash "$modules/etcd/go.mod" "$modules/etcd/go.sum")"
kwok_key="kwok-$KWOK_VERSION-$(inputs_hash "$modules/kwok/go.mod" "$modules/kwok/go.sum" "$here/kwok-exec.patch")"
bin_dir="$cache_root/bin-$(echo "$kube_key $etcd_key $kwok_key" | sha256sum | cut -c1-12)"

# Moves a finished build into place in one rename, so an interrupted build never looks cached.
install_dir() {
  local built="$1" target="$2"
  rm -rf "$target"
  mv "$built" "$target"
}

build_kube_apiserver() {
  local target="$cache_root/$kube_key"
  [ -x "$target/kube-apiserver" ] && return 0
  echo "== building kube-apiserver $KUBE_VERSION" >&2
  local work
  work="$(mktemp -d "$cache_root/.build-kube.XXXXXX")"
  local pkg=k8s.io/component-base/version
  local minor="${KUBE_VERSION#v1.}"
  minor="${minor%%.*}"
  (cd "$modules/kube-apiserver" && go build -trimpath -o "$work/kube-apiserver" \
    -ldflags "-s -w -X $pkg.gitVersion=$KUBE_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z" \
    k8s.io/kubernetes/cmd/kube-apiserver)
  install_dir "$work" "$target"
}

build_etcd() {
  local target="$cache_root/$etcd_key"
  [ -x "$target/etcd" ] && return 0
  echo "== building etcd $ETCD_VERSION" >&2
  local work
  work="$(mktemp -d "$cache_root/.build-etcd.XXXXXX")"
  (cd "$modules/etcd" && go build -trimpath -ldflags "-s -w" -o "$work/etcd" go.etcd.io/etcd/server/v3)
  install_dir "$work" "$target"
}

# kwok is built from a patched copy of its module: exec keeps the command's exit code and runs
# through a wrapper that gives each pod its own filesystem. The patch must apply exactly.
build_kwok() {
  local target="$cache_root/$kwok_key"
  [ -x "$target/kwok" ] && [ -f "$target/stages.yaml" ] && return 0
  echo "== building kwok $KWOK_VERSION (patched)" >&2
  local work src
  work="$(mktemp -d "$cache_root/.build-kwok.XXXXXX")"
  mkdir "$work/module"
  cp "$modules/kwok/go.mod" "$modules/kwok/go.sum" "$work/module/"
  src="$(cd "$work/module" && go mod download -json "sigs.k8s.io/kwok@$KWOK_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [ -d "$src" ] || { echo "kwok $KWOK_VERSION did not download" >&2; exit 1; }
  cp -r "$src" "$work/module/kwok"
  chmod -R u+w "$work/module/kwok"
  if ! patch --directory "$work/module/kwok" --strip 1 --forward --fuzz 0 --batch --silent <"$here/kwok-exec.patch"; then
    echo "test/realkube/kwok-exec.patch no longer applies to kwok $KWOK_VERSION: update the patch for the new sources" >&2
    exit 1
  fi
  grep -q 'KWOK_EXEC_WRAPPER' "$work/module/kwok/pkg/kwok/server/debugging_exec_wrap.go" || { echo "kwok patch did not apply" >&2; exit 1; }
  (cd "$work/module" && go mod edit -replace "sigs.k8s.io/kwok=./kwok" && go build -trimpath -ldflags "-s -w" -o "$work/kwok" sigs.k8s.io/kwok/cmd/kwok)
  # kwok's own CRDs for exec and port-forward, and its default fast stages (a node that becomes
  # Ready, pods that become Running), shipped in the same module.
  local crds="$src/kustomize/crd/bases" stages="$src/kustomize/stage"
  cat "$crds/kwok.x-k8s.io_clusterexecs.yaml" <(echo ---) "$crds/kwok.x-k8s.io_execs.yaml" <(echo ---) \
    "$crds/kwok.x-k8s.io_clusterportforwards.yaml" <(echo ---) "$crds/kwok.x-k8s.io_portforwards.yaml" >"$work/crds.yaml"
  cat "$stages/node/fast/node-initialize.yaml" <(echo ---) "$stages/node/heartbeat/node-heartbeat.yaml" <(echo ---) \
    "$stages/pod/fast/pod-ready.yaml" <(echo ---) "$stages/pod/fast/pod-complete.yaml" <(echo ---) \
    "$stages/pod/fast/pod-delete.yaml" >"$work/stages.yaml"
  rm -rf "$work/module"
  install_dir "$work" "$target"
}

# --locate: print the folder when everything is already built, exit 3 otherwise (no build).
if [ "${1:-}" = "--locate" ]; then
  for f in kube-apiserver etcd kwok crds.yaml stages.yaml; do [ -e "$bin_dir/$f" ] || exit 3; done
  echo "$bin_dir"
  exit 0
fi

mkdir -p "$cache_root"
started=$SECONDS
build_etcd
build_kwok
build_kube_apiserver

# One folder with all three, so the tier needs a single path.
if [ ! -f "$bin_dir/.complete" ]; then
  rm -rf "$bin_dir"
  mkdir -p "$bin_dir"
  ln -s "../$kube_key/kube-apiserver" "$bin_dir/kube-apiserver"
  ln -s "../$etcd_key/etcd" "$bin_dir/etcd"
  for f in kwok crds.yaml stages.yaml; do ln -s "../$kwok_key/$f" "$bin_dir/$f"; done
  touch "$bin_dir/.complete"
fi
echo "== real control plane binaries ready in $((SECONDS - started)) s" >&2
echo "$bin_dir"
