#!/usr/bin/env bash
# Generate the cluster's certificates, keys and kubeconfigs with openssl (EC P-256: fast to make, accepted by every
# component). A fresh CA on every `up`: nothing outlives the cluster it was made for.
# Usage: pki.sh DIR NODE_NAME NODE_IP SERVICE_IP APISERVER_URL
set -euo pipefail
dir=$1 node=$2 node_ip=$3 service_ip=$4 server=$5
mkdir -p "$dir" && cd "$dir"
umask 077

newkey() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" 2>/dev/null; }
# cert NAME SUBJECT EXTENDED_KEY_USAGE [SUBJECT_ALT_NAMES]
cert() {
  local name=$1 subject=$2 eku=$3 san=${4:-}
  newkey "$name"
  openssl req -new -key "$name.key" -subj "$subject" -out "$name.csr"
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=$eku"
    [ -z "$san" ] || echo "subjectAltName=$san"
  } > "$name.ext"
  openssl x509 -req -in "$name.csr" -CA ca.crt -CAkey ca.key -set_serial "0x$(openssl rand -hex 16)" \
    -days 365 -extfile "$name.ext" -out "$name.crt" 2>/dev/null
  rm -f "$name.csr" "$name.ext"
}
# kubeconfig NAME CERT: a kubeconfig with the CA and the client certificate embedded.
kubeconfig() {
  cat > "$1.kubeconfig" <<KC
apiVersion: v1
kind: Config
clusters:
- name: statefulset-agents-k8s
  cluster:
    server: $server
    certificate-authority-data: $(base64 -w0 ca.crt)
users:
- name: $1
  user:
    client-certificate-data: $(base64 -w0 "$2.crt")
    client-key-data: $(base64 -w0 "$2.key")
contexts:
- name: statefulset-agents-k8s
  context: {cluster: statefulset-agents-k8s, user: $1}
current-context: statefulset-agents-k8s
KC
}

newkey ca
openssl req -x509 -new -key ca.key -subj "/CN=statefulset-agents-k8s-ca" -days 365 \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out ca.crt
cert apiserver "/CN=kube-apiserver" serverAuth \
  "DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,DNS:localhost,IP:127.0.0.1,IP:$node_ip,IP:$service_ip"
cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" clientAuth
cert admin "/O=system:masters/CN=admin" clientAuth
cert controller-manager "/CN=system:kube-controller-manager" clientAuth
cert scheduler "/CN=system:kube-scheduler" clientAuth
cert kubelet "/O=system:nodes/CN=system:node:$node" clientAuth
cert kubelet-serving "/CN=$node" serverAuth "DNS:$node,IP:$node_ip"
newkey service-account
openssl pkey -in service-account.key -pubout -out service-account.pub
kubeconfig admin admin
kubeconfig controller-manager controller-manager
kubeconfig scheduler scheduler
kubeconfig kubelet kubelet
chmod 0644 ca.crt admin.kubeconfig
