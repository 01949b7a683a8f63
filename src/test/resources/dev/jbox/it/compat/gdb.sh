# title: gdb -batch -ex run --args true
# needs: gdb
# refuses: ptrace | personality 0x0040000
# match: ptrace
# expect-fail: minimal strict nested
set -eu
gdb -nx -batch -ex run --args /bin/true > gdb.out 2>&1 || true
cat gdb.out >&2
grep -q 'exited normally' gdb.out
echo "ok: gdb ran true to completion"
