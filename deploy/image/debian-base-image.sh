#!/usr/bin/env bash
# Builds a base image for Jib from Debian packages, for machines that reach Debian's archive but no container
# registry (docs/deployment.md): Debian 12 (bookworm, minbase) with openjdk-17-jre-headless, written as an image
# tarball in the layout `docker save` writes, which Jib takes as tar:///path.
#
#   deploy/image/debian-base-image.sh                      # writes target/base-image.tar
#   ./mvnw -B package jib:buildTar -DskipTests -Djib.from.image=tar://$PWD/target/base-image.tar
#
# Needs mmdebstrap (apt-get install mmdebstrap) and root, or a user namespace for mmdebstrap --mode=unshare.
# The usual base is eclipse-temurin:17-jre-noble from a registry (pom.xml); this one is a stand-in for where
# that cannot be pulled.
set -euo pipefail
cd "$(dirname "$0")/../.."

out=${1:-target/base-image.tar}
suite=${DEBIAN_SUITE:-bookworm}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

command -v mmdebstrap >/dev/null || { echo "debian-base-image: mmdebstrap is not installed" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mmdebstrap --variant=minbase --include=openjdk-17-jre-headless "$suite" "$work/layer.tar" "$mirror"

diff_id=$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
mkdir -p "$work/image/$diff_id"
mv "$work/layer.tar" "$work/image/$diff_id/layer.tar"
cat >"$work/config.json" <<JSON
{"architecture":"amd64","os":"linux",
 "config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","LANG=C.UTF-8"]},
 "rootfs":{"type":"layers","diff_ids":["sha256:$diff_id"]},
 "history":[{"created_by":"mmdebstrap --variant=minbase --include=openjdk-17-jre-headless $suite"}]}
JSON
config_id=$(sha256sum "$work/config.json" | cut -d' ' -f1)
mv "$work/config.json" "$work/image/$config_id.json"
cat >"$work/image/manifest.json" <<JSON
[{"Config":"$config_id.json","RepoTags":["orderflow-base:$suite-jre17"],"Layers":["$diff_id/layer.tar"]}]
JSON
mkdir -p "$(dirname "$out")"
# member names without a leading ./ (Jib refuses to unpack "./")
tar -C "$work/image" -cf "$out" manifest.json "$config_id.json" "$diff_id/layer.tar"
echo "debian-base-image: wrote $out ($(du -h "$out" | cut -f1)); build on it with -Djib.from.image=tar://$(realpath "$out")"
