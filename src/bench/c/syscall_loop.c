/* Times a syscall in a tight loop from inside the sandbox: `syscall_loop getppid|fionread N`.
 * Prints the mean nanoseconds per call of the fastest of 20 batches of N/20 calls: the batch
 * that other work on the machine disturbed least (a VM's neighbours and timer interrupts
 * otherwise dominate a difference of a few percent). Used by scripts/bench to measure what the seccomp
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
    const int batches = 20;
    long per = n / batches > 0 ? n / batches : 1;
    double best = -1;
    for (int k = 0; k < batches; k++) {
        clock_gettime(CLOCK_MONOTONIC, &a);
        for (long i = 0; i < per; i++) {
            if (fionread) {
                syscall(SYS_ioctl, fds[0], FIONREAD, &avail);
            } else {
                syscall(SYS_getppid);
            }
        }
        clock_gettime(CLOCK_MONOTONIC, &b);
        double ns = ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / per;
        if (best < 0 || ns < best) {
            best = ns;
        }
    }
    printf("%.1f\n", best);
    return 0;
}
