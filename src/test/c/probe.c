/*
 * probe: issues raw system calls from inside a jbox sandbox and prints what the kernel
 * (or the seccomp filter) answered, one line per probe. Built by the integration tests
 * (dev.jbox.it.Probe) with plain gcc; no dependencies beyond libc and pthreads. Also built
 * with gcc -m32 (probe32) as a real 32-bit program: there NAME:NR specs use i386 numbers,
 * and the i386/ia32 specs answer "unavailable not-x86_64".
 *
 * Arguments are probe specs, run in order:
 *
 *   NAME:NR:A0:A1:A2:A3:A4:A5   syscall(NR, A0..A5) through the native (x86_64/aarch64)
 *                               entry; numbers are decimal or 0x hex, parsed with
 *                               strtoull so the high 32 bits of an argument can be set.
 *                               Missing trailing arguments are 0. An x32 probe is just
 *                               NR | 0x40000000, chosen by the caller.
 *                               -> "NAME ret=<r> errno=<ERRNO_NAME|0>"
 *   i386:NAME:NR:A0:...:A5      the same through the i386 compat entry (int $0x80, eax=NR,
 *                               ebx..ebp = A0..A5 truncated to 32 bits); x86_64 only. Runs
 *                               in a forked child, because a filter that allows the native
 *                               ABI only kills the process (SECCOMP_RET_KILL_PROCESS).
 *                               -> "NAME ret=<r> errno=<ERRNO_NAME|0>", or
 *                                  "NAME killed=<SIGNAME>" if the child died of a signal
 *                                  (SIGSYS: the filter), or
 *                                  "NAME unavailable <why>" if int $0x80 traps.
 *   ia32                        whether int $0x80 works at all: i386 getpid() == getpid(),
 *                               also in a forked child.
 *                               -> "ia32 ok" | "ia32 killed=<SIGNAME>" | "ia32 unavailable <why>"
 *   thread                      pthread_create + pthread_join -> "thread ok" | "thread fail errno=.."
 *   spawn                       posix_spawn /bin/true + waitpid -> "spawn status=<wait status>"
 *                               | "spawn fail errno=.."
 *   status                      the Seccomp: and Seccomp_filters: lines of /proc/self/status
 *   fds                         "fds 0,1,2" (open fds, without the one used to list them),
 *                               then "fd N -> TARGET" for each
 *
 * The caller picks arguments so that an unfiltered call fails harmlessly (bad fds, NULL
 * pointers, invalid flags): this program never checks what it is asked to do.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static const char *errname(int e) {
    static char buf[32];
    if (e == 0) {
        return "0";
    }
    const char *n = strerrorname_np(e);
    if (n != NULL) {
        return n;
    }
    snprintf(buf, sizeof buf, "%d", e);
    return buf;
}

static unsigned long long num(const char *s, int *ok) {
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno != 0 || end == s || *end != '\0') {
        *ok = 0;
    }
    return v;
}

/* Splits SPEC on ':' into at most max fields (in place); returns the count. */
static int split(char *spec, char **f, int max) {
    int n = 0;
    char *save = NULL;
    for (char *t = strtok_r(spec, ":", &save); t != NULL && n < max; t = strtok_r(NULL, ":", &save)) {
        f[n++] = t;
    }
    return n;
}

static void print_result(const char *name, long ret, int err) {
    printf("%s ret=%ld errno=%s\n", name, ret, ret >= 0 ? "0" : errname(err));
}

#if defined(__x86_64__)
static sigjmp_buf int80_jmp;
static volatile sig_atomic_t int80_sig;

static void int80_trap(int sig) {
    int80_sig = sig;
    siglongjmp(int80_jmp, 1);
}

/*
 * One i386 system call through int $0x80. Returns the raw eax (-4095..-1 is -errno).
 * ebp carries the sixth argument, so it is saved around the call; the red zone is
 * skipped before pushing. The kernel may clobber r8-r11 on this path.
 */
static long int80(unsigned int nr, const unsigned int a[6]) {
    unsigned int ret;
    register const unsigned int *p asm("r8") = a;
    __asm__ volatile(
            "sub $128, %%rsp\n\t"
            "push %%rbp\n\t"
            "movl 20(%%r8), %%ebp\n\t"
            "int $0x80\n\t"
            "pop %%rbp\n\t"
            "add $128, %%rsp\n\t"
            : "=a"(ret), "+r"(p)
            : "0"(nr), "b"(a[0]), "c"(a[1]), "d"(a[2]), "S"(a[3]), "D"(a[4])
            : "r9", "r10", "r11", "memory", "cc");
    return (long) (int) ret;
}

/* Runs int80 with SIGSEGV/SIGILL/SIGBUS caught; returns 0 and sets *ret, or the signal. */
static int int80_safe(unsigned int nr, const unsigned int a[6], long *ret) {
    struct sigaction sa, old_segv, old_ill, old_bus;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = int80_trap;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, &old_segv);
    sigaction(SIGILL, &sa, &old_ill);
    sigaction(SIGBUS, &sa, &old_bus);
    int80_sig = 0;
    int sig = 0;
    if (sigsetjmp(int80_jmp, 1) == 0) {
        *ret = int80(nr, a);
    } else {
        sig = int80_sig;
    }
    sigaction(SIGSEGV, &old_segv, NULL);
    sigaction(SIGILL, &old_ill, NULL);
    sigaction(SIGBUS, &old_bus, NULL);
    return sig;
}
#endif

#if defined(__x86_64__)
/*
 * Runs BODY(arg) in a forked child and waits for it: the child prints its own line. If the
 * child dies of a signal, prints "NAME killed=SIG" (a kill action of the filter ends the whole
 * process, so it must not be this one). No core file: the working directory is the test's.
 */
static void in_child(const char *name, void (*body)(void *), void *arg) {
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        printf("%s fork-failed errno=%s\n", name, errname(errno));
        return;
    }
    if (pid == 0) {
        struct rlimit none = {0, 0};
        setrlimit(RLIMIT_CORE, &none);
        body(arg);
        fflush(stdout);
        _exit(0);
    }
    int status = 0;
    if (waitpid(pid, &status, 0) < 0) {
        printf("%s wait-failed errno=%s\n", name, errname(errno));
    } else if (WIFSIGNALED(status)) {
        const char *sig = sigabbrev_np(WTERMSIG(status));
        if (sig != NULL) {
            printf("%s killed=SIG%s\n", name, sig);
        } else {
            printf("%s killed=SIG%d\n", name, WTERMSIG(status));
        }
    } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        printf("%s child-status=%d\n", name, status);
    }
}

struct i386_call {
    const char *name;
    unsigned int nr;
    unsigned int a[6];
};

static void i386_body(void *arg) {
    const struct i386_call *c = arg;
    long ret = 0;
    int sig = int80_safe(c->nr, c->a, &ret);
    if (sig != 0) {
        printf("%s unavailable int80-signal=%s\n", c->name, sigabbrev_np(sig) ? sigabbrev_np(sig) : "?");
        return;
    }
    if (ret < 0 && ret >= -4095) {
        print_result(c->name, -1, (int) -ret);
    } else {
        print_result(c->name, ret, 0);
    }
}
#endif

static void probe_i386(char **f, int n) {
    if (n < 3) {
        printf("bad-spec i386 needs NAME:NR\n");
        return;
    }
    const char *name = f[1];
#if defined(__x86_64__)
    int ok = 1;
    unsigned int nr = (unsigned int) num(f[2], &ok);
    unsigned int a[6] = {0, 0, 0, 0, 0, 0};
    for (int i = 0; i < 6 && 3 + i < n; i++) {
        a[i] = (unsigned int) num(f[3 + i], &ok);
    }
    if (!ok) {
        printf("%s bad-spec\n", name);
        return;
    }
    struct i386_call c = {name, nr, {a[0], a[1], a[2], a[3], a[4], a[5]}};
    in_child(name, i386_body, &c);
#else
    printf("%s unavailable not-x86_64\n", name);
#endif
}

#if defined(__x86_64__)
static void ia32_body(void *arg) {
    (void) arg;
    unsigned int a[6] = {0, 0, 0, 0, 0, 0};
    long ret = 0;
    int sig = int80_safe(20 /* i386 getpid */, a, &ret);
    if (sig != 0) {
        printf("ia32 unavailable int80-signal=%s\n", sigabbrev_np(sig) ? sigabbrev_np(sig) : "?");
    } else if (ret == (long) getpid()) {
        printf("ia32 ok\n");
    } else if (ret < 0 && ret >= -4095) {
        printf("ia32 unavailable errno=%s\n", errname((int) -ret));
    } else {
        printf("ia32 unavailable getpid=%ld\n", ret);
    }
}
#endif

static void probe_ia32(void) {
#if defined(__x86_64__)
    in_child("ia32", ia32_body, NULL);
#else
    printf("ia32 unavailable not-x86_64\n");
#endif
}

static void probe_syscall(char **f, int n) {
    const char *name = f[0];
    if (n < 2) {
        printf("%s bad-spec\n", name);
        return;
    }
    int ok = 1;
    long nr = (long) num(f[1], &ok);
    unsigned long long a[6] = {0, 0, 0, 0, 0, 0};
    for (int i = 0; i < 6 && 2 + i < n; i++) {
        a[i] = num(f[2 + i], &ok);
    }
    if (!ok) {
        printf("%s bad-spec\n", name);
        return;
    }
    errno = 0;
    long ret = syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
    print_result(name, ret, errno);
}

static void *thread_body(void *arg) {
    return arg;
}

static void probe_thread(void) {
    pthread_t t;
    int marker = 42;
    int e = pthread_create(&t, NULL, thread_body, &marker);
    if (e != 0) {
        printf("thread fail errno=%s\n", errname(e));
        return;
    }
    void *out = NULL;
    e = pthread_join(t, &out);
    if (e != 0 || out != &marker) {
        printf("thread fail errno=%s\n", errname(e));
        return;
    }
    printf("thread ok\n");
}

static void probe_spawn(void) {
    pid_t pid;
    char *argv[] = {"/bin/true", NULL};
    int e = posix_spawn(&pid, "/bin/true", NULL, NULL, argv, environ);
    if (e != 0) {
        printf("spawn fail errno=%s\n", errname(e));
        return;
    }
    int status = 0;
    if (waitpid(pid, &status, 0) < 0) {
        printf("spawn fail errno=%s\n", errname(errno));
        return;
    }
    printf("spawn status=%d\n", status);
}

static void probe_status(void) {
    FILE *f = fopen("/proc/self/status", "r");
    if (f == NULL) {
        printf("status fail errno=%s\n", errname(errno));
        return;
    }
    char line[512];
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, "Seccomp:", 8) == 0 || strncmp(line, "Seccomp_filters:", 16) == 0) {
            fputs(line, stdout);
        }
    }
    fclose(f);
}

static void probe_fds(void) {
    DIR *d = opendir("/proc/self/fd");
    if (d == NULL) {
        printf("fds fail errno=%s\n", errname(errno));
        return;
    }
    int self = dirfd(d);
    int fds[1024];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n < 1024) {
        if (e->d_name[0] == '.') {
            continue;
        }
        int fd = atoi(e->d_name);
        if (fd != self) {
            fds[n++] = fd;
        }
    }
    closedir(d);
    /* readdir order is numeric for /proc/self/fd, but sort anyway. */
    for (int i = 1; i < n; i++) {
        for (int j = i; j > 0 && fds[j - 1] > fds[j]; j--) {
            int t = fds[j];
            fds[j] = fds[j - 1];
            fds[j - 1] = t;
        }
    }
    printf("fds ");
    for (int i = 0; i < n; i++) {
        printf(i == 0 ? "%d" : ",%d", fds[i]);
    }
    printf("\n");
    for (int i = 0; i < n; i++) {
        char path[64], target[4096];
        snprintf(path, sizeof path, "/proc/self/fd/%d", fds[i]);
        ssize_t len = readlink(path, target, sizeof target - 1);
        target[len < 0 ? 0 : len] = '\0';
        printf("fd %d -> %s\n", fds[i], target);
    }
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (int i = 1; i < argc; i++) {
        char spec[1024];
        snprintf(spec, sizeof spec, "%s", argv[i]);
        char *f[9];
        int n = split(spec, f, 9);
        if (n == 0) {
            continue;
        }
        if (n == 1 && strcmp(f[0], "thread") == 0) {
            probe_thread();
        } else if (n == 1 && strcmp(f[0], "spawn") == 0) {
            probe_spawn();
        } else if (n == 1 && strcmp(f[0], "status") == 0) {
            probe_status();
        } else if (n == 1 && strcmp(f[0], "fds") == 0) {
            probe_fds();
        } else if (n == 1 && strcmp(f[0], "ia32") == 0) {
            probe_ia32();
        } else if (strcmp(f[0], "i386") == 0) {
            probe_i386(f, n);
        } else {
            probe_syscall(f, n);
        }
        fflush(stdout);
    }
    return 0;
}
