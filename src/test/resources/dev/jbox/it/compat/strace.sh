# title: strace -f true
# needs: strace
# refuses: ptrace
# expect-fail: minimal strict nested
set -eu
strace -f -o trace.txt true
grep -q 'execve("' trace.txt
echo "ok: strace -f true"
