# title: bwrap inside `jbox bwrap` (jbox as `bwrap` on PATH runs a sandbox; the real bwrap inside it creates another)
# needs: bwrap
# via: path
# refuses: clone CLONE_NEWUSER|mount|pivot_root
# expect-fail: minimal strict dev
# match: bwrap:
#
# The outer `bwrap` is jbox (the harness puts `bwrap -> scripts/jbox` first on PATH and sets
# JBOX_PROFILE); the inner one is the real bwrap, run by the sandboxed command as any nested
# sandbox would: a user namespace (clone with CLONE_NEWUSER), mounts, pivot_root.
set -eu
real=$(PATH=/usr/local/bin:/usr/bin:/bin command -v bwrap)
echo "outer: $(command -v bwrap), inner: $real"
# The inner sandbox mounts no proc of its own: the kernel refuses a new proc mount where the
# outer one is partly covered (bwrap covers /proc/sys and others), for any bwrap.
out=$(bwrap --ro-bind / / --dev /dev --proc /proc --tmpfs /tmp --unshare-user --unshare-pid --unshare-net \
        --die-with-parent -- \
    "$real" --ro-bind / / --tmpfs /tmp --unshare-user --unshare-net --unshare-uts --hostname inner \
        --die-with-parent -- sh -c 'touch /tmp/x && echo "$(hostname) $(cat /proc/sys/kernel/hostname)"')
[ "$out" = "inner inner" ] || { echo "nested bwrap printed '$out'" >&2; exit 1; }
echo "ok: bwrap inside jbox bwrap under ${JBOX_PROFILE:-the real bwrap}"
