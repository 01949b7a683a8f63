/*
 * notify-bench: the cost of one system call inside the sandbox, as the caller sees it.
 *
 *   notify-bench refused N   ptrace(PTRACE_PEEKDATA, 0, 0, 0): refused by every preset
 *                            (EPERM); under --report each one is a seccomp notification
 *   notify-bench allowed N   getppid(): allowed, never notified
 *
 * Prints "<mode> ns=<fastest of 5 batches of N calls, per call> errno=<errno of the last call>".
 * Built by scripts/bench-report with plain gcc.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: notify-bench refused|allowed N\n");
        return 2;
    }
    int refused = strcmp(argv[1], "refused") == 0;
    long n = atol(argv[2]);
    double best = -1;
    int err = 0;
    for (int batch = 0; batch < 5; batch++) {
        double t0 = now_ns();
        for (long i = 0; i < n; i++) {
            long r = refused ? syscall(SYS_ptrace, 2 /* PTRACE_PEEKDATA */, 0, 0, 0) : syscall(SYS_getppid);
            err = r < 0 ? errno : 0;
        }
        double per = (now_ns() - t0) / n;
        if (best < 0 || per < best) {
            best = per;
        }
    }
    printf("%s ns=%.0f errno=%s\n", argv[1], best, err ? strerrorname_np(err) : "0");
    return 0;
}
