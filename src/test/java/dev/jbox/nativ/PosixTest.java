package dev.jbox.nativ;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import dev.jbox.arch.Arch;
import dev.jbox.nativ.gen.Libc;
import dev.jbox.nativ.gen.sigset_t;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** In-process checks of the libc layer (only calls that are safe inside a test JVM). */
@EnabledOnOs(OS.LINUX)
class PosixTest {

    private static final int F_SEAL_SEAL = 0x1;
    private static final int F_SEAL_SHRINK = 0x2;
    private static final int F_SEAL_GROW = 0x4;
    private static final int F_SEAL_WRITE = 0x8;
    private static final int O_CLOEXEC = 02000000;

    private static final int SECCOMP_RET_ALLOW = 0x7fff0000;
    private static final int SECCOMP_RET_ERRNO = 0x00050000;

    /** ld [4]; jeq #0xc000003e, 1, 2; ret #ALLOW -- a made-up but well-formed program. */
    private static final long[] FILTER = {
        insn(0x20, 0, 0, 4),
        insn(0x15, 1, 2, 0xc000003e),
        insn(0x06, 0, 0, SECCOMP_RET_ALLOW),
    };

    private final List<Integer> openFds = new ArrayList<>();

    static long insn(int code, int jt, int jf, int k) {
        return (code & 0xffffL) | (jt & 0xffL) << 16 | (jf & 0xffL) << 24 | (k & 0xffffffffL) << 32;
    }

    /** The bytes of a struct sock_filter[] on a little-endian machine. */
    static byte[] littleEndian(long[] insns) {
        ByteBuffer buf = ByteBuffer.allocate(insns.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long insn : insns) {
            buf.putShort((short) insn).put((byte) (insn >>> 16)).put((byte) (insn >>> 24)).putInt((int) (insn >>> 32));
        }
        return buf.array();
    }

    private int track(int fd) {
        openFds.add(fd);
        return fd;
    }

    @AfterEach
    void closeFds() {
        for (int fd : openFds) {
            Posix.close(fd);
        }
    }

    private static Map<String, String> fdinfo(int fd) throws IOException {
        return parseStatus(Path.of("/proc/self/fdinfo/" + fd));
    }

    private static Map<String, String> parseStatus(Path file) throws IOException {
        Map<String, String> fields = new HashMap<>();
        for (String line : Files.readAllLines(file)) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                fields.put(line.substring(0, colon), line.substring(colon + 1).strip());
            }
        }
        return fields;
    }

    private static boolean cloexec(int fd) throws IOException {
        return (Integer.parseInt(fdinfo(fd).get("flags"), 8) & O_CLOEXEC) != 0;
    }

    // ------------------------------------------------------------------ sealed memfd

    @Test
    void sealedFilterFdIsSealedReadableAtZeroAndInheritable() throws IOException {
        int fd = track(Posix.sealedFilterFd("jbox-test-filter", FILTER));
        assertThat(fd).isGreaterThanOrEqualTo(3);

        assertThat(Posix.seals(fd)).isEqualTo(F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);

        Path path = Path.of("/proc/self/fd/" + fd);
        assertThat(Files.readAllBytes(path)).isEqualTo(littleEndian(FILTER));
        assertThat(Files.readSymbolicLink(path).toString()).startsWith("/memfd:jbox-test-filter");

        // /proc/self/fd/N opens a new description; the fd's own offset and flags are in fdinfo.
        Map<String, String> info = fdinfo(fd);
        assertThat(info.get("pos")).isEqualTo("0");
        assertThat(Integer.parseInt(info.get("flags"), 8) & O_CLOEXEC).as("O_CLOEXEC cleared").isZero();
    }

    @Test
    void sealedFilterFdRejectsWrites() throws IOException {
        int fd = track(Posix.sealedFilterFd("jbox-test-sealed", FILTER));
        Path path = Path.of("/proc/self/fd/" + fd);

        assertThatThrownBy(() -> Files.write(path, new byte[] {1, 2, 3}, StandardOpenOption.WRITE))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> Files.write(path, new byte[] {1}, StandardOpenOption.APPEND))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> Files.write(path, new byte[0], StandardOpenOption.TRUNCATE_EXISTING))
                .isInstanceOf(IOException.class);
        assertThat(Files.readAllBytes(path)).isEqualTo(littleEndian(FILTER));
    }

    @Test
    void sealedFilterFdEncodesAllFields() throws IOException {
        long[] insns = {insn(0xffff, 0xff, 0xff, 0xffffffff), insn(0x1234, 0x56, 0x78, 0x9abcdef0), 0L};
        int fd = track(Posix.sealedFilterFd("jbox-test-fields", insns));
        assertThat(Files.readAllBytes(Path.of("/proc/self/fd/" + fd))).isEqualTo(littleEndian(insns));
    }

    @Test
    void sealedFilterFdWritesLargeFilters() throws IOException {
        long[] insns = new long[20_000];
        for (int i = 0; i < insns.length; i++) {
            insns[i] = insn(i & 0xffff, i & 0xff, (i >> 8) & 0xff, i * 31);
        }
        int fd = track(Posix.sealedFilterFd("jbox-test-large", insns));
        assertThat(Files.readAllBytes(Path.of("/proc/self/fd/" + fd))).isEqualTo(littleEndian(insns));
    }

    // ------------------------------------------------------------------ fd flags

    @Test
    void setCloexecTogglesTheFlag() throws IOException {
        int fd = track(Posix.sealedFilterFd("jbox-test-cloexec", FILTER));
        assertThat(cloexec(fd)).isFalse();
        Posix.setCloexec(fd, true);
        assertThat(cloexec(fd)).isTrue();
        Posix.setCloexec(fd, true);
        assertThat(cloexec(fd)).isTrue();
        Posix.setCloexec(fd, false);
        assertThat(cloexec(fd)).isFalse();
    }

    @Test
    void cloexecAllExceptKeepsOnlyTheListedFds() throws IOException {
        int a = track(Posix.sealedFilterFd("jbox-test-a", FILTER));
        int b = track(Posix.sealedFilterFd("jbox-test-b", FILTER));
        int c = track(Posix.sealedFilterFd("jbox-test-c", FILTER));

        Posix.cloexecAllExcept(c, a, a, 1);

        assertThat(cloexec(a)).isFalse();
        assertThat(cloexec(b)).isTrue();
        assertThat(cloexec(c)).isFalse();
        assertThat(cloexec(0)).as("stdin untouched").isFalse();

        Posix.cloexecAllExcept();
        assertThat(cloexec(a)).isTrue();
        assertThat(cloexec(c)).isTrue();
    }

    @Test
    void procFallbackKeepsOnlyTheListedFds() throws IOException {
        int a = track(Posix.sealedFilterFd("jbox-test-pa", FILTER));
        int b = track(Posix.sealedFilterFd("jbox-test-pb", FILTER));

        Posix.cloexecAllExceptViaProc(b);

        assertThat(cloexec(a)).isTrue();
        assertThat(cloexec(b)).isFalse();
        assertThat(cloexec(0)).as("stdin untouched").isFalse();
    }

    /** The launch path's calls go through syscall(2): their numbers must be this machine's. */
    @Test
    void syscallNumbersMatchTheKernelTables() {
        dev.jbox.arch.Arch host = dev.jbox.arch.Arch.host();
        for (Posix.Sys s : Posix.Sys.values()) {
            assertThat(s.nr).as(s.call).isEqualTo((long) host.syscalls().number(s.call).orElseThrow());
        }
        assertThat(Posix.Sys.SECCOMP.nr).isEqualTo(Libc.SYS_seccomp());
    }

    /** The ABI-6 ruleset attribute, as the header's compiler laid it out: three __u64, scoped last. */
    @Test
    void landlockAttrIsTheKernelsAbi6Layout() {
        assertThat(Libc.JBOX_SIZEOF_LANDLOCK_RULESET_ATTR()).isEqualTo(24);
        assertThat(Libc.JBOX_OFFSETOF_LANDLOCK_SCOPED()).isEqualTo(16);
        assertThat(Posix.landlockScopeSocketsAndSignals()).isEqualTo(3L);
    }

    /**
     * A thread in a scope-only domain can no longer signal a process outside it (a child this
     * JVM started before): kill(child, 0) answers EPERM there and 0 on this thread. (Signals
     * between threads of one process stay allowed, so the JVM itself is no target.)
     */
    @Test
    void aScopedThreadCannotSignalOutsideItsDomain() throws Exception {
        int abi = Posix.landlockAbi();
        org.junit.jupiter.api.Assumptions.assumeTrue(abi >= 6, "Landlock ABI " + abi + " has no scopes (needs 6)");
        Process child = new ProcessBuilder("sleep", "30").start();
        try {
            int pid = (int) child.pid();
            java.util.concurrent.CompletableFuture<Integer> errno = new java.util.concurrent.CompletableFuture<>();
            Thread.ofPlatform().start(() -> {
                try {
                    Posix.landlockScope(Libc.LANDLOCK_SCOPE_SIGNAL() | Libc.LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET());
                    Posix.kill(pid, 0);
                    errno.complete(0);
                } catch (NativeException e) {
                    errno.complete(e.errno());
                } catch (RuntimeException e) {
                    errno.completeExceptionally(e);
                }
            }).join(10_000);
            assertThat(errno.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(Libc.EPERM());
            Posix.kill(pid, 0); // this thread is not in the domain
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void sigsetSizeConstantMatchesTheGeneratedLayout() {
        assertThat((long) Libc.JBOX_SIZEOF_SIGSET_T()).isEqualTo(sigset_t.layout().byteSize());
        assertThat(Libc.C_LONG.byteAlignment()).isEqualTo(sigset_t.layout().byteAlignment());
    }

    // ------------------------------------------------------------------ errors

    @Test
    void failuresCarryCallErrnoAndStrerror() {
        assertThatThrownBy(() -> Posix.setCloexec(-1, true))
                .isInstanceOfSatisfying(NativeException.class, e -> {
                    assertThat(e).hasMessage("fcntl: Bad file descriptor (errno 9)");
                    assertThat(e.call()).isEqualTo("fcntl");
                    assertThat(e.errno()).isEqualTo(9);
                    assertThat(e.strerror()).isEqualTo("Bad file descriptor");
                });
        assertThatThrownBy(() -> Posix.seals(-1)).hasMessage("fcntl: Bad file descriptor (errno 9)");
        assertThatThrownBy(() -> Posix.close(-1)).hasMessage("close: Bad file descriptor (errno 9)");
    }

    @Test
    void messageFormat() {
        assertThat(new NativeException("memfd_create", 38))
                .hasMessage("memfd_create: Function not implemented (errno 38)");
    }

    @Test
    void strerrorText() {
        assertThat(Posix.strerror(2)).isEqualTo("No such file or directory");
        assertThat(Posix.strerror(1)).isEqualTo("Operation not permitted");
    }

    @Test
    void execveOfAMissingFileThrows() {
        assertThatThrownBy(() -> Posix.execve("/nonexistent/jbox-no-such-file",
                List.of("x"), List.of("A=b")))
                .isInstanceOfSatisfying(NativeException.class, e -> {
                    assertThat(e.call()).isEqualTo("execve");
                    assertThat(e.errno()).isEqualTo(2);
                });
    }

    // ------------------------------------------------------------------ processes

    /** The hand-summed member offset agrees with the layout path's, on every member of a padded struct. */
    @Test
    void offsetOfAgreesWithTheLayoutPath() {
        var capture = java.lang.foreign.Linker.Option.captureStateLayout();
        assertThat(Posix.offsetOf(capture, "errno"))
                .isEqualTo(capture.byteOffset(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno")));
        var padded = java.lang.foreign.MemoryLayout.structLayout(
                java.lang.foreign.ValueLayout.JAVA_BYTE.withName("a"),
                java.lang.foreign.MemoryLayout.paddingLayout(3),
                java.lang.foreign.ValueLayout.JAVA_INT.withName("b"),
                java.lang.foreign.ValueLayout.JAVA_LONG.withName("c"));
        for (String m : List.of("a", "b", "c")) {
            assertThat(Posix.offsetOf(padded, m)).as(m)
                    .isEqualTo(padded.byteOffset(java.lang.foreign.MemoryLayout.PathElement.groupElement(m)));
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Posix.offsetOf(padded, "d"))
                .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("no member 'd' in ");
    }

    /** The launch's warm-up call changes nothing a launch could inherit: no fd left open. */
    @Test
    void warmUpLeavesNoFdAndCanRunTwice() throws IOException {
        List<String> before;
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            before = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        Posix.warmUp();
        Posix.warmUp();
        List<String> after;
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            after = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertThat(after).isEqualTo(before);
    }

    @Test
    void getpidMatchesTheJvm() {
        assertThat((long) Posix.getpid()).isEqualTo(ProcessHandle.current().pid());
    }

    @Test
    void spawnAndWaitpidReportTheExitStatus() {
        int pid = Posix.spawn("/bin/sh", List.of("sh", "-c", "exit 7"), List.of("PATH=/usr/bin:/bin"));
        assertThat(pid).isPositive();
        assertThat(Posix.waitpid(pid)).isEqualTo(7 << 8);
    }

    @Test
    void spawnPassesEnvironmentAndClearsTheSignalMask() {
        String script = "[ \"$JBOX_T\" = yes ] || exit 3; "
                + "grep -q '^SigBlk:[[:space:]]*0*$' /proc/self/status || exit 4; exit 0";
        int pid = Posix.spawn("/bin/sh", List.of("sh", "-c", script), List.of("PATH=/usr/bin:/bin", "JBOX_T=yes"));
        assertThat(Posix.waitpid(pid)).isZero();
    }

    @Test
    void spawnOfAMissingFileThrows() {
        assertThatThrownBy(() -> Posix.spawn("/nonexistent/jbox-no-such-file", List.of("x"), List.of()))
                .isInstanceOfSatisfying(NativeException.class, e -> {
                    assertThat(e.call()).isEqualTo("posix_spawn");
                    assertThat(e.errno()).isEqualTo(2);
                });
    }

    @Test
    void killDeliversTheSignal() {
        int pid = Posix.spawn("/bin/sh", List.of("sh", "-c", "exec sleep 30"), List.of("PATH=/usr/bin:/bin"));
        Posix.kill(pid, 9);
        int status = Posix.waitpid(pid);
        assertThat(status & 0x7f).as("WTERMSIG").isEqualTo(9);
    }

    @Test
    void waitpidOfANonChildThrows() {
        assertThatThrownBy(() -> Posix.waitpid(1))
                .isInstanceOfSatisfying(NativeException.class, e -> {
                    assertThat(e.call()).isEqualTo("waitpid");
                    assertThat(e.errno()).isEqualTo(10); // ECHILD
                });
    }

    // ------------------------------------------------------------------ limits

    @Test
    void nofileLimitIsSane() {
        long[] limit = Posix.nofileLimit();
        assertThat(limit).hasSize(2);
        assertThat(limit[0]).isPositive();
        assertThat(Long.compareUnsigned(limit[0], limit[1])).isLessThanOrEqualTo(0);
    }

    @Test
    void setNofileSoftLimitKeepsTheHardLimit() {
        long[] before = Posix.nofileLimit();
        try {
            Posix.setNofileSoftLimit(before[0] - 1);
            assertThat(Posix.nofileLimit()).containsExactly(before[0] - 1, before[1]);
        } finally {
            Posix.setNofileSoftLimit(before[0]);
        }
        assertThat(Posix.nofileLimit()).containsExactly(before);
    }

    @Test
    void aPipeOrABadFdHasNoTerminalWidth() {
        int[] p = Posix.pipe();
        track(p[0]);
        track(p[1]);
        assertThat(Posix.terminalColumns(p[1])).isEmpty();
        assertThat(Posix.terminalColumns(-1)).isEmpty();
    }

    @Test
    void isattyOfABadFdIsFalse() {
        assertThat(Posix.isatty(-1)).isFalse();
    }

    // ------------------------------------------------------------------ per-thread state

    /** Runs {@code body} on a fresh platform thread, so per-thread state does not leak into the test JVM. */
    private static void onOwnThread(ThrowingRunnable body) throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = Thread.ofPlatform().name("jbox-posix-test").start(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.join();
        if (failure.get() instanceof Exception e) {
            throw e;
        } else if (failure.get() instanceof Error e) {
            throw e;
        }
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static Map<String, String> threadStatus() throws IOException {
        return parseStatus(Path.of("/proc/thread-self/status"));
    }

    @Test
    void clearSignalMaskEmptiesTheThreadMask() throws Exception {
        onOwnThread(() -> {
            Posix.clearSignalMask();
            assertThat(Long.parseLong(threadStatus().get("SigBlk"), 16)).isZero();
        });
    }

    @Test
    void installFilterAppliesToTheCallingThreadOnly() throws Exception {
        // the host's number from jbox's tables (Arch.host() refuses a host jbox does not run on)
        int getpidNr = Arch.host().syscalls().number("getpid").orElseThrow();
        int realPid = Posix.getpid();
        long[] filter = {
            insn(0x20, 0, 0, 0),                       // ld [0] (nr)
            insn(0x15, 0, 1, getpidNr),                // jeq #getpid, 0, 1
            insn(0x06, 0, 0, SECCOMP_RET_ERRNO | 1),   // ret ERRNO(EPERM)
            insn(0x06, 0, 0, SECCOMP_RET_ALLOW),       // ret ALLOW
        };
        onOwnThread(() -> {
            Posix.setNoNewPrivs();
            assertThat(threadStatus().get("NoNewPrivs")).isEqualTo("1");
            Posix.installFilter(filter);
            assertThat(threadStatus().get("Seccomp")).isEqualTo("2");
            assertThat(Posix.getpid()).isEqualTo(-1);
        });
        assertThat(Posix.getpid()).as("other threads unaffected").isEqualTo(realPid);
    }

    @Test
    void installFilterRejectsAnInvalidProgram() throws Exception {
        onOwnThread(() -> {
            Posix.setNoNewPrivs();
            String before = threadStatus().get("Seccomp");
            // a jump past the end of the program is rejected by the kernel's checker
            assertThatThrownBy(() -> Posix.installFilter(new long[] {insn(0x05, 0, 0, 5)}))
                    .isInstanceOfSatisfying(NativeException.class, e -> {
                        assertThat(e.call()).isIn("seccomp", "prctl");
                        assertThat(e.errno()).isEqualTo(22); // EINVAL
                    });
            assertThat(threadStatus().get("Seccomp")).isEqualTo(before);
        });
    }
}
