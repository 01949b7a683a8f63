package dev.jbox.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What {@code strict} and {@code dev} add to minimal, probed with real syscalls inside the
 * real sandbox. Like {@link MinimalProbesIT}, every probe also runs unfiltered and must
 * answer differently there, so the answer comes from the filter: arguments are chosen for
 * that (a socket family the kernel supports, fd -1, pid 999999, a bad clock id). Calls whose
 * unfiltered answer equals the filter's (a capability check first: acct, sethostname,
 * swapon, syslog here) are covered by the decision tables in the emulator instead.
 */
class StrictProbesIT {

    /** One probe: spec, what strict answers, what dev answers, what the kernel answered unfiltered when written. */
    record Row(String name, String spec, String strict, String dev, String measured) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final List<Row> ROWS = List.of(
            new Row("socket(AF_VSOCK)", "vsock:41:40:1:0", "EAFNOSUPPORT", "EAFNOSUPPORT", "ok"),
            new Row("socket(AF_PACKET)", "packet:41:17:3:0", "EAFNOSUPPORT", "EAFNOSUPPORT", "EPERM"),
            new Row("socket((1<<32)|AF_PACKET)", "packet_hi:41:0x100000011:3:0", "EAFNOSUPPORT", "EAFNOSUPPORT", "EPERM"),
            new Row("socket((1<<32)|AF_VSOCK)", "vsock_hi:41:0x100000028:1:0", "EAFNOSUPPORT", "EAFNOSUPPORT", "ok"),
            new Row("io_uring_setup(0, NULL)", "io_uring:425:0:0", "ENOSYS", "ENOSYS", "EFAULT"),
            new Row("ioctl(-1, TIOCSTI)", "tiocsti:16:-1:0x5412:0", "EPERM", "EPERM", "EBADF"),
            new Row("ioctl(-1, (1<<32)|TIOCSTI)", "tiocsti_hi:16:-1:0x100005412:0", "EPERM", "EPERM", "EBADF"),
            new Row("ioctl(-1, TIOCLINUX)", "tioclinux:16:-1:0x541c:0", "EPERM", "EPERM", "EBADF"),
            new Row("ioctl(-1, (1<<32)|TIOCLINUX)", "tioclinux_hi:16:-1:0x10000541c:0", "EPERM", "EPERM", "EBADF"),
            new Row("personality(ADDR_NO_RANDOMIZE)", "pers_norand:135:0x40000", "EPERM", "ok", "ok"),
            new Row("personality((1<<32)|ADDR_NO_RANDOMIZE)", "pers_norand_hi:135:0x100040000", "EPERM", "ok", "ok"),
            new Row("personality(READ_IMPLIES_EXEC)", "pers_rie:135:0x400000", "EPERM", "EPERM", "ok"),
            new Row("pidfd_getfd(-1)", "pidfd_getfd:438:-1:0:0", "EPERM", "EBADF", "EBADF"),
            new Row("ptrace(PEEKDATA, 999999)", "ptrace:101:2:999999:0:0", "EPERM", "ESRCH", "ESRCH"),
            new Row("process_vm_readv(999999, flags=1)", "pvr:310:999999:0:0:0:0:1", "EPERM", "EINVAL", "EINVAL"),
            new Row("move_pages(999999)", "move_pages:279:999999:0:0:0:0:0", "EPERM", "EPERM", "ESRCH"),
            new Row("migrate_pages(999999)", "migrate_pages:256:999999:0:0:0", "EPERM", "EPERM", "ESRCH"),
            new Row("open_by_handle_at(-1, NULL)", "obha:304:-1:0:0", "EPERM", "EPERM", "EFAULT"),
            new Row("modify_ldt(0, NULL, 0)", "modify_ldt:154:0:0:0", "EPERM", "EPERM", "ok"),
            new Row("clock_settime(-1, NULL)", "clock_settime:227:-1:0", "EPERM", "EPERM", "EFAULT"),
            new Row("quotactl(0, NULL)", "quotactl:179:0:0:0:0", "EPERM", "EPERM", "ENODEV"),
            new Row("ustat(0, NULL)", "ustat:136:0:0", "EPERM", "EPERM", "EINVAL"),
            new Row("sysfs(3)", "sysfs:139:3", "EPERM", "EPERM", "ok"));

    /** Allowed under both: the filter must leave the kernel's answer alone. */
    static final List<String> CONTROLS = List.of(
            "ctl.inet:41:2:1:0", "ctl.unix:41:1:1:0", "ctl.inet6:41:10:2:0", "ctl.netlink:41:16:3:0",
            "ctl.pers_query:135:0xffffffff", "ctl.ioctl_fionread:16:-1:0x541b:0", "ctl.getppid:110");

    /**
     * Calls through the i386 compat entry ({@code int $0x80}, each in a child of the probe):
     * strict and dev allow the native ABI only, so any i386 call, allowed or not, kills the
     * process (the compiler's bad-arch action, KILL_PROCESS: SIGSYS). Unfiltered, each reaches
     * the kernel and answers (getpid a pid, the others as in {@link MinimalProbesIT}).
     * Specs are {@code i386:NAME:I386_NUMBER:ARGS}.
     */
    static final List<String> I386 = List.of(
            "i386:i386.getpid:20",
            "i386:i386.ptrace:26:2:999999:0:0",
            "i386:i386.unshare:310:0",
            "i386:i386.setns:346:-1:0",
            "i386:i386.socket_vsock:359:40:1:0",
            "i386:i386.ioctl_tiocsti:54:-1:0x5412:0",
            "i386:i386.clone_newuser:120:0x10010000:0:0:0:0");

    static Path cwd;
    static Map<String, Probe.Answer> unfiltered;
    static Map<String, Probe.Answer> strict;
    static Map<String, Probe.Answer> dev;
    static String ia32Unfiltered;
    static int blocked;
    static int run;

    @BeforeAll
    static void probeAll() throws Exception {
        cwd = Files.createTempDirectory("jbox-strict-it");
        List<String> specs = new ArrayList<>();
        ROWS.forEach(r -> specs.add(r.spec()));
        specs.addAll(CONTROLS);
        specs.add("ia32");
        specs.addAll(I386);
        unfiltered = probe("--no-seccomp", specs);
        strict = probe("--profile=strict", specs);
        dev = probe("--profile=dev", specs);
    }

    static Map<String, Probe.Answer> probe(String mode, List<String> specs) {
        Jbox.Result r = Jbox.run(List.of(mode), Probe.command(cwd, specs), Jbox.Options.in(cwd));
        assertThat(r.exit()).as("%s", r).isZero();
        Map<String, Probe.Answer> answers = Probe.parse(r.stdout());
        // the i386 probes answer only where the kernel has IA-32 emulation (see i386CallsAreKilled...)
        List<String> nativeSpecs = specs.stream().filter(s -> !s.startsWith("i386:") && !s.equals("ia32")).toList();
        assertThat(answers.keySet().stream().filter(k -> !k.startsWith("i386.") && !k.equals("ia32")).toList())
                .as("every native probe answered under %s: %s", mode, r).hasSize(nativeSpecs.size());
        if (mode.equals("--no-seccomp")) {
            ia32Unfiltered = r.stdoutLines().stream().filter(l -> l.startsWith("ia32 ")).findFirst().orElse("ia32 ?");
        }
        return answers;
    }

    static String name(String spec) {
        return spec.substring(0, spec.indexOf(':'));
    }

    static String show(Probe.Answer a) {
        return a.ret() >= 0 ? "ok" : a.errno();
    }

    static Stream<Row> rows() {
        return ROWS.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void strictAndDevAnswerWithTheirErrnoAndTheKernelDoesNot(Row row) {
        String n = name(row.spec());
        String kernel = show(unfiltered.get(n));
        run++;
        assertThat(show(strict.get(n))).as("strict: " + row).isEqualTo(row.strict());
        assertThat(show(dev.get(n))).as("dev: " + row).isEqualTo(row.dev());
        assertThat(kernel).as("unfiltered answer must differ from strict's, or the probe proves nothing: " + row)
                .isNotEqualTo(row.strict());
        if (!kernel.equals(row.measured())) {
            System.out.println("note: unfiltered " + row + " answered " + kernel + " (table says " + row.measured() + ")");
        }
        blocked++;
    }

    @Test
    void allowedCallsAreUntouched() {
        for (String spec : CONTROLS) {
            String n = name(spec);
            assertThat(show(strict.get(n))).as("strict " + n).isEqualTo(show(unfiltered.get(n)));
            assertThat(show(dev.get(n))).as("dev " + n).isEqualTo(show(unfiltered.get(n)));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("i386Specs")
    void i386CallsAreKilledUnderStrictAndDevAndReachTheKernelUnfiltered(String spec) {
        assumeIa32();
        String n = spec.split(":")[1];
        Probe.Answer u = unfiltered.get(n);
        assertThat(u).as("unfiltered %s answered", spec).isNotNull();
        // the probe can fail: without a filter the call reaches the kernel and returns
        assertThat(u.killed()).as("unfiltered %s: %s", spec, u).isFalse();
        assertThat(strict.get(n)).as("strict %s", spec).isNotNull()
                .extracting(Probe.Answer::answer).isEqualTo("killed=SIGSYS");
        assertThat(dev.get(n)).as("dev %s", spec).isNotNull()
                .extracting(Probe.Answer::answer).isEqualTo("killed=SIGSYS");
    }

    @Test
    void i386GetpidReachesTheKernelUnfiltered() {
        assumeIa32();
        assertThat(ia32Unfiltered).isEqualTo("ia32 ok");
        assertThat(unfiltered.get("i386.getpid").ret()).as("i386 getpid unfiltered").isPositive();
        assertThat(strict.get("ia32").answer()).isEqualTo("killed=SIGSYS");
    }

    /**
     * A real 32-bit program ({@code gcc -m32} build of the probe): minimal runs it and
     * applies the i386 rules; strict and dev kill it at its first system call (exit 128+SIGSYS).
     */
    @Test
    void aThirtyTwoBitProgramRunsUnderMinimalAndIsKilledUnderStrictAndDev() {
        assumeIa32();
        Path probe32 = Probe.in32(cwd);
        // i386 numbers: getpid 20, ptrace 26, unshare 310
        List<String> cmd = List.of(probe32.toString(), "getpid:20", "ptrace:26:2:999999:0:0", "unshare:310:0", "status");
        Jbox.Result none = Jbox.run(List.of("--no-seccomp"), cmd, Jbox.Options.in(cwd));
        assertThat(none.exit()).as("%s", none).isZero();
        Map<String, Probe.Answer> u = Probe.parse(none.stdout());
        assertThat(u.get("getpid").ret()).as("%s", none).isPositive();
        assertThat(u.get("ptrace").answer()).as("%s", none).isEqualTo("ESRCH");
        assertThat(u.get("unshare").answer()).as("%s", none).isEqualTo("ret=0");
        Jbox.Result minimal = Jbox.run(List.of("--profile=minimal"), cmd, Jbox.Options.in(cwd));
        assertThat(minimal.exit()).as("%s", minimal).isZero();
        Map<String, Probe.Answer> m = Probe.parse(minimal.stdout());
        assertThat(m.get("getpid").ret()).as("%s", minimal).isPositive();
        assertThat(m.get("ptrace").answer()).as("%s", minimal).isEqualTo("EPERM");
        assertThat(m.get("unshare").answer()).as("%s", minimal).isEqualTo("EPERM");
        assertThat(minimal.stdout()).contains("Seccomp:\t2");
        for (String profile : List.of("strict", "dev")) {
            Jbox.Result r = Jbox.run(List.of("--profile=" + profile), cmd, Jbox.Options.in(cwd));
            assertThat(r.exit()).as("%s under %s: killed by SIGSYS (31)", r, profile).isEqualTo(128 + 31);
            assertThat(r.stdout()).as("%s under %s", r, profile).isEmpty();
        }
    }

    static Stream<String> i386Specs() {
        return I386.stream();
    }

    /** Skips (saying why) where the kernel has no usable IA-32 emulation: the emulator tests cover compat then. */
    private static void assumeIa32() {
        Assumptions.assumeTrue("ia32 ok".equals(ia32Unfiltered), () -> "no IA-32 emulation on this kernel ("
                + ia32Unfiltered + "): the i386 rules of strict and dev are covered by the emulator tests"
                + " (src/test/resources/dev/jbox/seccomp/strict.tests, dev.tests) only");
    }

    /** dev exists for debuggers: strace works there, and strict refuses it with EPERM. */
    @Test
    void straceWorksUnderDevAndNotUnderStrict() {
        Jbox.Result d = Jbox.run(List.of("--profile=dev"), List.of("strace", "-f", "-o", "/dev/null", "true"),
                Jbox.Options.in(cwd));
        assertThat(d.exit()).as("strace under dev: %s", d).isZero();
        Jbox.Result s = Jbox.run(List.of("--profile=strict"), List.of("strace", "-f", "-o", "/dev/null", "true"),
                Jbox.Options.in(cwd));
        assertThat(s.exit()).as("strace under strict: %s", s).isNotZero();
        assertThat(s.stderr()).contains("Operation not permitted");
    }

    @AfterAll
    static void summary() throws Exception {
        System.out.println("strict/dev probes: " + run + " run, " + blocked + " blocked by the filter, "
                + CONTROLS.size() + " allowed controls unchanged; i386 compat " + ia32Unfiltered
                + ("ia32 ok".equals(ia32Unfiltered) ? ", " + I386.size() + " i386 calls killed (SIGSYS)" : ""));
        Jbox.deleteTree(cwd);
    }
}
