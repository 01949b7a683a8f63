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
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every call the {@code minimal} preset denies, issued raw from inside the real sandbox:
 * once under {@code --profile minimal} and once under {@code --no-seccomp}, each in ONE jbox
 * invocation carrying all the probes. A denied call must answer the preset's errno, and
 * the arguments are chosen so that the unfiltered kernel answers something else (EBADF for
 * fd -1, EFAULT for NULL, EINVAL for impossible flags, ESRCH for pid 999999) — so that the
 * errno really comes from the filter and not from the kernel.
 *
 * <p>Where the kernel itself answers the preset's errno before looking at any argument
 * (a capability check first: pivot_root, reboot, and the module and kexec calls on a
 * kernel that has them), no probe can tell the filter from the kernel: such calls are
 * listed as "emulator-only" (the compiler/emulator tests cover them) and printed. Only
 * rows marked {@code kernelDependent} may end up there; for every other row an unfiltered
 * answer equal to the filtered one fails the test.
 *
 * <p>Each denied call is also issued as an x32 call ({@code nr | 0x40000000}), which the
 * filter must refuse with ENOSYS whatever the kernel's x32 support, and through the i386
 * compat entry ({@code int $0x80}), which minimal keeps with the same rules. Some kernels
 * (and some hypervisors) have no usable {@code int $0x80}: the probe detects the trap and
 * the test then says compat is covered by the emulator only.
 *
 * <p>Measured on Linux 6.18 (x86_64, CONFIG_MODULES and CONFIG_KEXEC off, no x32 ABI,
 * CONFIG_IA32_EMULATION on: {@code int $0x80} works), running as root with bwrap 0.8.0, the
 * unfiltered answers are the {@code measured} column below. Where IA-32 emulation is off
 * ({@code ia32_emulation=0}, or a kernel built without it) the i386 test is skipped with that
 * reason; {@link StrictProbesIT} probes the compat ABI under strict and dev.
 */
class MinimalProbesIT {

    static final long X32 = 0x40000000L;

    /**
     * One denied call.
     *
     * @param name            probe name (unique)
     * @param nr              x86_64 number
     * @param args            the arguments, {@code A0:A1:...}
     * @param errno           what minimal answers
     * @param measured        what the unfiltered sandbox answered when this table was written
     * @param x32Nr           the x32 table number (seccomp sees it | 0x40000000), or -1 for no x32 probe
     * @param i386Nr          the i386 number for an {@code int $0x80} probe, or -1
     * @param kernelDependent the unfiltered kernel may answer {@code errno} itself (capability
     *                        checked first, call compiled out, or missing on older kernels)
     */
    record Row(String name, int nr, String args, String errno, String measured, int x32Nr, int i386Nr,
               boolean kernelDependent) {
        String spec() {
            return name + ":" + nr + ":" + args;
        }

        String x32Spec() {
            return "x32." + name + ":0x" + Long.toHexString(X32 | x32Nr) + ":" + args;
        }

        String i386Spec() {
            return "i386:i386." + name + ":" + i386Nr + ":" + args;
        }

        @Override
        public String toString() {
            return name + "(" + args + ")";
        }
    }

    private static Row deny(String name, int nr, String args, String errno, String measured, int x32, int i386) {
        return new Row(name, nr, args, errno, measured, x32, i386, false);
    }

    private static Row kdep(String name, int nr, String args, String errno, String measured, int x32, int i386) {
        return new Row(name, nr, args, errno, measured, x32, i386, true);
    }

    // clone flags
    static final String CLONE_NEWUSER_THREAD = "0x10010000"; // CLONE_NEWUSER|CLONE_THREAD: EINVAL in the kernel
    static final String TIOCSTI = "0x5412";
    static final String TIOCLINUX = "0x541c";

    static final List<Row> ROWS = List.of(
            deny("ptrace", 101, "2:999999:0:0", "EPERM", "ESRCH", 521, 26), // PTRACE_PEEKDATA, no such pid
            deny("process_vm_readv", 310, "999999:0:0:0:0:1", "EPERM", "EINVAL", 539, 347), // flags=1
            deny("process_vm_writev", 311, "999999:0:0:0:0:1", "EPERM", "EINVAL", 540, 348),
            deny("keyctl", 250, "0:0xdeadbeef:0", "EPERM", "EINVAL", 250, 288), // GET_KEYRING_ID, bad special id
            deny("add_key", 248, "0:0:0:0:0", "EPERM", "EFAULT", 248, 286),
            deny("request_key", 249, "0:0:0:0", "EPERM", "EFAULT", 249, 287),
            // kernels before 6.5 check unprivileged_bpf_disabled (EPERM) before the command
            kdep("bpf", 321, "999:0:0", "EPERM", "EINVAL", 321, 357),
            deny("perf_event_open", 298, "0:0:-1:-1:0", "EPERM", "EFAULT", 298, 336),
            // kernels before 5.11 answer EPERM when vm.unprivileged_userfaultfd=0
            kdep("userfaultfd", 323, "-1", "EPERM", "EINVAL", 323, 374),
            deny("mount", 165, "0:0:0:0:0", "EPERM", "EFAULT", 165, 21),
            deny("umount2", 166, "0:0", "EPERM", "EFAULT", 166, 52),
            deny("umount2_badflags", 166, "0:0x80000000", "EPERM", "EINVAL", 166, 52),
            kdep("pivot_root", 155, "0:0", "EPERM", "EPERM", 155, 217), // may_mount() first: EPERM
            deny("chroot", 161, "0", "EPERM", "EFAULT", 161, 61),
            deny("unshare", 272, "0", "EPERM", "ret=0", 272, 310), // unshare(0) succeeds and does nothing
            deny("setns", 308, "-1:0", "EPERM", "EBADF", 308, 346),
            deny("clone_newuser", 56, CLONE_NEWUSER_THREAD + ":0:0:0:0", "EPERM", "EINVAL", 56, 120),
            // the kernel uses the low 32 bits of clone's flags: the filter must too
            deny("clone_newuser_hi32", 56, "0x1" + CLONE_NEWUSER_THREAD.substring(2) + ":0:0:0:0", "EPERM",
                    "EINVAL", -1, -1),
            deny("clone3", 435, "0:0", "ENOSYS", "EINVAL", 435, 435), // size 0 < CLONE_ARGS_SIZE_VER0
            // capable(CAP_SYS_MODULE) first (EPERM); ENOSYS on a kernel without modules
            kdep("init_module", 175, "0:0:0", "EPERM", "ENOSYS", 175, 128),
            kdep("finit_module", 313, "-1:0:0", "EPERM", "ENOSYS", 313, 350),
            kdep("delete_module", 176, "0:0", "EPERM", "ENOSYS", 176, 129),
            // kexec_load_permitted() first (EPERM); ENOSYS on a kernel without kexec
            kdep("kexec_load", 246, "0:0:0:0", "EPERM", "ENOSYS", 528, 283),
            kdep("kexec_file_load", 320, "-1:-1:0:0:0", "EPERM", "ENOSYS", 320, -1),
            kdep("reboot", 169, "0:0:0:0", "EPERM", "EPERM", 169, 88), // CAP_SYS_BOOT first, magic after
            deny("ioctl_tiocsti", 16, "-1:" + TIOCSTI + ":0", "EPERM", "EBADF", 514, 54),
            deny("ioctl_tiocsti_hi32", 16, "-1:0x10000" + TIOCSTI.substring(2) + ":0", "EPERM", "EBADF", -1, -1),
            deny("ioctl_tioclinux", 16, "-1:" + TIOCLINUX + ":0", "EPERM", "EBADF", 514, 54),
            deny("ioctl_tioclinux_hi32", 16, "-1:0x10000" + TIOCLINUX.substring(2) + ":0", "EPERM", "EBADF", -1, -1),
            deny("fsopen", 430, "0:0", "ENOSYS", "EPERM", 430, 430),
            deny("fsconfig", 431, "-1:0:0:0:0", "ENOSYS", "EINVAL", 431, 431),
            deny("fsmount", 432, "-1:0:0", "ENOSYS", "EPERM", 432, 432),
            deny("fspick", 433, "-1:0:0", "ENOSYS", "EPERM", 433, 433),
            deny("open_tree", 428, "-1:0:0", "ENOSYS", "EFAULT", 428, 428),
            deny("move_mount", 429, "-1:0:-1:0:0", "ENOSYS", "EPERM", 429, 429),
            kdep("mount_setattr", 442, "-1:0:0:0:0", "ENOSYS", "EINVAL", 442, 442), // Linux 5.12+
            kdep("open_tree_attr", 467, "-1:0:0:0:0", "ENOSYS", "EFAULT", 467, 467)); // Linux 6.15+

    /** Allowed calls next to denied ones: the filter must not change their answer. */
    static final List<String> CONTROLS = List.of(
            "ctl.ioctl_tiocgwinsz:16:-1:0x5413:0",       // ioctl with another request
            "ctl.ioctl_not_tiocsti:16:-1:0x105412:0",    // differs from TIOCSTI in the low 32 bits
            "ctl.clone_thread:56:0x10000:0:0:0:0",       // clone without CLONE_NEWUSER (EINVAL: no CLONE_SIGHAND)
            "ctl.getppid:110",
            "ctl.close_bad:3:-1",
            "ctl.prctl_bad:157:-1");

    static Map<String, Probe.Answer> filtered;
    static Map<String, Probe.Answer> unfiltered;
    static String filteredOut;
    static String unfilteredOut;
    static boolean ia32Filtered;
    static boolean ia32Unfiltered;
    static String ia32Note;

    static Stream<Row> rows() {
        return ROWS.stream();
    }

    static Stream<Row> x32Rows() {
        return ROWS.stream().filter(r -> r.x32Nr() >= 0);
    }

    @BeforeAll
    static void probeBothWays() throws Exception {
        List<String> specs = new ArrayList<>();
        specs.add("ia32");
        specs.add("status");
        for (Row r : ROWS) {
            specs.add(r.spec());
        }
        for (Row r : ROWS) {
            if (r.x32Nr() >= 0) {
                specs.add(r.x32Spec());
            }
        }
        specs.add("x32.getpid:0x" + Long.toHexString(X32 | 39));
        for (Row r : ROWS) {
            if (r.i386Nr() >= 0) {
                specs.add(r.i386Spec());
            }
        }
        specs.addAll(CONTROLS);
        specs.add("thread");
        specs.add("spawn");

        Path cwd = Files.createTempDirectory("jbox-it-probes-");
        try {
            Jbox.Result f = Jbox.run(List.of("--profile", "minimal"), Probe.command(cwd, specs), Jbox.Options.in(cwd));
            Jbox.Result u = Jbox.run(List.of("--no-seccomp"), Probe.command(cwd, specs), Jbox.Options.in(cwd));
            assertThat(f.exit()).as("probe under minimal: %s", f).isZero();
            assertThat(u.exit()).as("probe under --no-seccomp: %s", u).isZero();
            assertThat(f.stdout()).as("probe under minimal: %s", f).contains("Seccomp:\t2");
            assertThat(u.stdout()).as("probe under --no-seccomp: %s", u).contains("Seccomp:\t0");
            filteredOut = f.stdout();
            unfilteredOut = u.stdout();
            filtered = Probe.parse(f.stdout());
            unfiltered = Probe.parse(u.stdout());
            ia32Filtered = f.stdoutLines().contains("ia32 ok");
            ia32Unfiltered = u.stdoutLines().contains("ia32 ok");
            ia32Note = u.stdoutLines().stream().filter(l -> l.startsWith("ia32 ")).findFirst().orElse("ia32 ?");
        } finally {
            Jbox.deleteTree(cwd);
        }
    }

    private static Probe.Answer answer(Map<String, Probe.Answer> m, String name, String out) {
        Probe.Answer a = m.get(name);
        assertThat(a).as("no answer for probe %s in:\n%s", name, out).isNotNull();
        return a;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void filteredAnswerIsThePresetErrno(Row r) {
        Probe.Answer a = answer(filtered, r.name(), filteredOut);
        assertThat(a.answer()).as("%s under minimal", r.spec()).isEqualTo(r.errno());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void unfilteredAnswerDiffers(Row r) {
        Probe.Answer a = answer(unfiltered, r.name(), unfilteredOut);
        if (r.kernelDependent() && a.answer().equals(r.errno())) {
            return; // the kernel answers the same: emulator-only, listed in the summary
        }
        assertThat(a.answer())
                .as("%s unfiltered must differ from the filter's %s, or the probe proves nothing", r.spec(), r.errno())
                .isNotEqualTo(r.errno());
    }

    @ParameterizedTest(name = "x32 {0}")
    @MethodSource("x32Rows")
    void x32CallIsRefusedWithEnosys(Row r) {
        Probe.Answer a = answer(filtered, "x32." + r.name(), filteredOut);
        assertThat(a.answer()).as("%s under minimal", r.x32Spec()).isEqualTo("ENOSYS");
        Probe.Answer native_ = answer(unfiltered, r.name(), unfilteredOut);
        if (native_.ret() >= 0 || !native_.errno().equals("ENOSYS")) {
            assertThat(a.answer()).as("%s must never give the unfiltered native answer", r.x32Spec())
                    .isNotEqualTo(native_.answer());
        }
    }

    @Test
    void x32ReservedNumberMinusOneIsNotRejectedAsX32(@TempDir Path cwd) {
        // 0xFFFFFFFF is not an x32 number (tracers use -1 to skip a call); the kernel answers ENOSYS.
        Jbox.Result r = Jbox.run(List.of("--profile", "minimal"), Probe.command(cwd, List.of("minus1:0xffffffff")),
                Jbox.Options.in(cwd));
        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(Probe.parse(r.stdout()).get("minus1")).as("%s", r).isNotNull()
                .extracting(Probe.Answer::answer).isEqualTo("ENOSYS");
    }

    @Test
    void i386CompatCallsFollowTheSameRules() {
        // The filter must not make int $0x80 usable where the kernel does not allow it.
        assertThat(ia32Filtered).as("i386 getpid() under minimal, unfiltered: %s", ia32Note).isEqualTo(ia32Unfiltered);
        Assumptions.assumeTrue(ia32Unfiltered, () -> "no IA-32 emulation on this kernel (" + ia32Note
                + "): minimal's i386 rules are covered by the emulator tests"
                + " (src/test/resources/dev/jbox/seccomp/minimal.tests) only");
        assertThat(ia32Filtered).as("i386 getpid() under minimal (compat arch allowed):\n%s", filteredOut).isTrue();
        List<String> failures = new ArrayList<>();
        for (Row r : ROWS) {
            if (r.i386Nr() < 0) {
                continue;
            }
            Probe.Answer f = filtered.get("i386." + r.name());
            Probe.Answer u = unfiltered.get("i386." + r.name());
            if (f == null || u == null) {
                failures.add(r.i386Spec() + ": no answer");
                continue;
            }
            if (!f.answer().equals(r.errno())) {
                failures.add(r.i386Spec() + ": filtered " + f + ", want " + r.errno());
            }
            // the probe can fail: unfiltered, the same int $0x80 reaches the kernel and is answered there
            if (u.killed()) {
                failures.add(r.i386Spec() + ": unfiltered " + u);
            }
            if (!r.kernelDependent() && u.answer().equals(r.errno())) {
                failures.add(r.i386Spec() + ": unfiltered " + u + " equals the filter's answer");
            }
        }
        assertThat(failures).as("i386 compat probes").isEmpty();
    }

    @Test
    void allowedCallsAreUntouched() {
        for (String spec : CONTROLS) {
            String name = spec.substring(0, spec.indexOf(':'));
            Probe.Answer f = answer(filtered, name, filteredOut);
            Probe.Answer u = answer(unfiltered, name, unfilteredOut);
            if (u.ret() >= 0) {
                assertThat(f.ret()).as("%s under minimal (unfiltered %s)", spec, u).isNotNegative();
            } else {
                assertThat(f.answer()).as("%s under minimal", spec).isEqualTo(u.answer());
            }
        }
        assertThat(filteredOut).contains("thread ok", "spawn status=0");
    }

    @AfterAll
    static void summary() {
        if (filtered == null || unfiltered == null) {
            System.out.println("minimal probes: not run");
            return;
        }
        int blocked = 0;
        List<String> emulatorOnly = new ArrayList<>();
        StringBuilder table = new StringBuilder();
        table.append(String.format("%-22s %-10s %-10s %-10s %-10s %-10s %-10s%n",
                "call", "filtered", "want", "unfiltered", "measured", "x32", "i386"));
        for (Row r : ROWS) {
            Probe.Answer f = filtered.get(r.name());
            Probe.Answer u = unfiltered.get(r.name());
            Probe.Answer x = filtered.get("x32." + r.name());
            Probe.Answer i = filtered.get("i386." + r.name());
            String fs = f == null ? "?" : f.answer();
            String us = u == null ? "?" : u.answer();
            if (fs.equals(r.errno()) && !us.equals(r.errno())) {
                blocked++;
            } else if (us.equals(r.errno())) {
                emulatorOnly.add(r.name());
            }
            table.append(String.format("%-22s %-10s %-10s %-10s %-10s %-10s %-10s%s%n",
                    r.name(), fs, r.errno(), us, r.measured(),
                    x == null ? "-" : x.answer(), i == null ? "-" : i.answer(),
                    us.equals(r.measured()) ? "" : "  (differs from the measured value)"));
        }
        Probe.Answer x32Getpid = unfiltered.get("x32.getpid");
        System.out.print(table);
        System.out.println("minimal probes: kernel x32 ABI " + (x32Getpid != null && x32Getpid.ret() >= 0
                ? "present" : "absent (" + x32Getpid + ")") + "; i386 compat " + ia32Note);
        System.out.println("minimal probes: " + ROWS.size() + " run, " + blocked + " blocked, "
                + emulatorOnly.size() + " emulator-only" + (emulatorOnly.isEmpty() ? "" : " " + emulatorOnly));
    }
}
