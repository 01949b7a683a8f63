# title: perf stat true
# needs: perf
# refuses: perf_event_open
# expect-fail: minimal strict nested
set -eu
perf stat -o perf.out true
grep -q 'Performance counter stats' perf.out
echo "ok: perf stat true: $(grep -c 'task-clock' perf.out) task-clock line"
