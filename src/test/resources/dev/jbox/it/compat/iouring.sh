# title: io_uring with no fallback: a C program reading a file through io_uring_setup and io_uring_enter
# needs: gcc
# refuses: io_uring_setup
# expect-fail: strict dev
set -eu
cat > uring.c <<'EOF'
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
/* One IORING_OP_READ of this file through a raw io_uring: no liburing, no fallback. */
int main(void) {
    struct io_uring_params p;
    memset(&p, 0, sizeof p);
    int ring = (int)syscall(__NR_io_uring_setup, 4, &p);
    if (ring < 0) { fprintf(stderr, "io_uring_setup: %s\n", strerror(errno)); return 1; }
    size_t sqlen = p.sq_off.array + p.sq_entries * sizeof(unsigned), cqlen = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
    char *sq = mmap(0, sqlen, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring, IORING_OFF_SQ_RING);
    char *cq = mmap(0, cqlen, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring, IORING_OFF_CQ_RING);
    struct io_uring_sqe *sqes = mmap(0, p.sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring, IORING_OFF_SQES);
    if (sq == MAP_FAILED || cq == MAP_FAILED || sqes == MAP_FAILED) { perror("mmap"); return 1; }
    int fd = open("uring.c", O_RDONLY);
    char buf[16] = {0};
    memset(&sqes[0], 0, sizeof sqes[0]);
    sqes[0].opcode = IORING_OP_READ; sqes[0].fd = fd; sqes[0].addr = (unsigned long)buf; sqes[0].len = 8;
    unsigned *tail = (unsigned *)(sq + p.sq_off.tail), *array = (unsigned *)(sq + p.sq_off.array);
    array[*tail & *(unsigned *)(sq + p.sq_off.ring_mask)] = 0;
    __atomic_store_n(tail, *tail + 1, __ATOMIC_RELEASE);
    if (syscall(__NR_io_uring_enter, ring, 1, 1, IORING_ENTER_GETEVENTS, 0, 0) < 0) { fprintf(stderr, "io_uring_enter: %s\n", strerror(errno)); return 1; }
    struct io_uring_cqe *cqe = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
    if (cqe->res != 8 || strncmp(buf, "#include", 8) != 0) { fprintf(stderr, "io_uring read: res %d\n", cqe->res); return 1; }
    printf("ok: io_uring read %d bytes\n", cqe->res);
    return 0;
}
EOF
gcc -O2 -Wall -o uring uring.c
./uring
