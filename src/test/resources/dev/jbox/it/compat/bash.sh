# title: bash: pipes, subshells, here-docs, traps, job control (bash -i, and under a pty)
# needs: bash script
# Run by scripts/compat and CompatIT inside `jbox run` (cwd: a fresh directory); exit 0 = works.
set -eu
# pipes, subshells, command and process substitution, here-docs, arithmetic, traps
[ "$(seq 1 100 | grep -c 7 | tr -d ' ')" = 19 ]
[ "$( (cd /; pwd) )" = / ]
[ "$(cat <(echo proc-subst))" = proc-subst ]
n=$(cat <<EOF | wc -l
one
two
$(echo three)
EOF
)
[ "$n" = 3 ]
[ "$(bash -c 'trap "echo trapped" EXIT; exit 0')" = trapped ]
echo "ok: pipes, subshells, substitutions, here-docs, traps"

# job control without a terminal: background jobs, `jobs`, `wait`
out=$(bash --norc -i -c 'sleep 1 & jobs; wait; echo waited' </dev/null 2>/dev/null)
case $out in *Running*waited*) ;; *) echo "bash -i: unexpected output: $out" >&2; exit 1 ;; esac
echo "ok: bash -i -c 'sleep 1 & jobs; wait'"

# an interactive shell (bash -i: job control on) on a pseudo-terminal of its own (script(1)
# from util-linux): it stops, resumes and kills a job, and exits with a status of its own. The
# commands come from a file rather than typed ahead on the terminal, so nothing races.
if command -v script >/dev/null; then
    cat > session.in <<'EOF'
echo "flags: $-"
sleep 0.3 &
jobs
wait
sleep 30 &
kill -STOP %1; sleep 0.3; jobs
kill -CONT %1; kill %1; wait %1; echo "killed: $?"
echo "tty: $(tty)"
exit 3
EOF
    rc=0
    script -qec "bash --norc --noprofile -i ./session.in" /dev/null < /dev/null > session.out 2>&1 || rc=$?
    tr -d '\r' < session.out > session.txt
    [ "$rc" = 3 ] || { echo "pty session: exit $rc, not 3: $(tail -3 session.txt | tr '\n' ' ')" >&2; exit 1; }
    for want in 'flags: .*m' 'Running' 'Stopped' 'killed: 143' 'tty: /dev/pts/'; do
        grep -q "$want" session.txt || { echo "pty session: no '$want' in: $(tr '\n' ' ' < session.txt)" >&2; exit 1; }
    done
    echo "ok: interactive bash on a pty (job control: a job stopped, resumed, killed)"
fi
