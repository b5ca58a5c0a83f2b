#!/usr/bin/env bash
# Write an OCI archive of a one-layer image holding Debian's busybox-static (every applet linked in /bin), without
# a registry or an image builder: the cluster's sandbox ("pause") image, local-path's helper and the smoke test's
# workload. Reproducible: the same .deb gives the same digest.
# Usage: busybox-image.sh OUT.tar IMAGE_NAME
set -euo pipefail
out=$1 name=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/root layout=$work/layout
mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$layout/blobs/sha256"
cp /bin/busybox "$root/bin/busybox"
for applet in $(/bin/busybox --list); do
  [ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
done
chmod 1777 "$root/tmp"
# A passwd/group line for the project's non-root UID, so `id` and shells name it.
printf 'root:x:0:0:root:/root:/bin/sh\nnonroot:x:65532:65532:nonroot:/home/nonroot:/bin/sh\n' > "$root/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' > "$root/etc/group"

blob() {  # file -> prints "sha256:<hex> <size>" after moving it into the layout
  local hex size
  hex=$(sha256sum "$1" | cut -d' ' -f1) size=$(stat -c %s "$1")
  mv "$1" "$layout/blobs/sha256/$hex"
  echo "sha256:$hex $size"
}
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$root" -cf "$work/layer.tar" .
diff_id=sha256:$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
gzip -n "$work/layer.tar"
read -r layer_digest layer_size < <(blob "$work/layer.tar.gz")
printf '{"architecture":"amd64","os":"linux","config":{"Env":["PATH=/bin"],"Entrypoint":["/bin/sleep"],"Cmd":["2147483647"]},"rootfs":{"type":"layers","diff_ids":["%s"]}}' \
  "$diff_id" > "$work/config.json"
read -r config_digest config_size < <(blob "$work/config.json")
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":%s}]}' \
  "$config_digest" "$config_size" "$layer_digest" "$layer_size" > "$work/manifest.json"
read -r manifest_digest manifest_size < <(blob "$work/manifest.json")
# io.containerd.image.name is the full name `ctr images import` stores; ref.name is the OCI spelling of the same.
printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"%s","size":%s,"annotations":{"io.containerd.image.name":"%s","org.opencontainers.image.ref.name":"%s"}}]}' \
  "$manifest_digest" "$manifest_size" "$name" "${name##*:}" > "$layout/index.json"
echo '{"imageLayoutVersion":"1.0.0"}' > "$layout/oci-layout"
tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C "$layout" -cf "$out.tmp" .
mv "$out.tmp" "$out"
