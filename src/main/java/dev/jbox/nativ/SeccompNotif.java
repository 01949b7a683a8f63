package dev.jbox.nativ;

import dev.jbox.nativ.Posix.Sys;
import dev.jbox.nativ.gen.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The seccomp user-notification protocol ({@code run --report}, {@code learn}): a filter
 * installed with a listener, and the listener's side (receive a suspended call, answer it,
 * check a cookie). Its system calls go through {@link Posix}'s one downcall handle.
 */
public final class SeccompNotif {

    private SeccompNotif() {
    }

    /*
     * The user-notification ABI (linux/seccomp.h, kernel >= 5.0; CONTINUE 5.5, SET_FLAGS 6.6).
     * The generated bindings predate it and regenerating them needs jextract, so the values
     * are stated here: they are the kernel's ABI, the same on every architecture jbox runs on
     * (the ioctl numbers use the generic _IOC encoding of x86, arm64 and riscv).
     */
    private static final int SECCOMP_GET_NOTIF_SIZES = 3;
    private static final long SECCOMP_FILTER_FLAG_NEW_LISTENER = 1L << 3;
    private static final long SECCOMP_IOCTL_NOTIF_RECV = 0xc0502100L;       // _IOWR('!', 0, struct seccomp_notif)
    private static final long SECCOMP_IOCTL_NOTIF_SEND = 0xc0182101L;       // _IOWR('!', 1, struct seccomp_notif_resp)
    private static final long SECCOMP_IOCTL_NOTIF_ID_VALID = 0x40082102L;   // _IOW('!', 2, __u64)
    private static final long SECCOMP_IOCTL_NOTIF_SET_FLAGS = 0x40082104L;  // _IOW('!', 4, __u64)
    private static final long SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP = 1;
    private static final int SECCOMP_USER_NOTIF_FLAG_CONTINUE = 1;
    private static final int ENOENT = 2;
    private static final short POLLIN = 0x1;
    private static final short POLLHUP = 0x10;

    /**
     * One suspended system call, as {@code struct seccomp_notif} carries it.
     *
     * @param id   the cookie to answer with; valid until answered or the caller dies
     * @param pid  the calling thread, in jbox's PID namespace
     * @param nr   the syscall number, of {@code arch}'s table
     * @param arch the AUDIT_ARCH_* value
     * @param ip   the instruction pointer
     * @param args the six raw arguments
     */
    public record Notification(long id, int pid, int nr, int arch, long ip, long[] args) {
        public Notification {
            args = args.clone();
        }

        @Override
        public long[] args() {
            return args.clone();
        }
    }

    /**
     * The kernel's sizes of struct seccomp_notif, seccomp_notif_resp and seccomp_data
     * (SECCOMP_GET_NOTIF_SIZES): what to allocate, since the structs may grow.
     */
    public static int[] sizes() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Posix.callState(arena);
            MemorySegment sizes = arena.allocate(6, 2); // three __u16
            Posix.sys(st, Sys.SECCOMP, SECCOMP_GET_NOTIF_SIZES, 0, sizes.address(), 0, 0);
            return new int[] {Short.toUnsignedInt(sizes.get(ValueLayout.JAVA_SHORT, 0)),
                    Short.toUnsignedInt(sizes.get(ValueLayout.JAVA_SHORT, 2)),
                    Short.toUnsignedInt(sizes.get(ValueLayout.JAVA_SHORT, 4))};
        }
    }

    /**
     * Sets no_new_privs on the calling thread (not the process: no TSYNC) and installs
     * {@code insns} on it with seccomp(SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER):
     * the thread, and every process it starts from now on, runs under the filter. Returns the
     * listener fd, which the kernel opens close-on-exec. There is no prctl fallback: prctl
     * cannot hand back a listener.
     */
    public static int installListenerFilter(long[] insns) {
        Posix.checkLength(insns);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Posix.callState(arena);
            MemorySegment prog = Posix.program(arena, insns);
            Posix.prctl(st, Libc.PR_SET_NO_NEW_PRIVS(), 1L, 0L, 0L, 0L);
            return (int) Posix.sys(st, Sys.SECCOMP, Libc.SECCOMP_SET_MODE_FILTER(), SECCOMP_FILTER_FLAG_NEW_LISTENER,
                    prog.address(), 0, 0);
        }
    }

    /**
     * Asks the kernel to switch the answering thread and the caller synchronously
     * (SECCOMP_IOCTL_NOTIF_SET_FLAGS with SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP, kernel >= 6.6):
     * a notified call then costs microseconds instead of a scheduler round trip. False when
     * the kernel does not know the flag (the listener works as before).
     */
    public static boolean syncWakeUp(int listener) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Posix.callState(arena);
            return Posix.raw(st, Sys.IOCTL, listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP,
                    0, 0) == 0;
        }
    }

    /**
     * Waits up to {@code timeoutMillis} (negative: for ever) for the listener: 1 when a
     * notification is pending, -1 when the filter has no users left (POLLHUP: every process
     * under it has exited), 0 on time-out or EINTR.
     */
    public static int poll(int listener, int timeoutMillis) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Posix.callState(arena);
            MemorySegment pfd = arena.allocate(8, 4); // struct pollfd { int fd; short events, revents; }
            pfd.set(ValueLayout.JAVA_INT, 0, listener);
            pfd.set(ValueLayout.JAVA_SHORT, 4, POLLIN);
            MemorySegment ts = MemorySegment.NULL;
            if (timeoutMillis >= 0) {
                ts = arena.allocate(16, 8);
                ts.set(ValueLayout.JAVA_LONG, 0, timeoutMillis / 1000);
                ts.set(ValueLayout.JAVA_LONG, 8, (timeoutMillis % 1000) * 1_000_000L);
            }
            long r = Posix.raw(st, Sys.PPOLL, pfd.address(), 1, ts.address(), 0, 8);
            if (r == -1) {
                if (Posix.errno(st) == Libc.EINTR()) {
                    return 0;
                }
                throw Posix.failure("ppoll", st);
            }
            short revents = pfd.get(ValueLayout.JAVA_SHORT, 6);
            if ((revents & POLLIN) != 0) {
                return 1;
            }
            return (revents & POLLHUP) != 0 ? -1 : 0;
        }
    }

    /**
     * A listener's receiving side: one zeroed buffer of the kernel's struct size, reused.
     * Confined to the thread that made it.
     */
    public static final class Receiver implements AutoCloseable {
        private final Arena arena = Arena.ofConfined();
        private final MemorySegment st = Posix.callState(arena);
        private final MemorySegment notif;
        private final MemorySegment resp;
        private final MemorySegment cookie = arena.allocate(8, 8);
        private final int listener;

        public Receiver(int listener) {
            int[] sizes = sizes();
            // at least the layouts read here (80 and 24 bytes), whatever the kernel says
            this.notif = arena.allocate(Math.max(sizes[0], 80), 8);
            this.resp = arena.allocate(Math.max(sizes[1], 24), 8);
            this.listener = listener;
        }

        /**
         * SECCOMP_IOCTL_NOTIF_RECV: the next notification, or null when there was none to take
         * (ENOENT: the caller died or was interrupted before it was received; EINTR).
         */
        public Notification receive() {
            notif.fill((byte) 0); // the kernel refuses a buffer that is not zeroed
            if (Posix.raw(st, Sys.IOCTL, listener, SECCOMP_IOCTL_NOTIF_RECV, notif.address(), 0, 0) == -1) {
                int e = Posix.errno(st);
                if (e == ENOENT || e == Libc.EINTR()) {
                    return null;
                }
                throw Posix.failure("ioctl(SECCOMP_IOCTL_NOTIF_RECV)", st);
            }
            long[] args = new long[6];
            for (int i = 0; i < 6; i++) {
                args[i] = notif.get(ValueLayout.JAVA_LONG, 32 + 8L * i);
            }
            return new Notification(notif.get(ValueLayout.JAVA_LONG, 0), notif.get(ValueLayout.JAVA_INT, 8),
                    notif.get(ValueLayout.JAVA_INT, 16), notif.get(ValueLayout.JAVA_INT, 20),
                    notif.get(ValueLayout.JAVA_LONG, 24), args);
        }

        /** Answers {@code id}: the call fails with {@code errno} (0: returns 0 without running). */
        public boolean refuse(long id, int errno) {
            return send(id, 0, -errno, 0);
        }

        /**
         * Answers {@code id}: the kernel runs the call as asked (SECCOMP_USER_NOTIF_FLAG_CONTINUE).
         * Open to time-of-check races on pointer arguments: only for calls the profile allows.
         */
        public boolean letThrough(long id) {
            return send(id, 0, 0, SECCOMP_USER_NOTIF_FLAG_CONTINUE);
        }

        /** False when the caller is gone (ENOENT); the answer is then moot. */
        private boolean send(long id, long val, int error, int flags) {
            resp.fill((byte) 0);
            resp.set(ValueLayout.JAVA_LONG, 0, id);
            resp.set(ValueLayout.JAVA_LONG, 8, val);
            resp.set(ValueLayout.JAVA_INT, 16, error);
            resp.set(ValueLayout.JAVA_INT, 20, flags);
            while (true) {
                if (Posix.raw(st, Sys.IOCTL, listener, SECCOMP_IOCTL_NOTIF_SEND, resp.address(), 0, 0) == 0) {
                    return true;
                }
                int e = Posix.errno(st);
                if (e == ENOENT) {
                    return false;
                }
                if (e != Libc.EINTR()) {
                    throw Posix.failure("ioctl(SECCOMP_IOCTL_NOTIF_SEND)", st);
                }
            }
        }

        /**
         * SECCOMP_IOCTL_NOTIF_ID_VALID: whether {@code id} still names a suspended call, so that
         * what was just read from the caller's memory was read from that call's caller.
         */
        public boolean valid(long id) {
            cookie.set(ValueLayout.JAVA_LONG, 0, id);
            return Posix.raw(st, Sys.IOCTL, listener, SECCOMP_IOCTL_NOTIF_ID_VALID, cookie.address(), 0, 0) == 0;
        }

        @Override
        public void close() {
            arena.close();
        }
    }
}
