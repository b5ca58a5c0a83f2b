#!/usr/bin/env bash
# Build the cluster's Go binaries from the Go module proxy into a cache outside the clone, keyed on each version,
# so a fresh clone on the same machine (CI) builds only once. Prints nothing when everything is cached.
# Usage: build.sh CACHE_DIR   (versions come from versions.env, already in the environment)
set -euo pipefail
cache=$1
export PATH=/usr/local/go/bin:$PATH
command -v go >/dev/null || { echo "k8s build: no Go toolchain at /usr/local/go/bin" >&2; exit 1; }
# nice: the build takes both cores for minutes; other work on the machine should not stall behind it.
gobuild() { nice -n 19 go "$@"; }

k8s_bin=$cache/kubernetes-v$KUBERNETES_VERSION
dns_bin=$cache/coredns-v$COREDNS_VERSION
lpp_bin=$cache/local-path-provisioner-v$LOCAL_PATH_PROVISIONER_VERSION
k8s_cmds=(kube-apiserver kube-controller-manager kube-scheduler kubelet kubectl)

build_kubernetes() {
  local work=$cache/tmp-kubernetes-v$KUBERNETES_VERSION staging_version
  # Staging modules (k8s.io/api, client-go, ...) are versioned v0.<minor>.<patch> alongside v1.<minor>.<patch>.
  staging_version=v0.${KUBERNETES_VERSION#1.}
  rm -rf "$work" && mkdir -p "$work" && cd "$work"
  cat > go.mod <<MOD
module local/kube-build

go 1.24
MOD
  # A build-tagged blank import: go mod tidy sees the main packages, the compiler never imports them.
  cat > tools.go <<'GO'
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubelet"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
GO
  go mod edit -require="k8s.io/kubernetes@v$KUBERNETES_VERSION"
  # k8s.io/kubernetes requires its staging modules at v0.0.0 and replaces them with ./staging/...; a module that
  # depends on it must replace each one with its published version. The list is read from its own go.mod.
  local mod staging
  mod=$(go mod download -json "k8s.io/kubernetes@v$KUBERNETES_VERSION" | sed -n 's/^\t"GoMod": "\(.*\)",$/\1/p')
  for staging in $(sed -n 's#^\t\(k8s\.io/[^ ]*\) => \./staging/.*#\1#p' "$mod"); do
    go mod edit -replace="$staging=$staging@$staging_version"
  done
  gobuild mod tidy >/dev/null 2>&1 || gobuild mod tidy
  # The version stamps kubelet reports in the node status and kubectl prints; without them: v0.0.0-master.
  local ld="-s -w" pkg
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld+=" -X $pkg.gitVersion=v$KUBERNETES_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$(cut -d. -f2 <<<"$KUBERNETES_VERSION")"
    ld+=" -X $pkg.gitTreeState=clean"
  done
  mkdir -p out
  gobuild build -trimpath -ldflags "$ld" -o out/ \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubelet k8s.io/kubernetes/cmd/kubectl
  cd "$cache" && rm -rf "$k8s_bin" && mv "$work/out" "$k8s_bin" && rm -rf "$work"
}

# go install into a temporary GOBIN, then rename: an interrupted build never leaves a half-filled cache entry.
install_one() {  # dir module@version binary
  local dir=$1 target=$2 bin=$3
  rm -rf "$dir.tmp" && mkdir -p "$dir.tmp"
  GOBIN=$dir.tmp gobuild install -trimpath -ldflags "-s -w" "$target" || { rm -rf "$dir.tmp"; exit 1; }
  [ -x "$dir.tmp/$bin" ] || { echo "k8s build: $target produced no $bin" >&2; exit 1; }
  rm -rf "$dir" && mv "$dir.tmp" "$dir"
}

mkdir -p "$cache"
missing=0
for c in "${k8s_cmds[@]}"; do [ -x "$k8s_bin/$c" ] || missing=1; done
if [ "$missing" = 1 ]; then
  echo "k8s: building Kubernetes v$KUBERNETES_VERSION from the Go module proxy (cold: ~6 min on 2 cores)" >&2
  build_kubernetes
fi
if [ ! -x "$dns_bin/coredns" ]; then
  echo "k8s: building CoreDNS v$COREDNS_VERSION" >&2
  install_one "$dns_bin" "github.com/coredns/coredns@v$COREDNS_VERSION" coredns
fi
if [ ! -x "$lpp_bin/local-path-provisioner" ]; then
  echo "k8s: building local-path-provisioner v$LOCAL_PATH_PROVISIONER_VERSION" >&2
  install_one "$lpp_bin" "github.com/rancher/local-path-provisioner@v$LOCAL_PATH_PROVISIONER_VERSION" local-path-provisioner
fi
