# title: gcc + make: build and run a C program with threads
# needs: gcc make
set -eu
cat > hello.c <<'EOF'
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
static long counts[8];
static void *work(void *arg) { long i = (long)arg; for (long k = 0; k < 100000; k++) counts[i]++; return NULL; }
int main(void) {
    pthread_t t[8];
    for (long i = 0; i < 8; i++) if (pthread_create(&t[i], NULL, work, (void *)i) != 0) { perror("pthread_create"); return 1; }
    long sum = 0;
    for (int i = 0; i < 8; i++) { pthread_join(t[i], NULL); sum += counts[i]; }
    pid_t pid = fork();
    if (pid == 0) _exit(7);
    int st; waitpid(pid, &st, 0);
    char *buf = malloc(1 << 20); buf[0] = 1; free(buf);
    printf("ok: C program: %ld from 8 threads, child exit %d\n", sum, WEXITSTATUS(st));
    return sum == 800000 && WEXITSTATUS(st) == 7 ? 0 : 1;
}
EOF
printf 'CFLAGS = -O2 -Wall -pthread\nhello: hello.o\n\t$(CC) $(CFLAGS) -o $@ $^\nclean:\n\trm -f hello hello.o\n' > Makefile
make -s -j2
./hello
