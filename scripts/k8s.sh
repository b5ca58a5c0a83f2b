#!/usr/bin/env bash
# A real single-node Kubernetes on this machine, as host processes: etcd, containerd, kube-apiserver,
# kube-controller-manager, kube-scheduler, kubelet, CoreDNS and local-path-provisioner (the default StorageClass).
#   scripts/k8s.sh up              install what is missing, build into the cache once, start, wait for node Ready
#   scripts/k8s.sh down            stop everything, remove mounts, netns, bridge and cgroups (idempotent)
#   scripts/k8s.sh status          which components run, and whether the node is Ready
#   scripts/k8s.sh import ARCHIVE  import OCI archives into containerd's k8s.io namespace (pods: imagePullPolicy Never)
#   scripts/k8s.sh env             KUBECONFIG=, KUBECTL= and BUSYBOX_IMAGE= lines, for scripts and tests
# Every process's pid and log are in $STATE/pid and $STATE/log; the cluster lives from `up` to `down` (images stay).
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
set -a; . "$top/versions.env"; set +a

STATE=${K8S_STATE_DIR:-/var/lib/statefulset-agents-k8s}
CACHE=${K8S_CACHE_DIR:-/var/cache/statefulset-agents/k8s-bin}
K8S_BIN=$CACHE/kubernetes-v$KUBERNETES_VERSION
COREDNS=$CACHE/coredns-v$COREDNS_VERSION/coredns
PROVISIONER=$CACHE/local-path-provisioner-v$LOCAL_PATH_PROVISIONER_VERSION/local-path-provisioner
CONTAINERD_SOCK=$STATE/containerd.sock
KUBECONFIG_PATH=$STATE/pki/admin.kubeconfig
NODE_NAME=node0
# Pods 10.88/16 and Services 10.96/16: clear of the test harness's 10.231.N.0/24 bridges.
BRIDGE=sak8s0 BRIDGE_MAC=02:5a:6b:38:00:01
POD_CIDR=10.88.0.0/16 NODE_IP=10.88.0.1 NODE_PREFIX=16
SERVICE_CIDR=10.96.0.0/16 SERVICE_IP=10.96.0.1
APISERVER=https://127.0.0.1:6443
ETCD_URL=http://127.0.0.1:32379 ETCD_PEER_URL=http://127.0.0.1:32380
CGROUP_ROOT=statefulset-agents-k8s
START_ORDER=(etcd containerd kube-apiserver kube-controller-manager kube-scheduler coredns kubelet local-path-provisioner)
STOP_ORDER=(kubelet local-path-provisioner coredns kube-scheduler kube-controller-manager kube-apiserver etcd containerd)
. "$top/scripts/k8s/configs.sh"

say() { echo "k8s: $*" >&2; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
kubectl() { "$K8S_BIN/kubectl" --kubeconfig "$KUBECONFIG_PATH" "$@"; }
ctr_() { ctr --address "$CONTAINERD_SOCK" "$@"; }

# A pid is ours only while its command line names this state dir: a stale pid file never kills a stranger.
pid_of() {
  local pid
  pid=$(cat "$STATE/pid/$1" 2>/dev/null) || return 1
  [ -n "$pid" ] && { tr '\0' ' ' < "/proc/$pid/cmdline"; } 2>/dev/null | grep -qF "$STATE/" && echo "$pid"
}
# The sweep after a killed run: processes running one of the cluster's binaries (the cache's, etcd, containerd, its
# shims) with a command line naming this state dir. Nothing else, not even a `tail -f` of a log here.
stray_pids() {
  local p exe
  for p in /proc/[0-9]*; do
    exe=$(readlink "$p/exe" 2>/dev/null) || continue
    case $exe in "$CACHE"/*|/usr/bin/etcd|/usr/bin/containerd|/usr/bin/containerd-shim-runc-v2) ;; *) continue ;; esac
    { tr '\0' ' ' < "$p/cmdline"; } 2>/dev/null | grep -qF -- "$STATE/" && echo "${p#/proc/}"
  done
  return 0
}

# stop_pids GRACE_SECONDS PID...: SIGTERM, poll until gone, SIGKILL what is left.
stop_pids() {
  local grace=$1; shift
  [ $# -gt 0 ] || return 0
  kill -TERM "$@" 2>/dev/null || true
  local deadline=$(( $(date +%s) + grace )) p alive
  while :; do
    alive=()
    for p in "$@"; do [ -d "/proc/$p" ] && [ "$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null)" != Z ] && alive+=("$p"); done
    [ ${#alive[@]} -gt 0 ] || return 0
    [ "$(date +%s)" -lt "$deadline" ] || break
    sleep 0.1
  done
  kill -KILL "${alive[@]}" 2>/dev/null || true
}

stop_component() {
  local pid
  if pid=$(pid_of "$1"); then stop_pids "${2:-10}" "$pid"; fi
  rm -f "$STATE/pid/$1"
}

# Kill and remove every container and sandbox task containerd holds for the cluster, while it still runs: the
# shims and the workloads go with them; images stay.
remove_containers() {
  pid_of containerd >/dev/null || return 0
  local ids id
  ids=$(ctr_ -n k8s.io containers ls -q 2>/dev/null) || return 0
  for id in $ids; do ctr_ -n k8s.io tasks kill -s SIGKILL "$id" >/dev/null 2>&1 || true; done
  for id in $ids; do
    ctr_ -n k8s.io tasks delete -f "$id" >/dev/null 2>&1 || true
    ctr_ -n k8s.io containers delete "$id" >/dev/null 2>&1 || true
  done
}

cgroup_dirs() { local h; for h in /sys/fs/cgroup/*/; do [ -d "$h$CGROUP_ROOT" ] && echo "$h$CGROUP_ROOT"; done; return 0; }

# Stop what runs, then undo what `up` made. Safe to run any number of times, and after a killed run.
down() {
  local c pids
  stop_component kubelet 10
  remove_containers
  # Wait for these four stops only: a bare `wait` would also wait for etcd and containerd when `up` (their parent)
  # calls down after a failure, and hang there for ever.
  local stops=()
  for c in local-path-provisioner coredns kube-scheduler kube-controller-manager; do stop_component "$c" 5 & stops+=($!); done
  wait "${stops[@]}"
  stop_component kube-apiserver 10
  stop_component etcd 10
  stop_component containerd 10
  # Whatever a killed run left: processes without a pid file, shims, and every task in the pod cgroups.
  mapfile -t pids < <(stray_pids; cgroup_dirs | while read -r d; do find "$d" -name cgroup.procs -exec cat {} +; done)
  stop_pids 5 "${pids[@]}"
  # Mounts under the state dir (kubelet volumes, rootfs, sandbox shm), deepest first.
  local m
  for m in $(awk -v s="$STATE/" 'index($2, s) == 1 { print $2 }' /proc/mounts | sort -r); do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
  done
  for m in $(ip netns list 2>/dev/null | awk '$1 ~ /^cni-/ { print $1 }'); do ip netns delete "$m" 2>/dev/null || true; done
  ip link delete "$BRIDGE" 2>/dev/null || true
  delete_iptables_chains
  cgroup_dirs | while read -r d; do find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || true; done
  # The cluster's data; containerd's root (the imported images) and the logs stay.
  for m in etcd kubelet volumes cni containerd-state pod-logs pki etc pid; do rm -rf --one-file-system "${STATE:?}/$m"; done
  rm -f /var/lib/cni/results/statefulset-agents-k8s-*  # libcni's result cache, named after the network
  rm -f "$CONTAINERD_SOCK" "$STATE/containerd-ttrpc.sock"
}

# The kubelet makes KUBE-IPTABLES-HINT / KUBE-KUBELET-CANARY / KUBE-FIREWALL style chains; remove them and the
# jumps to them, and nothing else.
delete_iptables_chains() {
  local cmd table chain rule
  for cmd in iptables ip6tables; do
    command -v "$cmd" >/dev/null || continue
    for table in filter nat mangle; do
      "$cmd" -t "$table" -S 2>/dev/null | { grep -E '^-A [A-Z-]+ .*-j KUBE-' || true; } | while read -r rule; do
        eval "set -- ${rule/-A/-D}"  # rules are printed shell-quoted
        "$cmd" -t "$table" "$@" 2>/dev/null || true
      done
      for chain in $("$cmd" -t "$table" -S 2>/dev/null | awk '$1 == "-N" && $2 ~ /^KUBE-/ { print $2 }'); do
        "$cmd" -t "$table" -F "$chain" 2>/dev/null || true
        "$cmd" -t "$table" -X "$chain" 2>/dev/null || true
      done
    done
  done
}

install_packages() {
  local need=() pair
  for pair in etcd:etcd-server containerd:containerd runc:runc /usr/lib/cni/bridge:containernetworking-plugins \
              /bin/busybox:busybox-static openssl:openssl curl:curl dig:dnsutils ip:iproute2 iptables:iptables; do
    if [[ ${pair%%:*} == /* ]]; then [ -e "${pair%%:*}" ] || need+=("${pair#*:}")
    else command -v "${pair%%:*}" >/dev/null || need+=("${pair#*:}"); fi
  done
  [ ${#need[@]} -eq 0 ] && return 0
  say "installing ${need[*]}"
  apt-get update -qq
  # policy-rc.d 101: packages must not start their own etcd or containerd; this script starts its own.
  DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
}

# start NAME COMMAND...: detached, own session, log in $STATE/log/NAME.log, pid in $STATE/pid/NAME.
start() {
  local name=$1; shift
  : > "$STATE/log/$name.log"
  setsid "$@" >> "$STATE/log/$name.log" 2>&1 < /dev/null 9>&- &  # 9>&-: the lock stays with this script
  echo $! > "$STATE/pid/$name"
}

fail() {  # component why
  say "$1 did not come up ($2); log: $STATE/log/$1.log"
  tail -n 5 "$STATE/log/$1.log" 2>/dev/null | sed 's/^/k8s:   /' >&2 || true
  say "stopping everything (down)"
  down
  exit 1
}

# wait_for COMPONENT SECONDS CHECK...: poll CHECK every 0.2 s until it passes; fail if the process died or the
# deadline passed.
wait_for() {
  local name=$1 secs=$2; shift 2
  local deadline
  deadline=$(awk -v n="$(now)" -v s="$secs" 'BEGIN { printf "%d", n + s }')
  until "$@" >/dev/null 2>&1; do
    pid_of "$name" >/dev/null || fail "$name" "process exited"
    [ "$(date +%s)" -lt "$deadline" ] || fail "$name" "not ready after ${secs}s"
    sleep 0.2
  done
}

node_ready() {
  [ "$(kubectl get node "$NODE_NAME" -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" = True ]
}
dns_answers() { [ -n "$(dig +short +time=1 +tries=1 @"$NODE_IP" kubernetes.default.svc.cluster.local A)" ]; }
curl_ok() { [ "$(curl -s --max-time 2 "$@")" = ok ]; }
all_running() { local c; for c in "${START_ORDER[@]}"; do pid_of "$c" >/dev/null || return 1; done; }

make_bridge() {
  ip link add "$BRIDGE" type bridge
  ip link set "$BRIDGE" address "$BRIDGE_MAC"
  ip addr add "$NODE_IP/$NODE_PREFIX" dev "$BRIDGE"
  ip link set "$BRIDGE" up
}

make_cgroup_root() {
  local h
  for h in /sys/fs/cgroup/*/; do
    [ -f "${h}cgroup.procs" ] && [ "$h" != /sys/fs/cgroup/unified/ ] || continue
    mkdir -p "$h$CGROUP_ROOT"
    if [ -f "${h}cpuset.cpus" ]; then  # a new cpuset cgroup starts empty and takes no task until filled in
      cat "${h}cpuset.cpus" > "$h$CGROUP_ROOT/cpuset.cpus"
      cat "${h}cpuset.mems" > "$h$CGROUP_ROOT/cpuset.mems"
    fi
  done
}

# The busybox image (sandbox, provisioner helper, smoke test), named and cached by the Debian package version it
# holds: a security update of busybox-static makes a new image.
busybox_names() {
  local version
  version=$(dpkg-query -W -f '${Version}' busybox-static 2>/dev/null | tr ':~+' '___') || version=missing
  BUSYBOX_IMAGE=localhost/statefulset-agents/busybox:${version:-missing}
  BUSYBOX_ARCHIVE=$CACHE/busybox-${version:-missing}.oci.tar
}
busybox_names

import_archives() {
  local a
  for a in "$@"; do
    ctr_ -n k8s.io images import --snapshotter overlayfs "$a" >&2 || { say "import of $a failed"; return 1; }
  done
}

up() {
  local t0 c
  t0=$(now)
  if all_running && node_ready; then
    say "already up"; echo "KUBECONFIG=$KUBECONFIG_PATH"; return 0
  fi
  down  # a killed or half-started earlier run: stale pids, mounts, netns, bridge
  install_packages
  bash "$top/scripts/k8s/build.sh" "$CACHE"
  busybox_names
  [ -f "$BUSYBOX_ARCHIVE" ] || bash "$top/scripts/k8s/busybox-image.sh" "$BUSYBOX_ARCHIVE" "$BUSYBOX_IMAGE"
  mkdir -p "$STATE/pid" "$STATE/log" "$STATE/volumes"
  bash "$top/scripts/k8s/pki.sh" "$STATE/pki" "$NODE_NAME" "$NODE_IP" "$SERVICE_IP" "$APISERVER"
  write_configs
  make_bridge
  make_cgroup_root

  start etcd etcd --name "$NODE_NAME" --data-dir "$STATE/etcd" \
    --listen-client-urls "$ETCD_URL" --advertise-client-urls "$ETCD_URL" \
    --listen-peer-urls "$ETCD_PEER_URL" --initial-advertise-peer-urls "$ETCD_PEER_URL" \
    --initial-cluster "$NODE_NAME=$ETCD_PEER_URL" --log-level warn
  start containerd containerd --config "$STATE/etc/containerd.toml"
  wait_for etcd 30 sh -c "curl -s --max-time 2 $ETCD_URL/health | grep -q '\"health\":\"true\"'"
  wait_for containerd 30 ctr_ version

  local pki=$STATE/pki
  start kube-apiserver "$K8S_BIN/kube-apiserver" --etcd-servers "$ETCD_URL" \
    --bind-address 127.0.0.1 --secure-port 6443 --advertise-address "$NODE_IP" \
    --service-cluster-ip-range "$SERVICE_CIDR" --allow-privileged=true \
    --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" --client-ca-file "$pki/ca.crt" \
    --kubelet-client-certificate "$pki/apiserver-kubelet-client.crt" --kubelet-client-key "$pki/apiserver-kubelet-client.key" \
    --kubelet-preferred-address-types InternalIP \
    --service-account-issuer https://kubernetes.default.svc.cluster.local \
    --service-account-key-file "$pki/service-account.pub" --service-account-signing-key-file "$pki/service-account.key" \
    --authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction --profiling=false
  # Images are imported while the apiserver starts.
  import_archives "$BUSYBOX_ARCHIVE" >/dev/null 2>&1 || fail containerd "import of $BUSYBOX_ARCHIVE"
  remove_containers  # left in containerd's metadata by a run whose containerd was killed
  wait_for kube-apiserver 60 curl_ok --cacert "$pki/ca.crt" --cert "$pki/admin.crt" --key "$pki/admin.key" "$APISERVER/readyz"

  # nodeipam off: the CNI config owns the pod range. One instance each: no leader election traffic.
  start kube-controller-manager "$K8S_BIN/kube-controller-manager" --kubeconfig "$pki/controller-manager.kubeconfig" \
    --authentication-kubeconfig "$pki/controller-manager.kubeconfig" --authorization-kubeconfig "$pki/controller-manager.kubeconfig" \
    --bind-address 127.0.0.1 --controllers '*,-nodeipam' --leader-elect=false \
    --root-ca-file "$pki/ca.crt" --service-account-private-key-file "$pki/service-account.key" \
    --use-service-account-credentials=true --service-cluster-ip-range "$SERVICE_CIDR" --profiling=false
  start kube-scheduler "$K8S_BIN/kube-scheduler" --kubeconfig "$pki/scheduler.kubeconfig" \
    --authentication-kubeconfig "$pki/scheduler.kubeconfig" --authorization-kubeconfig "$pki/scheduler.kubeconfig" \
    --bind-address 127.0.0.1 --leader-elect=false --profiling=false
  start coredns "$COREDNS" -conf "$STATE/etc/Corefile"
  start kubelet "$K8S_BIN/kubelet" --config "$STATE/etc/kubelet.yaml" --kubeconfig "$pki/kubelet.kubeconfig" \
    --root-dir "$STATE/kubelet" --cert-dir "$STATE/kubelet/pki" --hostname-override "$NODE_NAME" --node-ip "$NODE_IP"
  kubectl apply -f "$STATE/etc/bootstrap.yaml" >/dev/null || fail kube-apiserver "bootstrap objects not applied"
  start local-path-provisioner "$PROVISIONER" --debug start --kubeconfig "$pki/admin.kubeconfig" \
    --config "$STATE/etc/local-path.json" --helper-pod-file "$STATE/etc/local-path-helper-pod.yaml" \
    --namespace kube-system --configmap-name local-path-config --service-account-name default \
    --provisioner-name rancher.io/local-path --helper-image "$BUSYBOX_IMAGE"

  wait_for kube-controller-manager 30 curl_ok -k https://127.0.0.1:10257/healthz
  wait_for kube-scheduler 30 curl_ok -k https://127.0.0.1:10259/healthz
  wait_for kubelet 60 node_ready
  # Pods are refused until the service account controller has made the namespace's default account.
  wait_for kube-controller-manager 30 kubectl -n default get serviceaccount default
  wait_for coredns 30 dns_answers
  for c in local-path-provisioner; do pid_of "$c" >/dev/null || fail "$c" "process exited"; done
  say "up in $(since "$t0")s; node $NODE_NAME Ready, CoreDNS answering on $NODE_IP"
  echo "KUBECONFIG=$KUBECONFIG_PATH"
}

status() {
  local c pid rc=0
  for c in "${START_ORDER[@]}"; do
    if pid=$(pid_of "$c"); then printf '%-24s pid %-8s alive  rss %s MiB\n' "$c" "$pid" "$(( $(awk '/^VmRSS/ {print $2}' "/proc/$pid/status") / 1024 ))"
    else printf '%-24s %-12s not running\n' "$c" ""; rc=1; fi
  done
  if pid_of kube-apiserver >/dev/null && node_ready; then echo "node $NODE_NAME Ready"; else echo "node $NODE_NAME not Ready"; rc=1; fi
  return $rc
}

# Import OCI archives (images/build.sh's output) into the cluster's containerd; starts containerd for the import
# alone when the cluster is down, so images can be loaded before `up`.
import() {
  [ $# -gt 0 ] || { echo "usage: scripts/k8s.sh import ARCHIVE..." >&2; exit 2; }
  local a own=0
  for a in "$@"; do [ -f "$a" ] || { echo "k8s: no such archive: $a" >&2; exit 2; }; done
  if ! pid_of containerd >/dev/null; then
    own=1
    mkdir -p "$STATE/pid" "$STATE/log" "$STATE/etc" "$STATE/cni/net.d"
    write_configs
    start containerd containerd --config "$STATE/etc/containerd.toml"
    local deadline=$(( $(date +%s) + 30 ))
    until ctr_ version >/dev/null 2>&1; do
      pid_of containerd >/dev/null && [ "$(date +%s)" -lt "$deadline" ] || { say "containerd did not start; log: $STATE/log/containerd.log"; stop_component containerd; exit 1; }
      sleep 0.2
    done
  fi
  local rc=0
  import_archives "$@" || rc=1
  [ $own = 0 ] || stop_component containerd
  return $rc
}

# One up, down or import at a time on the machine: several engineers' runs share this one cluster, and two ups
# (or an up and a down) interleaved would each tear down what the other started.
lock() {
  mkdir -p "$(dirname "$STATE")"
  exec 9>> "$STATE.lock"
  flock -w "${K8S_LOCK_WAIT:-900}" 9 || { say "another scripts/k8s.sh still holds $STATE.lock"; exit 1; }
}

case "${1:-}" in
  up) lock; up ;;
  down) lock; t0=$(now); down; say "down in $(since "$t0")s" ;;
  status) status ;;
  import) shift; lock; import "$@" ;;
  env) printf 'KUBECONFIG=%s\nKUBECTL=%s\nBUSYBOX_IMAGE=%s\n' "$KUBECONFIG_PATH" "$K8S_BIN/kubectl" "$BUSYBOX_IMAGE" ;;
  *) echo "usage: scripts/k8s.sh up|down|status|import ARCHIVE...|env (got: ${1:-nothing})" >&2; exit 2 ;;
esac
