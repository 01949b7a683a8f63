/*
 * jbox.h - the C surface jbox binds to with jextract (see jextract.args and
 * scripts/regen-bindings). Only what is listed in jextract.args is generated;
 * this header just pulls in the system headers that declare it.
 *
 * Target: x86_64 / aarch64 Linux, glibc >= 2.34 (close_range, pthread_sigmask
 * in libc), Linux UAPI headers (linux-libc-dev).
 */
#ifndef JBOX_H
#define JBOX_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif

#include <errno.h>          /* EINTR EBADF EINVAL ENOSYS */
#include <fcntl.h>          /* fcntl F_* FD_CLOEXEC */
#include <signal.h>         /* pthread_sigmask sigemptyset sigaddset SIG* */
#include <spawn.h>          /* posix_spawn* (addclosefrom_np: glibc >= 2.34) */
#include <string.h>         /* strerror */
#include <unistd.h>         /* write read pwrite lseek close close_range execve syscall getpid isatty pipe2 getpgrp tcgetpgrp */
#include <sys/mman.h>       /* memfd_create MFD_* */
#include <sys/prctl.h>      /* prctl PR_* */
#include <sys/resource.h>   /* getrlimit setrlimit RLIMIT_NOFILE */
#include <sys/syscall.h>    /* SYS_seccomp */
#include <sys/types.h>
#include <sys/wait.h>       /* waitpid WNOHANG */
#include <linux/close_range.h> /* CLOSE_RANGE_CLOEXEC */
#include <linux/landlock.h> /* LANDLOCK_CREATE_RULESET_VERSION */
#include <linux/filter.h>   /* struct sock_filter, struct sock_fprog */
#include <linux/seccomp.h>  /* struct seccomp_data, SECCOMP_* */

/*
 * Constants that older UAPI headers may lack (or only expose in a form
 * jextract cannot evaluate) are restated here with their kernel ABI values.
 */
#ifndef F_SEAL_SEAL
#define F_SEAL_SEAL   0x0001
#define F_SEAL_SHRINK 0x0002
#define F_SEAL_GROW   0x0004
#define F_SEAL_WRITE  0x0008
#endif
#ifndef F_ADD_SEALS
#define F_ADD_SEALS 1033
#define F_GET_SEALS 1034
#endif
#ifndef SECCOMP_RET_KILL_PROCESS
#define SECCOMP_RET_KILL_PROCESS 0x80000000U
#endif
#ifndef SECCOMP_RET_LOG
#define SECCOMP_RET_LOG 0x7ffc0000U
#endif
#ifndef SECCOMP_RET_ACTION_FULL
#define SECCOMP_RET_ACTION_FULL 0xffff0000U
#endif
#ifndef SECCOMP_SET_MODE_FILTER
#define SECCOMP_SET_MODE_FILTER 1
#endif

/*
 * Landlock's scopes (Linux 6.12, ABI 6) and the ruleset attribute as that ABI has it: older
 * UAPI headers (Debian 12's 6.1) stop at handled_access_fs. The kernel takes the struct's
 * size as an argument, so jbox passes exactly these three fields.
 */
#ifndef LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET
#define LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#define LANDLOCK_SCOPE_SIGNAL (1ULL << 1)
#endif
struct jbox_landlock_ruleset_attr {
    __u64 handled_access_fs;
    __u64 handled_access_net;
    __u64 scoped;
};
/* its size and the offset of scoped, so jbox fills one as bytes */
enum {
    JBOX_SIZEOF_LANDLOCK_RULESET_ATTR = sizeof(struct jbox_landlock_ruleset_attr),
    JBOX_OFFSETOF_LANDLOCK_SCOPED = __builtin_offsetof(struct jbox_landlock_ruleset_attr, scoped)
};

/*
 * sizeof(sigset_t), so jbox can allocate a signal set without initialising the
 * generated sigset_t class (whose array-element VarHandle costs start-up time).
 */
enum { JBOX_SIZEOF_SIGSET_T = sizeof(sigset_t) };

#endif /* JBOX_H */
