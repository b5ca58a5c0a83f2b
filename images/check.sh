#!/usr/bin/env bash
# Check built image archives without Kubernetes: images/check.sh ARCHIVE...   (images/build.sh --check runs it)
#
# Per image, as UID/GID 65532: node --version is Node $NODE_VERSION, the agents answer --help, java -version runs.
# Then, in the root filesystem mounted read-only (a private mount namespace: what readOnlyRootFilesystem does) with
# tmpfs at /tmp and at the data directory (the emptyDir and the volume of deploy/): ZooKeeper (ours, and Debian's
# stand-in run by the agents that the agents image installs) starts and answers zk-probe live; Kafka prints its
# version. One line per check; exit 1 at the first failure, naming it.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$top/versions.env"
CACHE=${IMAGES_CACHE:-/var/cache/statefulset-agents/images}
B=(buildah --root "$CACHE/storage" --runroot /run/statefulset-agents-images --storage-driver vfs)
[ $# -gt 0 ] || { echo "usage: images/check.sh ARCHIVE..." >&2; exit 2; }

ok() { echo "check: $name: $*"; }
fail() { echo "check: $name: FAILED: $*" >&2; exit 1; }
containers=() mounts=()
cleanup() {
  local c
  for c in "${containers[@]}"; do "${B[@]}" rm "$c" >/dev/null 2>&1 || true; done
}
trap cleanup EXIT

# Run argv as 65532 in the container (buildah run, chroot isolation).
as_user() { "${B[@]}" run --isolation chroot --user 65532:65532 --workingdir / "$c" -- "$@" 2>&1; }
expect() { # description regex argv...
  local what=$1 re=$2; shift 2
  local out; out=$(as_user "$@") || fail "$what: exit $?: $(tail -c 300 <<<"$out")"
  grep -Eq "$re" <<<"$out" || fail "$what: output does not match /$re/: $(tail -c 300 <<<"$out")"
  ok "$what: $(grep -Em1 "$re" <<<"$out" | cut -c1-100)"
}

# Run a shell script (stdin) with the image's root filesystem read-only at $root, /tmp and $data on tmpfs, and
# $agents (if given) bind-mounted at /agents; the script sees $root and runs commands with `inroot CMD...`.
readonly_run() { # root data agents
  unshare --mount --propagation private env root="$1" data="$2" agents="${3:-}" bash -euo pipefail -c '
    mount --bind "$root" "$root" && mount -o remount,bind,ro "$root"
    mount -t proc proc "$root/proc" && mount --rbind /dev "$root/dev"
    mount -t tmpfs -o mode=1777 tmpfs "$root/tmp" && mount -t tmpfs -o uid=65532,gid=65532 tmpfs "$root$data"
    [ -z "$agents" ] || mount --bind "$agents" "$root/agents"
    inroot() { chroot --userspec=65532:65532 "$root" /usr/bin/env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/tmp "$@"; }
    if chroot "$root" touch /.rw-check 2>/dev/null; then echo "the root filesystem is writable"; exit 1; fi
    '"$(cat)"
}

for archive in "$@"; do
  [ -s "$archive" ] || { echo "check: missing archive $archive" >&2; exit 1; }
  ref=$(tar -xOf "$archive" index.json | jq -r '.manifests[0].annotations["org.opencontainers.image.ref.name"]')
  name=${ref#docker.io/statefulset-agents/}
  c=$("${B[@]}" from --pull=never "oci-archive:$archive" 2>/dev/null) || fail "buildah from oci-archive:$archive"
  containers+=("$c")
  root=$("${B[@]}" mount "$c")
  case $name in
    zookeeper:*|kafka:*)
      expect 'node --version' "^v$NODE_VERSION\$" node --version
      expect 'java -version' 'openjdk version "17' java -version
      expect 'id' 'uid=65532\(nonroot\) gid=65532\(nonroot\)' id
      if [[ $name == zookeeper:* ]]; then
        expect 'zk-probe --help' '^Usage: zk-probe' node /app/zk-probe.cjs --help
        expect 'zk-bootstrap --help' '^Usage: zk-bootstrap' node /app/zk-bootstrap.cjs --help
        expect 'peer-finder --help' '^Usage: peer-finder' node /app/peer-finder.cjs --help
        out=$(readonly_run "$root" /var/lib/zookeeper <<'EOF' 2>&1
          port=$((20000 + RANDOM % 20000))
          printf 'dataDir=/var/lib/zookeeper\nclientPort=%s\n4lw.commands.whitelist=ruok,srvr,conf\nadmin.enableServer=false\n' "$port" >"$root/var/lib/zookeeper/zoo.cfg"
          inroot java -Xmx128m -cp '/opt/zookeeper/libs/*' org.apache.zookeeper.server.quorum.QuorumPeerMain /var/lib/zookeeper/zoo.cfg >"$root/var/lib/zookeeper/zk.log" 2>&1 &
          for i in $(seq 1 60); do
            if out=$(inroot node /app/zk-probe.cjs live -port=$port -timeout=1s 2>&1); then echo "$out"; kill %1; wait || true; exit 0; fi
            sleep 0.5
          done
          echo "no imok on port $port; zk.log:"; tail -5 "$root/var/lib/zookeeper/zk.log"; kill %1 || true; exit 1
EOF
        ) || fail "ZooKeeper from a read-only root: $out"
        ok "ZooKeeper from a read-only root, /tmp and /var/lib/zookeeper on tmpfs: $(tail -1 <<<"$out")"
      else
        expect 'kafka-entrypoint --help' '^Usage: kafka-entrypoint' node /app/kafka-entrypoint.cjs --help
        expect 'kafka-probe --help' '^Usage: kafka-probe' node /app/kafka-probe.cjs --help
        out=$(readonly_run "$root" /var/lib/kafka <<'EOF' 2>&1
          inroot java -Xmx128m -cp '/opt/kafka/libs/*' kafka.Kafka --version
EOF
        ) || fail "Kafka from a read-only root: $out"
        ok "Kafka from a read-only root, /tmp on tmpfs: kafka.Kafka --version: $(grep -Em1 '^[0-9]' <<<"$out")"
      fi
      ;;
    agents:*)
      expect 'node --version' "^v$NODE_VERSION\$" /usr/local/bin/node --version
      expect 'agents-install --help' '^Usage: agents-install' /usr/local/bin/node /app/agents-install.cjs --help
      for a in peer-finder zk-bootstrap zk-probe kafka-entrypoint kafka-probe; do
        expect "$a --help" "^Usage: $a" /usr/local/bin/node "/app/$a.cjs" --help
      done
      [ ! -e "$root/bin/sh" ] && [ ! -e "$root/bin/cp" ] || fail "a shell or cp in the scratch image"
      ok "no /bin/sh, no cp; $(du -sm "$root" | cut -f1) MB"
      # The install step, into a directory the later check of the stand-in uses (the emptyDir of a pod).
      agents_dir=$(mktemp -d) && chown 65532:65532 "$agents_dir"
      out=$("${B[@]}" run --isolation chroot --user 65532:65532 -v "$agents_dir:/agents" "$c" -- /usr/local/bin/node /app/agents-install.cjs /agents 2>&1) ||
        fail "agents-install /agents: $out"
      ok "agents-install /agents: $out"
      ;;
    zookeeper-debian:*)
      expect 'java -version (as 65532, no passwd line)' 'openjdk version "17' java -version
      [ -x "$root/usr/share/zookeeper/bin/zkServer.sh" ] || fail "no /usr/share/zookeeper/bin/zkServer.sh"
      [ ! -e "$root/app" ] && [ ! -e "$root/usr/local/bin/node" ] || fail "agents in the stand-in"
      if [ -n "${agents_dir:-}" ]; then
        # The install pattern: the stand-in, read-only, runs node and zk-probe from the installed directory.
        mkdir -p "$root/agents" 2>/dev/null || true
        cp_java=$(cd "$root" && ls usr/share/java/zookeeper.jar >/dev/null && echo '/usr/share/java/*')
        out=$(readonly_run "$root" /var/lib/zookeeper "$agents_dir" <<EOF 2>&1
          port=\$((20000 + RANDOM % 20000))
          printf 'dataDir=/var/lib/zookeeper\nclientPort=%s\n4lw.commands.whitelist=ruok,srvr,conf\nadmin.enableServer=false\n' "\$port" >"\$root/var/lib/zookeeper/zoo.cfg"
          inroot java -Xmx128m -cp '/etc/zookeeper/conf:$cp_java' -Dzookeeper.root.logger=INFO,CONSOLE org.apache.zookeeper.server.quorum.QuorumPeerMain /var/lib/zookeeper/zoo.cfg >"\$root/var/lib/zookeeper/zk.log" 2>&1 &
          for i in \$(seq 1 60); do
            if out=\$(inroot /agents/node /agents/zk-probe.cjs live -port=\$port -timeout=1s 2>&1); then echo "\$out"; kill %1; wait || true; exit 0; fi
            sleep 0.5
          done
          echo "no imok on port \$port; zk.log:"; tail -5 "\$root/var/lib/zookeeper/zk.log"; kill %1 || true; exit 1
EOF
        ) || fail "Debian ZooKeeper with the installed agents, read-only root: $out"
        ok "Debian ZooKeeper from a read-only root, probed by /agents/node /agents/zk-probe.cjs: $(tail -1 <<<"$out")"
      fi
      ;;
    *) fail "unknown image $ref" ;;
  esac
done
[ -z "${agents_dir:-}" ] || rm -rf "$agents_dir"
