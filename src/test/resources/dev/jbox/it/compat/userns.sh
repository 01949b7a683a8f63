# title: unshare -U true: a nested user namespace (rootless containers, Chromium's sandbox, bwrap inside)
# needs: unshare
# refuses: unshare CLONE_NEWUSER
# expect-fail: minimal strict dev
set -eu
unshare -U true
echo "ok: unshare -U true"
