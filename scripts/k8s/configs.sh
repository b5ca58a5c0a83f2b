#!/usr/bin/env bash
# Write every component's configuration into $STATE/etc. Sourced by scripts/k8s.sh, which sets the variables.
# shellcheck disable=SC2154

write_configs() {
  local etc=$STATE/etc
  mkdir -p "$etc" "$STATE/cni/net.d"

  # containerd 1.6 (Debian 12). restrict_oom_score_adj: this VM refuses a lower OOM score, and without it every
  # sandbox fails with "can't get final child's PID from pipe: EOF" (runc: oom_score_adj Permission denied).
  cat > "$etc/containerd.toml" <<TOML
version = 2
root = "$STATE/containerd"
state = "$STATE/containerd-state"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs"]
[grpc]
  address = "$CONTAINERD_SOCK"
[ttrpc]
  address = "$STATE/containerd-ttrpc.sock"
[metrics]
  address = ""
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$BUSYBOX_IMAGE"
  restrict_oom_score_adj = true
  disable_apparmor = true
  enable_selinux = false
  max_container_log_line_size = 16384
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$STATE/cni/net.d"
    max_conf_num = 1
TOML

  # The bridge is made by scripts/k8s.sh with a fixed MAC (a bridge otherwise takes the lowest MAC of its ports,
  # so it changes as pods come and go and pods lose DNS for seconds). isGateway false: the plugin then neither
  # re-addresses the bridge nor turns on ip_forward; routes []: pods get no default route, so nothing they send
  # leaves this machine. The gateway entry only keeps host-local from handing out the bridge's own address.
  cat > "$STATE/cni/net.d/10-statefulset-agents.conflist" <<JSON
{
  "cniVersion": "0.4.0",
  "name": "statefulset-agents-k8s",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$BRIDGE",
      "isGateway": false,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "dataDir": "$STATE/cni/ipam",
        "ranges": [[{"subnet": "$POD_CIDR", "gateway": "$NODE_IP"}]],
        "routes": []
      }
    }
  ]
}
JSON

  # Pods' DNS: CoreDNS on the bridge address. The kubelet's own resolv.conf names only it, so no pod is ever
  # pointed at a resolver outside this machine.
  echo "nameserver $NODE_IP" > "$etc/resolv.conf"

  cat > "$etc/kubelet.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_IP
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
tlsCertFile: $STATE/pki/kubelet-serving.crt
tlsPrivateKeyFile: $STATE/pki/kubelet-serving.key
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: false}
  x509: {clientCAFile: $STATE/pki/ca.crt}
authorization: {mode: AlwaysAllow}
containerRuntimeEndpoint: unix://$CONTAINERD_SOCK
# No systemd here; cgroup v1 (1.35 refuses it unless told); a cgroup root of its own so another kubelet on the
# machine does not delete these pods' cgroups as orphans.
cgroupDriver: cgroupfs
failCgroupV1: false
cgroupRoot: /$CGROUP_ROOT
cgroupsPerQOS: true
enforceNodeAllocatable: []
failSwapOn: false
resolvConf: $etc/resolv.conf
clusterDNS: [$NODE_IP]
clusterDomain: cluster.local
podCIDR: $POD_CIDR
# Not /var/log/pods: everything the cluster writes stays under the state dir, for down to remove.
podLogsDir: $STATE/pod-logs
# The disk is shared with builds and other clusters: evict only when nearly full. Images cannot be pulled back
# (no registry), so image GC never runs.
evictionHard: {memory.available: 100Mi, nodefs.available: 2%, nodefs.inodesFree: 2%, imagefs.available: 2%}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
serializeImagePulls: false
rotateCertificates: false
serverTLSBootstrap: false
YAML

  # CoreDNS on the host, bound to the bridge address; no forward plugin, so outside names get no answer.
  cat > "$etc/Corefile" <<COREFILE
.:53 {
    bind $NODE_IP
    errors
    kubernetes cluster.local in-addr.arpa ip6.arpa {
        kubeconfig $STATE/pki/admin.kubeconfig
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
    }
}
COREFILE

  # local-path-provisioner: volumes under $STATE/volumes, made by its helper pod with upstream's own scripts
  # (in the ConfigMap below). mkdir -m 0777: the PVs are hostPath, which ignores fsGroup, so the mode is what lets
  # a pod running as UID 65532 write.
  cat > "$etc/local-path.json" <<JSON
{"nodePathMap": [{"node": "DEFAULT_PATH_FOR_NON_LISTED_NODES", "paths": ["$STATE/volumes"]}]}
JSON
  cat > "$etc/local-path-helper-pod.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata:
  name: helper-pod
spec:
  priorityClassName: system-node-critical
  containers:
  - name: helper-pod
    image: $BUSYBOX_IMAGE
    imagePullPolicy: Never
YAML
  cat > "$etc/bootstrap.yaml" <<YAML
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: local-path
  annotations:
    storageclass.kubernetes.io/is-default-class: "true"
provisioner: rancher.io/local-path
volumeBindingMode: WaitForFirstConsumer
reclaimPolicy: Delete
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: local-path-config
  namespace: kube-system
data:
  setup: |-
    #!/bin/sh
    set -eu
    mkdir -m 0777 -p "\$VOL_DIR"
  teardown: |-
    #!/bin/sh
    set -eu
    rm -rf "\$VOL_DIR"
YAML
}
