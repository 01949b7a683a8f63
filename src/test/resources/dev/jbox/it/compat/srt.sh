# title: srt (@anthropic-ai/sandbox-runtime from npm) with jbox as `bwrap` on PATH: echo, a file read, a write in the working directory, a blocked network request; its helper's unshare(CLONE_NEWUSER) and mount
# needs: node npm socat rg python3 curl
# via: path
# refuses: unshare CLONE_NEWUSER|mount
# expect-fail: minimal strict dev
# match: unshare|mount|Operation not permitted
#
# srt wraps every command in the `bwrap` it finds on PATH, and inside runs a helper
# (apply-seccomp) that calls unshare(CLONE_NEWUSER) and mount(MS_REC|MS_PRIVATE) before
# installing its own filter. The harness puts a directory with `bwrap -> scripts/jbox` first on
# PATH and sets JBOX_PROFILE (the "host" column runs the real bwrap). srt is installed with npm
# into $JBOX_CLIENT_CACHE (not globally): the newest version whose engines.node this Node
# satisfies (npm does not choose by engines itself), else the one installed there before.
set -eu
cache=${JBOX_CLIENT_CACHE:?JBOX_CLIENT_CACHE must name a directory for npm installs}
pkg=@anthropic-ai/sandbox-runtime
mkdir -p "$cache"
pick=$(cd "$cache" && npm view "$pkg@>=0.0.0" version engines --json 2>/dev/null | node -e '
let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
  let list; try { list = JSON.parse(s); } catch (e) { return; }
  if (!Array.isArray(list)) list = [list];
  const num = v => v.split(/[.-]/).slice(0, 3).map(Number);
  const ge = (a, b) => { for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] > b[i]; return true; };
  const here = num(process.versions.node);
  const ok = list.filter(p => /^\d+\.\d+\.\d+$/.test(p.version)).filter(p => {
    const m = /^>=\s*(\d+\.\d+\.\d+)$/.exec((p.engines || {}).node || ">=0.0.0");
    return m !== null && ge(here, num(m[1]));
  }).map(p => p.version).sort((a, b) => ge(num(a), num(b)) ? 1 : -1);
  if (ok.length) console.log(ok[ok.length - 1]);
});') || true
if [ -z "$pick" ]; then
    # the registry is unreachable: the newest version installed here before
    pick=$(ls "$cache" 2>/dev/null | sed -n 's/^srt-//p' | sort -V | tail -1)
fi
[ -n "$pick" ] || { echo "srt: no version of $pkg for node $(node --version) (registry unreachable?)" >&2; exit 1; }
dir=$cache/srt-$pick
if [ ! -x "$dir/node_modules/.bin/srt" ]; then
    # one install at a time: several runs may share the cache
    (flock 9; [ -x "$dir/node_modules/.bin/srt" ] || npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "$pkg@$pick" >&2) 9>"$cache/.lock"
fi
srt=$dir/node_modules/.bin/srt
echo "srt $pick ($("$srt" --version)), node $(node --version), bwrap: $(command -v bwrap)"

# the working directory writable, no domain allowed
cat > srt-settings.json <<'JSON'
{"network": {"allowedDomains": [], "deniedDomains": []},
 "filesystem": {"denyRead": [], "allowWrite": ["."], "denyWrite": []}}
JSON
echo "some data" > input.txt

out=$("$srt" -s srt-settings.json -c 'echo hello')
[ "$out" = hello ] || { echo "srt -c 'echo hello' printed '$out'" >&2; exit 1; }
echo "ok: srt -c 'echo hello'"
out=$("$srt" -s srt-settings.json -c 'cat input.txt')
[ "$out" = "some data" ] || { echo "srt: cat input.txt printed '$out'" >&2; exit 1; }
echo "ok: srt reads a file"
"$srt" -s srt-settings.json -c 'echo written > output.txt'
[ "$(cat output.txt)" = written ] || { echo "srt: the write in the working directory did not arrive" >&2; exit 1; }
echo "ok: srt writes in the working directory"
# the network: srt's proxy refuses a domain not on the allow list (403), and there is no route
# around it (the sandbox has no network of its own)
code=$("$srt" -s srt-settings.json -c 'curl -sS -m 10 -o /dev/null -w "%{http_code}" http://example.com/ || true')
[ "$code" = 403 ] || { echo "srt: http://example.com/ gave '$code', not the proxy's 403" >&2; exit 1; }
if "$srt" -s srt-settings.json -c 'curl -sS -m 5 --noproxy "*" -o /dev/null http://1.1.1.1/' 2>/dev/null; then
    echo "srt: a direct connection to 1.1.1.1 went through" >&2; exit 1
fi
echo "ok: srt blocks the network (proxy 403, no direct route)"

# what the command inside srt may still not do: jbox's filter stays under srt's
"$srt" -s srt-settings.json -c 'python3 -c "
import ctypes, errno, os, platform
libc = ctypes.CDLL(None, use_errno=True)
nr = {\"x86_64\": dict(ptrace=101, bpf=321, keyctl=250, ioctl=16),
      \"aarch64\": dict(ptrace=117, bpf=280, keyctl=219, ioctl=29)}[platform.machine()]
L = ctypes.c_long
# arguments that fail harmlessly where no filter refuses the call
calls = dict(ptrace=(nr[\"ptrace\"], L(16), L(-1), L(0), L(0)),   # PTRACE_ATTACH to no process: ESRCH
             bpf=(nr[\"bpf\"], L(0x7fffffff), L(0), L(0)),          # no such command: EINVAL
             keyctl=(nr[\"keyctl\"], L(0), L(-1), L(0)),            # KEYCTL_GET_KEYRING_ID
             ioctl=(nr[\"ioctl\"], L(-1), L(0x5412), L(0)))         # TIOCSTI on no fd: EBADF
out = []
for name, args in calls.items():
    r = libc.syscall(*args)
    out.append(name + \" \" + (errno.errorcode.get(ctypes.get_errno(), \"?\") if r < 0 else \"allowed\"))
print(\"inside srt: \" + \", \".join(out))
"' > probes.txt
cat probes.txt
case ${JBOX_PROFILE:-host} in
    host|none) ;;
    *) [ "$(cat probes.txt)" = "inside srt: ptrace EPERM, bpf EPERM, keyctl EPERM, ioctl EPERM" ] \
        || { echo "srt under $JBOX_PROFILE: jbox's filter does not hold inside srt" >&2; exit 1; } ;;
esac
echo "ok: srt under ${JBOX_PROFILE:-the real bwrap}"
