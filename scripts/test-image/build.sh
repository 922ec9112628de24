#!/usr/bin/env bash
# Builds the test images raptor-test/gameserver:1, :2, :echo and :messages (both = :1) on the engine at $DOCKER_HOST, by
# `docker import` of a busybox rootfs (busybox-static) plus gameserver.sh. No registry is needed.
# Skips the build when both tags exist and carry the current source hash (files of this folder +
# busybox version); pass --force to rebuild anyway. Normally called by scripts/engine.sh start.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BUSYBOX="${BUSYBOX:-/bin/busybox}"
REPO="raptor-test/gameserver"
HASH_LABEL="dev.raptor-test.image.hash"
VARIANT_LABEL="dev.raptor-test.image.variant"
FORCE=0
[ "${1:-}" = "--force" ] && FORCE=1

log() { echo "engine: $*" >&2; }
die() { echo "engine: ERROR: $*" >&2; exit 1; }

[ -n "${DOCKER_HOST:-}" ] || die "DOCKER_HOST is not set"
[ -x "$BUSYBOX" ] || die "$BUSYBOX missing (apt-get install busybox-static)"
# socat (with the libraries it links) for the echo mode: busybox's nc speaks no Unix sockets
SOCAT="$(command -v socat || true)"
[ -n "$SOCAT" ] || die "socat missing (apt-get install socat)"
dk() { timeout 60 docker "$@"; }

source_hash() {
    {
        "$BUSYBOX" 2>&1 | head -n 1
        "$SOCAT" -V 2>/dev/null | grep -m1 'socat version' || true
        (cd "$HERE" && find . -type f -print | LC_ALL=C sort | while read -r f; do
            echo "== $f"
            cat "$f"
        done)
    } | sha256sum | cut -c1-16
}

label_of() { # image label -> value or empty
    dk image inspect -f "{{ index .Config.Labels \"$2\" }}" "$1" 2>/dev/null || true
}

HASH="$(source_hash)"
if [ "$FORCE" -eq 0 ] && [ "$(label_of "$REPO:1" "$HASH_LABEL")" = "$HASH" ] &&
    [ "$(label_of "$REPO:2" "$HASH_LABEL")" = "$HASH" ] && [ "$(label_of "$REPO:echo" "$HASH_LABEL")" = "$HASH" ] &&
    [ "$(label_of "$REPO:messages" "$HASH_LABEL")" = "$HASH" ]; then
    log "test images $REPO:1 and :2 up to date (source $HASH)"
    exit 0
fi

t0=$SECONDS
log "building test images $REPO:1 and :2 (source $HASH)"
WORK="$(mktemp -d /tmp/raptor-test-image.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
R="$WORK/rootfs"
mkdir -p "$R"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,etc,root,home/container,tmp,var/tmp,proc,sys,dev,run}
cp "$BUSYBOX" "$R/bin/busybox"
chmod 755 "$R/bin/busybox"
# applet symlinks at their usual places inside the rootfs (never on the host)
chroot "$R" /bin/busybox --install -s
[ -L "$R/bin/sh" ] || die "busybox --install did not create /bin/sh"
cp -L "$SOCAT" "$R/usr/bin/socat"
for lib in $(ldd "$SOCAT" | grep -o '/[^ ]*'); do
    mkdir -p "$R$(dirname "$lib")"
    cp -L "$lib" "$R$lib"
done
chmod 1777 "$R/tmp" "$R/var/tmp"
chmod 700 "$R/root"
chown 1000:1000 "$R/home/container"
chmod 755 "$R/home/container"
cat >"$R/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
container:x:1000:1000:container:/home/container:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat >"$R/etc/group" <<'EOF'
root:x:0:
container:x:1000:
nogroup:x:65534:
EOF
echo "raptor-test" >"$R/etc/hostname"
install -m 755 "$HERE/gameserver.sh" "$R/gameserver.sh"
# where the README's examples start it, on both runtimes ("startup": "raptor-gameserver")
ln -s /gameserver.sh "$R/usr/local/bin/raptor-gameserver"

TAR="$WORK/rootfs.tar"
tar --numeric-owner -C "$R" -cf "$TAR" .

import() { # tag variant
    dk image import \
        -m "raptor test game server (busybox), source $HASH" \
        -c 'ENTRYPOINT ["/bin/sh","/gameserver.sh"]' \
        -c 'WORKDIR /home/container' \
        -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        -c "LABEL $HASH_LABEL=$HASH" \
        -c "LABEL $VARIANT_LABEL=$2" \
        "$TAR" "$REPO:$1" >/dev/null
}
import 1 1 || die "docker import of $REPO:1 failed"
import 2 2 || die "docker import of $REPO:2 failed"
# :echo is :1 under a name of its own, which the echo-mode tests use: a checkout whose build.sh predates the echo
# mode (and socat) rebuilds :1 and :2 without it, never :echo
import echo 1 || die "docker import of $REPO:echo failed"
# :messages is :1 again, for the tests of acknowledged delivery: its echo mode acknowledges every message
# ({"ack": id}), which the :echo of a checkout from before acknowledgements does not (and such a checkout's build
# replaces :1, :2 and :echo, never :messages, on the shared engine)
import messages 1 || die "docker import of $REPO:messages failed"
# drop earlier builds that are now untagged (ones still used by containers stay)
dk image prune -f --filter "label=$HASH_LABEL" >/dev/null 2>&1 || true

for t in 1 2 echo messages; do
    [ "$(label_of "$REPO:$t" "$HASH_LABEL")" = "$HASH" ] || die "$REPO:$t lacks label $HASH_LABEL=$HASH after import"
done
log "built $REPO:1 ($(dk image inspect -f '{{.Id}}' "$REPO:1" | cut -c8-19)) and $REPO:2 ($(dk image inspect -f '{{.Id}}' "$REPO:2" | cut -c8-19)) in $((SECONDS - t0))s"
