package dev.jbox.nativ;

import dev.jbox.arch.Arch;
import dev.jbox.nativ.gen.Libc;
import dev.jbox.nativ.gen.posix_spawn_file_actions_t;
import dev.jbox.nativ.gen.posix_spawnattr_t;
import dev.jbox.nativ.gen.rlimit;
import dev.jbox.nativ.gen.sock_filter;
import dev.jbox.nativ.gen.sock_fprog;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The safe, errno-aware face of the libc calls jbox makes. This is the only
 * place (together with the generated {@code dev.jbox.nativ.gen}) that touches
 * {@code java.lang.foreign}; callers see ints, longs, strings and
 * {@link NativeException}.
 *
 * <p>The jextract-generated bindings do not capture {@code errno}, so every call
 * whose failure is reported through {@code errno} goes through one downcall handle
 * built here: glibc's {@code syscall(2)} (the generated invoker's address) with one
 * fixed shape, {@code Linker.Option.captureCallState("errno")} and
 * {@code firstVariadicArg}, created on first use and cached (see {@link Sys} for the
 * numbers). Functions that return an error number directly ({@code posix_spawn*}) or
 * cannot fail ({@code getpid}, {@code strerror}, {@code isatty}) use the generated
 * wrappers as they are.
 *
 * <p>The seccomp user-notification protocol ({@link SeccompNotif}) shares the one downcall
 * handle and the package-private helpers below.
 *
 * <p>Seccomp filters are passed as {@code long[]}, one element per
 * {@code struct sock_filter}, packed as bits 0-15 {@code code}, 16-23
 * {@code jt}, 24-31 {@code jf}, 32-63 {@code k}.
 */
public final class Posix {

    /** {@code RLIM_INFINITY} as {@link #nofileLimit()} reports it (all bits set). */
    public static final long RLIM_INFINITY = -1L;

    private Posix() {
    }

    // ------------------------------------------------------------------ errno capture

    /** The call-state layout and the option that captures errno; built on first use. */
    private static final class Errno {
        static final StructLayout LAYOUT = Linker.Option.captureStateLayout();
        static final long OFFSET = offsetOf(LAYOUT, "errno");
        static final Linker.Option CAPTURE = Linker.Option.captureCallState("errno");

        private Errno() {
        }
    }

    /**
     * The offset of a struct member, summed over the members before it. Not
     * {@code byteOffset(PathElement...)}: that builds a layout path with method handles,
     * about 10 ms of a cold launch spent on an answer that is a sum.
     */
    static long offsetOf(StructLayout struct, String member) {
        long offset = 0;
        for (MemoryLayout m : struct.memberLayouts()) {
            if (m.name().filter(member::equals).isPresent()) {
                return offset;
            }
            offset += m.byteSize();
        }
        throw new IllegalStateException("no member '" + member + "' in " + struct);
    }

    private static MethodHandle errnoVariadicHandle(MemorySegment address, FunctionDescriptor descriptor,
                                                    int firstVariadicArg) {
        return Linker.nativeLinker().downcallHandle(address, descriptor, Errno.CAPTURE,
                Linker.Option.firstVariadicArg(firstVariadicArg));
    }

    static MemorySegment callState(Arena arena) {
        return arena.allocate(Errno.LAYOUT);
    }

    static int errno(MemorySegment callState) {
        return callState.get(ValueLayout.JAVA_INT, Errno.OFFSET);
    }

    static NativeException failure(String call, MemorySegment callState) {
        return new NativeException(call, errno(callState));
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("unexpected exception from a downcall", t);
    }

    // ------------------------------------------------------------------ the one downcall handle

    /**
     * {@code long syscall(long number, ...)} fixed to five {@code long} variadic arguments.
     * Every call on jbox's launch path goes through this one handle: each distinct downcall
     * shape costs a stub generated at start-up (tens of milliseconds cold), and one shape
     * serves memfd_create, write, fcntl, lseek, close_range, prlimit64, rt_sigprocmask,
     * prctl, seccomp and execve alike (and the supervisor's pipe2, read, wait4 and kill). Unused trailing arguments are ignored by the kernel.
     */
    static final class Syscall {
        static final MethodHandle MH = errnoVariadicHandle(Libc.syscall.address(),
                FunctionDescriptor.of(Libc.C_LONG, Libc.C_LONG, Libc.C_LONG, Libc.C_LONG, Libc.C_LONG, Libc.C_LONG,
                        Libc.C_LONG), 1);
    }

    /**
     * The syscall numbers of the calls made through {@link Syscall}: x86_64's table, and the
     * generic table that aarch64 and riscv64 share. (The generated SYS_* constants are the
     * numbers of the machine jextract ran on, so they cannot serve here; reading
     * {@link Arch#syscalls()} would load a table on every launch. A test holds these numbers
     * against every native architecture's table.)
     */
    enum Sys {
        READ(0, 63), WRITE(1, 64), CLOSE(3, 57), LSEEK(8, 62), RT_SIGPROCMASK(14, 135), GETPID(39, 172), EXECVE(59, 221),
        WAIT4(61, 260), KILL(62, 129), FCNTL(72, 25), GETEUID(107, 175), PRCTL(157, 167), PIPE2(293, 59), PRLIMIT64(302, 261),
        SECCOMP(317, 277), MEMFD_CREATE(319, 279), CLOSE_RANGE(436, 436),
        // seccomp user notification (run --report, learn)
        IOCTL(16, 29), PPOLL(271, 73),
        // Landlock (Linux >= 5.13; scopes: 6.12)
        LANDLOCK_CREATE_RULESET(444, 444), LANDLOCK_RESTRICT_SELF(446, 446);

        private final int x8664;
        private final int generic;
        /** The number on the host ({@link Arch#host()}, which refuses a host jbox does not run on). */
        final long nr;
        final String call;

        Sys(int x8664, int generic) {
            this.x8664 = x8664;
            this.generic = generic;
            this.nr = nr(Arch.host());
            this.call = name().toLowerCase(java.util.Locale.ROOT);
        }

        /** This call's number on a native architecture. */
        int nr(Arch a) {
            return switch (a) {
                case X86_64 -> x8664;
                case AARCH64, RISCV64 -> generic;
                case X32, I386, ARM -> throw new IllegalArgumentException(
                        "jbox's native layer does not run as " + a.id() + " (a compat ABI)");
            };
        }
    }

    // ------------------------------------------------------------------ raw calls (throw on -1)

    /** {@code syscall(call, a1..a5)}: the raw result; -1 with errno in {@code st} on failure. */
    static long raw(MemorySegment st, Sys call, long a1, long a2, long a3, long a4, long a5) {
        try {
            return (long) Syscall.MH.invokeExact(st, call.nr, a1, a2, a3, a4, a5);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Like {@link #raw}, throwing a {@link NativeException} named after the call on failure. */
    static long sys(MemorySegment st, Sys call, long a1, long a2, long a3, long a4, long a5) {
        long r = raw(st, call, a1, a2, a3, a4, a5);
        if (r == -1) {
            throw failure(call.call, st);
        }
        return r;
    }

    private static int fcntl(MemorySegment st, int fd, int cmd, int arg) {
        // the kernel takes fd and cmd as unsigned int, arg as unsigned long
        return (int) sys(st, Sys.FCNTL, fd, cmd, arg & 0xFFFFFFFFL, 0, 0);
    }

    private static void closeQuietly(MemorySegment st, int fd) {
        raw(st, Sys.CLOSE, fd, 0, 0, 0, 0); // best effort on an error path
    }

    private static void closeRange(MemorySegment st, int first, int last, int flags) {
        sys(st, Sys.CLOSE_RANGE, first & 0xFFFFFFFFL, last & 0xFFFFFFFFL, flags, 0, 0);
    }

    private static void writeFully(MemorySegment st, int fd, MemorySegment data) {
        long off = 0;
        long size = data.byteSize();
        while (off < size) {
            long n = raw(st, Sys.WRITE, fd, data.address() + off, size - off, 0, 0);
            if (n < 0) {
                if (errno(st) == Libc.EINTR()) {
                    continue;
                }
                throw failure("write", st);
            }
            if (n == 0) {
                throw new NativeException("write", 5 /* EIO */, "wrote 0 bytes of " + (size - off) + " remaining");
            }
            off += n;
        }
    }

    static long prctl(MemorySegment st, int option, long a2, long a3, long a4, long a5) {
        return sys(st, Sys.PRCTL, option, a2, a3, a4, a5);
    }

    /** prlimit64(0, resource, NULL, &amp;old): getrlimit for the calling process. */
    private static MemorySegment getrlimit(Arena arena, MemorySegment st, int resource) {
        MemorySegment rl = rlimit.allocate(arena);
        try {
            sys(st, Sys.PRLIMIT64, 0, resource, 0, rl.address(), 0);
        } catch (NativeException e) {
            throw new NativeException("getrlimit", e.errno());
        }
        return rl;
    }

    /** Checks the result of a function that returns 0 or an error number. */
    private static void checkErrorNumber(String call, int rc) {
        if (rc != 0) {
            throw new NativeException(call, rc);
        }
    }

    // ------------------------------------------------------------------ filters

    /**
     * Runs the launch path's native machinery once on a call that changes nothing (getpid):
     * the syscall handle linked, a call-state segment, a C string and a sock_filter array
     * laid out. The first use of each costs milliseconds of method-handle spinning, so a
     * launch does this on a second thread while the main one parses options and compiles.
     */
    public static void warmUp() {
        try (Arena arena = Arena.ofConfined()) {
            // the handle first: it is the longest part, and the launch waits for nothing else
            raw(callState(arena), Sys.GETPID, 0, 0, 0, 0, 0);
            encodeFilter(arena, new long[] {0x7fff0000_00000006L}); // RET ALLOW, never installed
            // execve's argv and envp: the address-array var handle is spun on first use (~5 ms)
            cStringArray(arena, List.of("jbox"), "warm-up");
        }
    }

    /** Lays {@code insns} out as a {@code struct sock_filter[]} in {@code arena}. */
    private static MemorySegment encodeFilter(Arena arena, long[] insns) {
        MemorySegment array = sock_filter.allocateArray(insns.length, arena);
        for (int i = 0; i < insns.length; i++) {
            long v = insns[i];
            MemorySegment insn = sock_filter.asSlice(array, i);
            sock_filter.code(insn, (short) v);
            sock_filter.jt(insn, (byte) (v >>> 16));
            sock_filter.jf(insn, (byte) (v >>> 24));
            sock_filter.k(insn, (int) (v >>> 32));
        }
        return array;
    }

    /**
     * memfd_create(name, MFD_CLOEXEC|MFD_ALLOW_SEALING); writes the filter, seals it
     * (F_SEAL_SHRINK|F_SEAL_GROW|F_SEAL_WRITE|F_SEAL_SEAL), lseek(fd,0,SEEK_SET), clears
     * FD_CLOEXEC; returns the fd. {@code insns} holds one element per struct sock_filter packed
     * as: bits 0-15 code, 16-23 jt, 24-31 jf, 32-63 k. Writes in a loop until all bytes are
     * written. On failure the memfd is closed and a {@link NativeException} is thrown.
     */
    public static int sealedFilterFd(String name, long[] insns) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(insns, "insns");
        try (Arena arena = Arena.ofConfined()) {
            return sealedMemfd(arena, name, encodeFilter(arena, insns));
        }
    }

    /**
     * Like {@link #sealedFilterFd}, for arbitrary bytes (e.g. bwrap's NUL-separated
     * {@code --args} data): a sealed memfd holding {@code data}, at offset 0, inheritable.
     */
    public static int sealedDataFd(String name, byte[] data) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(data, "data");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(Math.max(1, data.length));
            MemorySegment.copy(data, 0, seg, ValueLayout.JAVA_BYTE, 0, data.length);
            return sealedMemfd(arena, name, seg.asSlice(0, data.length));
        }
    }

    private static int sealedMemfd(Arena arena, String name, MemorySegment filter) {
        MemorySegment st = callState(arena);
        MemorySegment cName = arena.allocateFrom(name);
        int fd = (int) sys(st, Sys.MEMFD_CREATE, cName.address(), Libc.MFD_CLOEXEC() | Libc.MFD_ALLOW_SEALING(), 0, 0, 0);
        boolean ok = false;
        try {
            writeFully(st, fd, filter);
            fcntl(st, fd, Libc.F_ADD_SEALS(),
                    Libc.F_SEAL_SHRINK() | Libc.F_SEAL_GROW() | Libc.F_SEAL_WRITE() | Libc.F_SEAL_SEAL());
            sys(st, Sys.LSEEK, fd, 0, Libc.SEEK_SET(), 0, 0);
            int flags = fcntl(st, fd, Libc.F_GETFD(), 0);
            fcntl(st, fd, Libc.F_SETFD(), flags & ~Libc.FD_CLOEXEC());
            ok = true;
            return fd;
        } finally {
            if (!ok) {
                closeQuietly(st, fd);
            }
        }
    }

    /** A filter's length must fit {@code sock_fprog.len} (an unsigned short). */
    static void checkLength(long[] insns) {
        Objects.requireNonNull(insns, "insns");
        if (insns.length > 0xFFFF) {
            throw new IllegalArgumentException("filter too long: " + insns.length + " instructions");
        }
    }

    /** {@code struct sock_fprog} for {@code insns}, in {@code arena}. */
    static MemorySegment program(Arena arena, long[] insns) {
        MemorySegment prog = sock_fprog.allocate(arena);
        sock_fprog.len(prog, (short) insns.length);
        sock_fprog.filter(prog, encodeFilter(arena, insns));
        return prog;
    }

    /**
     * Installs a filter on the calling thread: seccomp(SECCOMP_SET_MODE_FILTER, 0, &amp;prog) via
     * syscall(), falling back to prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &amp;prog) on ENOSYS.
     * Same packing as {@link #sealedFilterFd}. The caller must have set no_new_privs (see
     * {@link #setNoNewPrivs()}) or hold CAP_SYS_ADMIN.
     *
     * @throws IllegalArgumentException if {@code insns} has more than 65535 elements
     */
    public static void installFilter(long[] insns) {
        checkLength(insns);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = callState(arena);
            MemorySegment prog = program(arena, insns);
            long r = raw(st, Sys.SECCOMP, Libc.SECCOMP_SET_MODE_FILTER(), 0L, prog.address(), 0, 0);
            if (r == -1) {
                int e = errno(st);
                if (e != Libc.ENOSYS()) {
                    throw new NativeException("seccomp", e);
                }
                prctl(st, Libc.PR_SET_SECCOMP(), Libc.SECCOMP_MODE_FILTER(), prog.address(), 0L, 0L);
            }
        }
    }

    /** prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) */
    public static void setNoNewPrivs() {
        try (Arena arena = Arena.ofConfined()) {
            prctl(callState(arena), Libc.PR_SET_NO_NEW_PRIVS(), 1L, 0L, 0L, 0L);
        }
    }

    // ------------------------------------------------------------------ Landlock

    /**
     * The Landlock ABI version the kernel offers: landlock_create_ruleset(NULL, 0,
     * LANDLOCK_CREATE_RULESET_VERSION). 0 when there is none: ENOSYS (not built in, or a
     * seccomp filter around jbox refuses it) or EOPNOTSUPP (built in, not enabled at boot).
     */
    public static int landlockAbi() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = callState(arena);
            long r = raw(st, Sys.LANDLOCK_CREATE_RULESET, 0, 0, Libc.LANDLOCK_CREATE_RULESET_VERSION(), 0, 0);
            if (r >= 0) {
                return (int) r;
            }
            int e = errno(st);
            if (e == Libc.ENOSYS() || e == Libc.EOPNOTSUPP()) {
                return 0;
            }
            throw new NativeException("landlock_create_ruleset", e);
        }
    }

    /** LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET | LANDLOCK_SCOPE_SIGNAL, for {@link #landlockScope}. */
    public static long landlockScopeSocketsAndSignals() {
        return Libc.LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET() | Libc.LANDLOCK_SCOPE_SIGNAL();
    }

    /**
     * Puts the calling thread, and every process it starts from now on, in a new Landlock
     * domain that handles no file-system and no network access and scopes {@code scopes}
     * (LANDLOCK_SCOPE_* bits, ABI 6): no_new_privs on this thread (the kernel's condition for
     * an unprivileged domain), landlock_create_ruleset({0, 0, scopes}),
     * landlock_restrict_self(ruleset, 0), close(ruleset). Only this thread: the JVM's other
     * threads stay as they were. The caller checks {@link #landlockAbi()} first.
     */
    public static void landlockScope(long scopes) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = callState(arena);
            MemorySegment attr = arena.allocate(Libc.JBOX_SIZEOF_LANDLOCK_RULESET_ATTR(), 8); // zeroed
            attr.set(ValueLayout.JAVA_LONG, Libc.JBOX_OFFSETOF_LANDLOCK_SCOPED(), scopes);
            prctl(st, Libc.PR_SET_NO_NEW_PRIVS(), 1L, 0L, 0L, 0L);
            int fd = (int) sys(st, Sys.LANDLOCK_CREATE_RULESET, attr.address(), attr.byteSize(), 0, 0, 0);
            try {
                sys(st, Sys.LANDLOCK_RESTRICT_SELF, fd, 0, 0, 0, 0);
            } finally {
                closeQuietly(st, fd);
            }
        }
    }

    // ------------------------------------------------------------------ file descriptors

    /**
     * Marks every fd &gt;= 3 close-on-exec except those in {@code keep}:
     * close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) when keep is empty, otherwise per-range
     * close_range calls around the kept fds; falls back to listing /proc/self/fd when
     * close_range fails with ENOSYS/EINVAL. Kept fds keep their current flags (use
     * {@link #setCloexec} to clear FD_CLOEXEC on them).
     */
    public static void cloexecAllExcept(int... keep) {
        int[] kept = keptFds(keep);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = callState(arena);
            int flag = Libc.CLOSE_RANGE_CLOEXEC();
            try {
                long lo = 3;
                for (int fd : kept) {
                    if (fd > lo) {
                        closeRange(st, (int) lo, fd - 1, flag);
                    }
                    lo = (long) fd + 1;
                }
                closeRange(st, (int) lo, ~0 /* ~0U */, flag);
            } catch (NativeException e) {
                if (e.errno() != Libc.ENOSYS() && e.errno() != Libc.EINVAL()) {
                    throw e;
                }
                cloexecViaProc(st, kept, e);
            }
        }
    }

    /** The fds &gt;= 3 of {@code keep}, sorted and without duplicates (no streams: start-up time). */
    private static int[] keptFds(int[] keep) {
        if (keep == null || keep.length == 0) {
            return new int[0];
        }
        int[] sorted = keep.clone();
        Arrays.sort(sorted);
        int n = 0;
        for (int fd : sorted) {
            if (fd >= 3 && (n == 0 || sorted[n - 1] != fd)) {
                sorted[n++] = fd;
            }
        }
        return Arrays.copyOf(sorted, n);
    }

    /** The /proc/self/fd fallback of {@link #cloexecAllExcept}, on its own (for tests). */
    static void cloexecAllExceptViaProc(int... keep) {
        int[] kept = keptFds(keep);
        try (Arena arena = Arena.ofConfined()) {
            cloexecViaProc(callState(arena), kept, new NativeException("close_range", Libc.ENOSYS()));
        }
    }

    private static void cloexecViaProc(MemorySegment st, int[] sortedKept, NativeException cause) {
        List<Integer> fds = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path p : dir) {
                try {
                    fds.add(Integer.parseInt(p.getFileName().toString()));
                } catch (NumberFormatException ignored) {
                    // not an fd entry
                }
            }
        } catch (IOException | RuntimeException io) {
            cause.addSuppressed(io);
            throw cause;
        }
        int getfd = Libc.F_GETFD();
        int setfd = Libc.F_SETFD();
        int cloexec = Libc.FD_CLOEXEC();
        int ebadf = Libc.EBADF();
        for (int fd : fds) {
            if (fd < 3 || Arrays.binarySearch(sortedKept, fd) >= 0) {
                continue;
            }
            try {
                int flags = fcntl(st, fd, getfd, 0);
                if ((flags & cloexec) == 0) {
                    fcntl(st, fd, setfd, flags | cloexec);
                }
            } catch (NativeException e) {
                if (e.errno() != ebadf) { // the directory stream's own fd is gone by now
                    throw e;
                }
            }
        }
    }

    /** Sets ({@code on}) or clears FD_CLOEXEC on {@code fd} with fcntl(F_GETFD/F_SETFD). */
    public static void setCloexec(int fd, boolean on) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = callState(arena);
            int flags = fcntl(st, fd, Libc.F_GETFD(), 0);
            int updated = on ? flags | Libc.FD_CLOEXEC() : flags & ~Libc.FD_CLOEXEC();
            if (updated != flags) {
                fcntl(st, fd, Libc.F_SETFD(), updated);
            }
        }
    }

    /** close(fd); EINTR is not retried (Linux has released the fd by then) and is ignored. */
    public static void close(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = callState(arena);
            long r = raw(st, Sys.CLOSE, fd, 0, 0, 0, 0);
            if (r == -1 && errno(st) != Libc.EINTR()) {
                throw failure("close", st);
            }
        }
    }

    /** fcntl(fd, F_GET_SEALS) */
    public static int seals(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            return fcntl(callState(arena), fd, Libc.F_GET_SEALS(), 0);
        }
    }

    /** isatty(fd); false for any error (including EBADF). */
    public static boolean isatty(int fd) {
        return Libc.isatty(fd) == 1;
    }

    /** TIOCGWINSZ: asm-generic/ioctls.h, the same on x86, arm64 and riscv. */
    private static final long TIOCGWINSZ = 0x5413;

    /**
     * The width in columns of the terminal {@code fd} is (ioctl TIOCGWINSZ), for help text;
     * empty when {@code fd} is not a terminal or the terminal does not say.
     */
    public static OptionalInt terminalColumns(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ws = arena.allocate(8, 2); // struct winsize: ws_row, ws_col, ws_xpixel, ws_ypixel
            if (raw(callState(arena), Sys.IOCTL, fd, TIOCGWINSZ, ws.address(), 0, 0) == -1) {
                return OptionalInt.empty();
            }
            int cols = Short.toUnsignedInt(ws.get(ValueLayout.JAVA_SHORT, 2));
            return cols == 0 ? OptionalInt.empty() : OptionalInt.of(cols);
        }
    }

    // ------------------------------------------------------------------ signals and limits

    /**
     * Allocates a sigset_t. Sized by the header's JBOX_SIZEOF_SIGSET_T rather than
     * {@code sigset_t.allocate}, whose class initialiser builds an array VarHandle (tens of
     * milliseconds at start-up); PosixTest checks the two sizes agree.
     */
    private static MemorySegment allocateSigset(Arena arena) {
        return arena.allocate(Libc.JBOX_SIZEOF_SIGSET_T(), Libc.C_LONG.byteAlignment());
    }

    /**
     * Empties the calling thread's signal mask: rt_sigprocmask(SIG_SETMASK, {}, NULL, 8), the
     * kernel's own call (its sigset is 64 bits on every architecture jbox supports).
     */
    public static void clearSignalMask() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = callState(arena);
            MemorySegment empty = arena.allocate(8, 8); // zeroed
            try {
                sys(st, Sys.RT_SIGPROCMASK, Libc.SIG_SETMASK(), empty.address(), 0, 8, 0);
            } catch (NativeException e) {
                throw new NativeException("pthread_sigmask", e.errno());
            }
        }
    }

    /**
     * setrlimit(RLIMIT_NOFILE) soft value, keeping the hard limit. {@link #RLIM_INFINITY}
     * (-1) means unlimited.
     */
    public static void setNofileSoftLimit(long soft) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = callState(arena);
            MemorySegment rl = getrlimit(arena, st, Libc.RLIMIT_NOFILE());
            rlimit.rlim_cur(rl, soft);
            if (raw(st, Sys.PRLIMIT64, 0, Libc.RLIMIT_NOFILE(), rl.address(), 0, 0) == -1) {
                throw failure("setrlimit", st);
            }
        }
    }

    /**
     * getrlimit(RLIMIT_NOFILE) as {@code {soft, hard}}; the values are unsigned rlim_t, so
     * RLIM_INFINITY shows as {@link #RLIM_INFINITY} (-1).
     */
    public static long[] nofileLimit() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment rl = getrlimit(arena, callState(arena), Libc.RLIMIT_NOFILE());
            return new long[] {rlimit.rlim_cur(rl), rlimit.rlim_max(rl)};
        }
    }

    // ------------------------------------------------------------------ processes

    private static MemorySegment cStringArray(Arena arena, List<String> strings, String what) {
        return cStringArray(arena, strings, what, StandardCharsets.UTF_8);
    }

    private static MemorySegment cStringArray(Arena arena, List<String> strings, String what, Charset charset) {
        Objects.requireNonNull(strings, what);
        MemorySegment array = arena.allocate(ValueLayout.ADDRESS, strings.size() + 1L);
        for (int i = 0; i < strings.size(); i++) {
            String s = Objects.requireNonNull(strings.get(i), what + " element");
            array.setAtIndex(ValueLayout.ADDRESS, i, arena.allocateFrom(s, charset));
        }
        array.setAtIndex(ValueLayout.ADDRESS, strings.size(), MemorySegment.NULL);
        return array;
    }

    /**
     * execve(path, argv, envp), every fd &gt;= 3 but {@code keep} marked close-on-exec just
     * before it; only returns by throwing NativeException.
     *
     * <p>The fds are marked here, as the very last step, although the caller has done it
     * already: anything the JVM opens in between would cross into the new program without
     * FD_CLOEXEC. It does: a class that is not in the AOT cache makes the class loader open
     * jbox's jar for the first time (a launch whose path the cache's training did not take),
     * and that fd, opened without O_CLOEXEC, reached the sandboxed command.
     */
    public static void execve(String path, List<String> argv, List<String> envp, int... keep) {
        execve(path, argv, envp, StandardCharsets.UTF_8, keep);
    }

    /**
     * {@link #execve(String, List, List, int...)} with argv and envp written in {@code charset}:
     * ISO-8859-1 writes byte strings (a char per byte) back byte for byte ({@code jbox bwrap}).
     */
    public static void execve(String path, List<String> argv, List<String> envp, Charset charset, int... keep) {
        Objects.requireNonNull(path, "path");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = callState(arena);
            MemorySegment cPath = arena.allocateFrom(path);
            MemorySegment cArgv = cStringArray(arena, argv, "argv", charset);
            MemorySegment cEnvp = cStringArray(arena, envp, "envp", charset);
            cloexecAllExcept(keep);
            raw(st, Sys.EXECVE, cPath.address(), cArgv.address(), cEnvp.address(), 0, 0);
            throw failure("execve", st);
        }
    }

    /**
     * Applies a seccomp filter to the calling thread and replaces the process with
     * {@code path}: every fd &gt;= 3 close-on-exec (as {@link #execve}), prctl(PR_SET_NO_NEW_PRIVS), then the filter (as {@link #installFilter}),
     * then execve, with every argument prepared beforehand, so that the only calls made
     * under the filter before execve are the two downcalls themselves. Only returns by
     * throwing; if execve fails the calling thread stays filtered.
     */
    public static void execveFiltered(long[] insns, String path, List<String> argv, List<String> envp) {
        Objects.requireNonNull(insns, "insns");
        Objects.requireNonNull(path, "path");
        if (insns.length > 0xFFFF) {
            throw new IllegalArgumentException("filter too long: " + insns.length + " instructions");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = callState(arena);
            MemorySegment cPath = arena.allocateFrom(path);
            MemorySegment cArgv = cStringArray(arena, argv, "argv");
            MemorySegment cEnvp = cStringArray(arena, envp, "envp");
            MemorySegment prog = program(arena, insns);
            int setModeFilter = Libc.SECCOMP_SET_MODE_FILTER();
            int enosys = Libc.ENOSYS();
            // as in execve: whatever the JVM opened since the caller's pass must not cross
            cloexecAllExcept();
            // prctl links the one syscall handle, so nothing is linked under the filter
            prctl(st, Libc.PR_SET_NO_NEW_PRIVS(), 1L, 0L, 0L, 0L);
            long r = raw(st, Sys.SECCOMP, setModeFilter, 0L, prog.address(), 0, 0);
            if (r == -1) {
                int e = errno(st);
                if (e != enosys) {
                    throw new NativeException("seccomp", e);
                }
                prctl(st, Libc.PR_SET_SECCOMP(), Libc.SECCOMP_MODE_FILTER(), prog.address(), 0L, 0L);
            }
            raw(st, Sys.EXECVE, cPath.address(), cArgv.address(), cEnvp.address(), 0, 0);
            throw failure("execve", st);
        }
    }

    /**
     * posix_spawn(path, argv, envp) with POSIX_SPAWN_SETSIGMASK (an empty mask) and
     * POSIX_SPAWN_SETSIGDEF (SIGINT, SIGTERM, SIGHUP, SIGQUIT and SIGPIPE reset to their
     * default action); {@code path} is not searched in PATH; the child gets stdio only.
     * Returns the child's pid.
     */
    public static int spawn(String path, List<String> argv, List<String> envp) {
        return spawn(path, argv, envp, new int[0], false);
    }

    /**
     * posix_spawn as {@link #spawn(String, List, List)}, with control over what the child
     * inherits: {@code childFds[i]} becomes the child's fd {@code 3 + i} (dup2 in the
     * child, so it is inheritable there whatever its flag here), every fd from
     * {@code 3 + childFds.length} up is closed in the child
     * (posix_spawn_file_actions_addclosefrom_np, glibc &gt;= 2.34), and fds 0-2 are
     * inherited as they are. So exactly stdio plus the listed fds reach the child, with
     * no window in which another thread's fd could slip through. With
     * {@code newProcessGroup} the child leads a process group of its own
     * (POSIX_SPAWN_SETPGROUP), so signals sent to the caller's group do not reach it.
     */
    public static int spawn(String path, List<String> argv, List<String> envp, int[] childFds,
                            boolean newProcessGroup) {
        return spawn(path, argv, envp, childFds, newProcessGroup, -1);
    }

    /**
     * As {@link #spawn(String, List, List, int[], boolean)}, with the child's stdout and
     * stderr both on {@code outputTo} (when it is not -1): how {@code jbox doctor} reads what
     * bwrap says while starting it exactly as {@code run} does.
     */
    public static int spawn(String path, List<String> argv, List<String> envp, int[] childFds,
                            boolean newProcessGroup, int outputTo) {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(childFds, "childFds");
        int first = 3 + childFds.length;
        // Sources are first copied above every target, so that no dup2 can overwrite a
        // source that a later dup2 still needs.
        int[] high = new int[childFds.length + (outputTo >= 0 ? 1 : 0)];
        Arrays.fill(high, -1);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = callState(arena);
            for (int i = 0; i < childFds.length; i++) {
                high[i] = fcntl(st, childFds[i], Libc.F_DUPFD_CLOEXEC(), first);
            }
            if (outputTo >= 0) {
                high[childFds.length] = fcntl(st, outputTo, Libc.F_DUPFD_CLOEXEC(), first);
            }
            MemorySegment cPath = arena.allocateFrom(path);
            MemorySegment cArgv = cStringArray(arena, argv, "argv");
            MemorySegment cEnvp = cStringArray(arena, envp, "envp");

            MemorySegment emptyMask = allocateSigset(arena);
            MemorySegment defaults = allocateSigset(arena);
            Libc.sigemptyset(emptyMask);
            Libc.sigemptyset(defaults);
            for (int sig : new int[] {Libc.SIGINT(), Libc.SIGTERM(), Libc.SIGHUP(), Libc.SIGQUIT(), Libc.SIGPIPE()}) {
                checkErrorNumber("sigaddset", Libc.sigaddset(defaults, sig) == 0 ? 0 : Libc.EINVAL());
            }
            MemorySegment attr = posix_spawnattr_t.allocate(arena);
            MemorySegment actions = posix_spawn_file_actions_t.allocate(arena);
            checkErrorNumber("posix_spawnattr_init", Libc.posix_spawnattr_init(attr));
            try {
                checkErrorNumber("posix_spawn_file_actions_init", Libc.posix_spawn_file_actions_init(actions));
                try {
                    short flags = (short) (Libc.POSIX_SPAWN_SETSIGMASK() | Libc.POSIX_SPAWN_SETSIGDEF());
                    if (newProcessGroup) {
                        flags |= (short) Libc.POSIX_SPAWN_SETPGROUP();
                        checkErrorNumber("posix_spawnattr_setpgroup", Libc.posix_spawnattr_setpgroup(attr, 0));
                    }
                    checkErrorNumber("posix_spawnattr_setsigmask", Libc.posix_spawnattr_setsigmask(attr, emptyMask));
                    checkErrorNumber("posix_spawnattr_setsigdefault",
                            Libc.posix_spawnattr_setsigdefault(attr, defaults));
                    checkErrorNumber("posix_spawnattr_setflags", Libc.posix_spawnattr_setflags(attr, flags));
                    for (int i = 0; i < childFds.length; i++) {
                        checkErrorNumber("posix_spawn_file_actions_adddup2",
                                Libc.posix_spawn_file_actions_adddup2(actions, high[i], 3 + i));
                    }
                    if (outputTo >= 0) {
                        for (int std : new int[] {1, 2}) {
                            checkErrorNumber("posix_spawn_file_actions_adddup2",
                                    Libc.posix_spawn_file_actions_adddup2(actions, high[childFds.length], std));
                        }
                    }
                    checkErrorNumber("posix_spawn_file_actions_addclosefrom_np",
                            Libc.posix_spawn_file_actions_addclosefrom_np(actions, first));
                    MemorySegment pid = arena.allocate(Libc.C_INT);
                    checkErrorNumber("posix_spawn", Libc.posix_spawn(pid, cPath, actions, attr, cArgv, cEnvp));
                    return pid.get(ValueLayout.JAVA_INT, 0);
                } finally {
                    Libc.posix_spawn_file_actions_destroy(actions);
                }
            } finally {
                Libc.posix_spawnattr_destroy(attr);
                for (int fd : high) {
                    if (fd >= 0) {
                        closeQuietly(st, fd);
                    }
                }
            }
        }
    }

    /** pipe2(O_CLOEXEC): {@code {readEnd, writeEnd}}, both close-on-exec. */
    public static int[] pipe() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = callState(arena);
            MemorySegment fds = arena.allocate(Libc.C_INT, 2);
            sys(st, Sys.PIPE2, fds.address(), Libc.O_CLOEXEC(), 0, 0, 0);
            return new int[] {fds.getAtIndex(ValueLayout.JAVA_INT, 0), fds.getAtIndex(ValueLayout.JAVA_INT, 1)};
        }
    }

    /**
     * read(fd, buf, max) once, retried on EINTR: the bytes read, empty at end of file.
     */
    public static byte[] read(int fd, int max) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = callState(arena);
            MemorySegment buf = arena.allocate(Math.max(1, max));
            while (true) {
                long n = raw(st, Sys.READ, fd, buf.address(), max, 0, 0);
                if (n >= 0) {
                    return buf.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
                }
                if (errno(st) != Libc.EINTR()) {
                    throw failure("read", st);
                }
            }
        }
    }

    /** Reads {@code fd} from its current offset to end of file. */
    public static byte[] readAll(int fd) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        while (true) {
            byte[] chunk = read(fd, 65536);
            if (chunk.length == 0) {
                return out.toByteArray();
            }
            out.write(chunk, 0, chunk.length);
        }
    }

    /** getpgrp() */
    public static int getpgrp() {
        return Libc.getpgrp();
    }

    /** tcgetpgrp(fd): the terminal's foreground process group, or -1 (not a terminal, no group). */
    public static int foregroundProcessGroup(int fd) {
        return Libc.tcgetpgrp(fd);
    }

    /** The kill(2) errno for "no such process" (the target has already gone). */
    public static int esrch() {
        return Libc.ESRCH();
    }

    /** waitpid(pid, &amp;status, 0), retried on EINTR; returns the raw wait status. */
    public static int waitpid(int pid) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = callState(arena);
            MemorySegment status = arena.allocate(Libc.C_INT);
            while (true) {
                // waitpid(pid, &status, 0) is wait4(pid, &status, 0, NULL)
                if (raw(st, Sys.WAIT4, pid, status.address(), 0, 0, 0) != -1) {
                    return status.get(ValueLayout.JAVA_INT, 0);
                }
                if (errno(st) != Libc.EINTR()) {
                    throw failure("waitpid", st);
                }
            }
        }
    }

    /** kill(pid, sig) */
    public static void kill(int pid, int sig) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = callState(arena);
            sys(st, Sys.KILL, pid, sig, 0, 0, 0);
        }
    }

    /**
     * geteuid(): whether jbox runs as root is a fact of the process, never of a Java
     * property ({@code user.name} comes from the environment and {@code -Duser.name=} can
     * set it). geteuid cannot fail.
     */
    public static int geteuid() {
        try (Arena arena = Arena.ofConfined()) {
            return (int) raw(callState(arena), Sys.GETEUID, 0, 0, 0, 0, 0);
        }
    }

    /** getpid() */
    public static int getpid() {
        return Libc.getpid();
    }

    /** strerror(errno) as a Java string. */
    public static String strerror(int errno) {
        MemorySegment s = Libc.strerror(errno);
        if (s.address() == 0) {
            return "Unknown error " + errno;
        }
        return s.reinterpret(Long.MAX_VALUE).getString(0);
    }
}
