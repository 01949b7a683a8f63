/* Times a syscall in a tight loop from inside the sandbox: `syscall_loop getppid|fionread N`.
 * Prints the mean nanoseconds per call. Used by scripts/bench to measure what the seccomp
 * filter costs an allowed call (getppid: decided from nr alone, cacheable by the kernel;
 * ioctl(FIONREAD): goes through the TIOCSTI argument check). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s getppid|fionread N\n", argv[0]);
        return 2;
    }
    long n = atol(argv[2]);
    int fionread = strcmp(argv[1], "fionread") == 0;
    int fds[2];
    if (pipe(fds) != 0) { perror("pipe"); return 1; }
    struct timespec a, b;
    int avail = 0;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (long i = 0; i < n; i++) {
        if (fionread) {
            syscall(SYS_ioctl, fds[0], FIONREAD, &avail);
        } else {
            syscall(SYS_getppid);
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    double ns = (b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec);
    printf("%.1f\n", ns / n);
    return 0;
}
