package dev.jbox.launch;

import dev.jbox.arch.Arch;
import dev.jbox.policy.Action;
import dev.jbox.nativ.NativeException;
import dev.jbox.nativ.Posix;
import dev.jbox.seccomp.Emulator;
import dev.jbox.seccomp.InvalidProgramException;
import dev.jbox.seccomp.Program;
import dev.jbox.seccomp.Ret;
import dev.jbox.seccomp.SeccompData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@code jbox doctor}: the facts a sandbox depends on, each with what it means and how to
 * fix it, ending with a real trial start of bwrap as {@code run} would start it.
 */
public final class Doctor {
    private Doctor() {
    }

    /** How a check came out: OK, WARN (works, with a caveat) or FAIL (a sandbox cannot start). */
    public enum Status { OK, INFO, WARN, FAIL }

    /**
     * One check.
     *
     * @param id     a stable name for machines ("bwrap", "userns", ...)
     * @param title  what was checked
     * @param status the verdict
     * @param detail what was found
     * @param fix    what to do about it (empty when nothing)
     */
    public record Check(String id, String title, Status status, String detail, String fix) {
    }

    /**
     * The filter a launch without filter options applies here, and why.
     *
     * @param profile its name and where the choice came from, e.g. "'minimal' (from default)"
     * @param filter  its program; empty when it is "none"
     */
    public record Effective(String profile, Optional<Program> filter) {
    }

    /**
     * Where to look (so tests can point the checks elsewhere).
     *
     * @param proc     the proc file system, normally /proc
     * @param env      the environment (PATH, JBOX_BWRAP, JBOX_SELF)
     * @param root     whether jbox runs as root
     * @param trialArgs bwrap's arguments for the trial, before the filter and the command
     * @param filterBytes the filter for the trial (in a sealed memfd, as run hands it over), if any
     * @param run       what {@code jbox run} applies here
     * @param bwrap     what {@code jbox bwrap} applies here
     * @param nestedFilter the nested preset's filter, for the trial of a sandbox inside a sandbox
     * @param sandbox   the default sandbox here (the trial's), for what it lets a command reach
     */
    public record Inputs(Path proc, Map<String, String> env, boolean root, List<String> trialArgs,
                         Optional<byte[]> filterBytes, Effective run, Effective bwrap,
                         Optional<byte[]> nestedFilter, Sandbox sandbox) {
    }

    /** Runs every check in order. */
    public static List<Check> run(Inputs in) {
        List<Check> out = new ArrayList<>();
        Optional<Path> bwrap = bwrap(in, out);
        userns(in, out);
        seccomp(in, out);
        jdk(out);
        tiocsti(in, out);
        filters(in, out);
        report(bwrap, out);
        prover(in, out);
        landlock(bwrap, out);
        out.add(sockets(in.proc(), in.sandbox(), bwrap.isPresent() && LandlockScope.of(bwrap.get()).applies()));
        trial(in, bwrap, out);
        nested(in, bwrap, out);
        return out;
    }

    /** Whether a sandbox can start: the trial worked. */
    public static boolean ready(List<Check> checks) {
        return checks.stream().anyMatch(c -> c.id().equals("trial") && c.status() == Status.OK);
    }

    // ------------------------------------------------------------------ bwrap

    private static Optional<Path> bwrap(Inputs in, List<Check> out) {
        Path p;
        try {
            p = Bwrap.locate(in.env().get("PATH"), in.env().get("JBOX_BWRAP"), in.env().get("JBOX_SELF"));
        } catch (LaunchException e) {
            out.add(new Check("bwrap", "bubblewrap (bwrap)", Status.FAIL, e.getMessage(),
                    "install the bubblewrap package: Debian/Ubuntu 'sudo apt-get install bubblewrap', "
                            + "Fedora 'sudo dnf install bubblewrap', Arch 'sudo pacman -S bubblewrap', "
                            + "Alpine 'apk add bubblewrap'; or set JBOX_BWRAP to its path"));
            out.add(new Check("add-seccomp-fd", "stacked filters (--add-seccomp-fd)", Status.FAIL,
                    "no bwrap to ask", "install bubblewrap >= " + BwrapVersion.ADD_SECCOMP_FD));
            return Optional.empty();
        }
        BwrapVersion v;
        try {
            v = BwrapVersion.of(p, in.env());
        } catch (LaunchException e) {
            out.add(new Check("bwrap", "bubblewrap (bwrap)", Status.FAIL, p + ": " + e.getMessage(),
                    "reinstall bubblewrap; 'bwrap --version' must print its version"));
            return Optional.of(p);
        }
        out.add(new Check("bwrap", "bubblewrap (bwrap)", Status.OK, p + ", version " + v, ""));
        if (v.canStackFilters()) {
            out.add(new Check("add-seccomp-fd", "stacked filters (--add-seccomp-fd)", Status.OK,
                    "available (bwrap >= " + BwrapVersion.ADD_SECCOMP_FD + "): 'jbox bwrap' keeps a command line's own "
                            + "--seccomp filter and adds jbox's before it", ""));
        } else {
            out.add(new Check("add-seccomp-fd", "stacked filters (--add-seccomp-fd)", Status.WARN,
                    "bwrap " + v + " predates --add-seccomp-fd: 'jbox bwrap' refuses command lines that bring a "
                            + "--seccomp filter of their own (it would have to drop one)",
                    "upgrade bubblewrap to >= " + BwrapVersion.ADD_SECCOMP_FD));
        }
        return Optional.of(p);
    }

    // ------------------------------------------------------------------ user namespaces

    private static void userns(Inputs in, List<Check> out) {
        Optional<String> max = read(in.proc().resolve("sys/user/max_user_namespaces"));
        Optional<String> clone = read(in.proc().resolve("sys/kernel/unprivileged_userns_clone"));
        Optional<String> apparmor = read(in.proc().resolve("sys/kernel/apparmor_restrict_unprivileged_userns"));
        List<String> found = new ArrayList<>();
        Status status = Status.OK;
        List<String> fixes = new ArrayList<>();
        boolean chroot = chrooted(in.proc());
        if (chroot) {
            // whatever the sysctls say: the kernel refuses CLONE_NEWUSER to a chrooted task, and
            // bwrap's pivot_root needs the current root to be a mount point, so as root too
            status = Status.FAIL;
            fixes.add("run jbox outside the chroot, or enter the tree as a container does, with a mount "
                    + "namespace whose root is the tree (e.g. 'systemd-nspawn -D DIR', or 'bwrap --bind DIR / "
                    + "--proc /proc --dev /dev CMD' from the host); or use 'jbox run --no-namespaces' (filter only)");
        }
        if (max.isPresent()) {
            found.add("max_user_namespaces=" + max.get());
            if (max.get().equals("0")) {
                status = worse(status, in.root() ? Status.WARN : Status.FAIL);
                fixes.add("sudo sysctl -w user.max_user_namespaces=15000 (persist it in /etc/sysctl.d/)");
            }
        } else {
            found.add("no /proc/sys/user/max_user_namespaces (kernel without user namespaces?)");
            status = worse(status, in.root() ? Status.WARN : Status.FAIL);
            fixes.add("use a kernel with CONFIG_USER_NS=y, or run jbox as root, or use 'jbox run --no-namespaces'");
        }
        clone.ifPresent(c -> found.add("unprivileged_userns_clone=" + c));
        if (clone.isPresent() && clone.get().equals("0")) {
            status = worse(status, in.root() ? Status.WARN : Status.FAIL);
            fixes.add("sudo sysctl -w kernel.unprivileged_userns_clone=1 (Debian <= 10 kernels)");
        }
        apparmor.ifPresent(a -> found.add("apparmor_restrict_unprivileged_userns=" + a));
        if (apparmor.isPresent() && apparmor.get().equals("1")) {
            status = worse(status, in.root() ? Status.INFO : Status.WARN);
            fixes.add("Ubuntu >= 23.10 lets only AppArmor-profiled programs create user namespaces: install the "
                    + "bwrap profile (Ubuntu 24.04 ships /etc/apparmor.d/bwrap-userns-restrict with the apparmor package; "
                    + "'sudo apparmor_parser -r /etc/apparmor.d/bwrap-userns-restrict'), or on a CI runner "
                    + "'sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0'");
        }
        String detail = String.join(", ", found) + (chroot ? "; but " + CHROOT : in.root()
                ? " (jbox runs as root: bwrap can create namespaces without user namespaces)" : "");
        out.add(new Check("userns", "unprivileged user namespaces", status, detail, String.join("; ", fixes)));
    }

    private static Status worse(Status a, Status b) {
        return a.ordinal() >= b.ordinal() ? a : b;
    }

    // ------------------------------------------------------------------ seccomp

    private static void seccomp(Inputs in, List<Check> out) {
        Optional<String> actions = read(in.proc().resolve("sys/kernel/seccomp/actions_avail"));
        if (actions.isEmpty()) {
            out.add(new Check("seccomp", "seccomp filters in the kernel", Status.FAIL,
                    "no /proc/sys/kernel/seccomp/actions_avail (kernel without CONFIG_SECCOMP_FILTER, or older than 4.14)",
                    "use a kernel with CONFIG_SECCOMP_FILTER=y (every mainstream distribution kernel has it)"));
        } else {
            List<String> have = List.of(actions.get().trim().split("\\s+"));
            List<String> missing = new ArrayList<>();
            for (String need : List.of("allow", "errno", "kill_process")) {
                if (!have.contains(need)) {
                    missing.add(need);
                }
            }
            out.add(missing.isEmpty()
                    ? new Check("seccomp", "seccomp filters in the kernel", Status.OK, "actions: " + actions.get().trim(), "")
                    : new Check("seccomp", "seccomp filters in the kernel", Status.FAIL,
                            "actions: " + actions.get().trim() + "; missing " + String.join(", ", missing),
                            "use a newer kernel (>= 4.14)"));
        }
        Map<String, String> status = statusFields(in.proc().resolve("self/status"));
        String mode = status.getOrDefault("Seccomp", "?");
        String filters = status.getOrDefault("Seccomp_filters", "?");
        if (mode.equals("0")) {
            out.add(new Check("outer-seccomp", "jbox's own seccomp state", Status.OK,
                    "jbox runs without a seccomp filter (Seccomp: 0)", ""));
        } else if (mode.equals("2")) {
            out.add(new Check("outer-seccomp", "jbox's own seccomp state", Status.INFO,
                    "jbox already runs under " + filters + " seccomp filter(s) (Seccomp: 2), e.g. a container runtime's "
                            + "default profile: jbox's filter stacks on top (every filter must allow a call), and if the "
                            + "outer one refuses unshare/clone(CLONE_NEWUSER)/mount, bwrap cannot create namespaces",
                    "if the trial below fails: run the container with a profile that allows user namespaces "
                            + "(e.g. docker --security-opt seccomp=unconfined, or podman's default), "
                            + "or use 'jbox run --no-namespaces' (filter only)"));
        } else {
            out.add(new Check("outer-seccomp", "jbox's own seccomp state", Status.WARN,
                    "Seccomp: " + mode + (mode.equals("1") ? " (strict mode?)" : " (unknown)"), ""));
        }
    }

    // ------------------------------------------------------------------ --report and learn

    /** Whether run --report and learn can work here (NotifyLaunch.requireUsable's conditions). */
    private static void report(Optional<Path> bwrap, List<Check> out) {
        String title = "run --report and learn (seccomp user notification)";
        if (bwrap.isEmpty()) {
            out.add(new Check("report", title, Status.INFO, "not checked: no bwrap", "install bubblewrap"));
            return;
        }
        try {
            NotifyLaunch.requireUsable(bwrap.get(), "--report");
            out.add(new Check("report", title, Status.OK, "the kernel has user notification and bwrap is not setuid", ""));
        } catch (LaunchException e) {
            out.add(new Check("report", title, Status.INFO, e.getMessage(),
                    "use a bwrap that is not setuid (with unprivileged user namespaces), or run without --report/learn"));
        }
    }

    /** Whether {@code jbox prove} can run: z3 in PATH (optional: nothing else needs it). */
    private static void prover(Inputs in, List<Check> out) {
        String title = "jbox prove (the z3 SMT solver)";
        if (Z3.locate(in.env()).isEmpty()) {
            out.add(new Check("prove", title, Status.INFO, "z3 is not in PATH", Z3.INSTALL + " to prove filters"));
            return;
        }
        try {
            out.add(new Check("prove", title, Status.OK, Z3.find(in.env(), 10).version(), ""));
        } catch (dev.jbox.proof.ProofException e) {
            out.add(new Check("prove", title, Status.INFO, e.getMessage(), Z3.INSTALL));
        }
    }


    // ------------------------------------------------------------------ the walls: Landlock, host sockets

    /** Whether jbox scopes its sandboxes with Landlock here, and why not. */
    private static void landlock(Optional<Path> bwrap, List<Check> out) {
        String title = "Landlock scopes (abstract unix sockets, signals)";
        if (bwrap.isEmpty()) {
            out.add(new Check("landlock", title, Status.INFO, "not checked: no bwrap", "install bubblewrap"));
            return;
        }
        LandlockScope s = LandlockScope.of(bwrap.get());
        if (s.applies()) {
            out.add(new Check("landlock", title, Status.OK, s.describe() + ": with --share-net a command still cannot "
                    + "reach the host's abstract sockets (X11's @/tmp/.X11-unix/X0, some D-Bus buses) nor signal a "
                    + "process outside (the trial below runs under it)", ""));
        } else {
            out.add(new Check("landlock", title, Status.INFO, s.describe() + ": jbox carries on without it; a "
                    + "sandbox with --share-net can connect to the host's abstract unix sockets (X11's "
                    + "@/tmp/.X11-unix/X0, some D-Bus buses); without --share-net it has an abstract namespace of "
                    + "its own", s.setuidBwrap() ? "use a bwrap that is not setuid (unprivileged user namespaces)"
                    : "Linux >= 6.12 with Landlock enabled (lsm= on the kernel command line) scopes them"));
        }
    }

    /**
     * The host's pathname unix sockets (from {@code /proc/net/unix}: every socket bound in this
     * network namespace) that a default sandbox here still shows, so a command could connect
     * to the service behind it (connect(2) ignores read-only mounts).
     */
    static Check sockets(Path proc, Sandbox sandbox, boolean scoped) {
        String title = "host sockets a default sandbox can reach";
        Optional<String> table = read(proc.resolve("net/unix"));
        if (table.isEmpty()) {
            return new Check("sockets", title, Status.INFO, "not checked: " + proc.resolve("net/unix")
                    + " cannot be read", "");
        }
        java.util.Set<Path> sockets = new java.util.TreeSet<>();
        int abstractCount = 0;
        for (String line : table.get().split("\n")) {
            String[] f = line.trim().split("\\s+", 8);
            if (f.length < 8 || f[0].startsWith("Num")) {
                continue;
            }
            if (f[7].startsWith("@")) {
                abstractCount++;
            } else if (f[7].startsWith("/")) {
                Path p = Path.of(f[7]);
                if (Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    sockets.add(Sandbox.realPath(p));
                }
            }
        }
        List<String> reachable = new ArrayList<>();
        for (Path p : sockets) {
            List<String> at = sandbox.showing(p);
            if (!at.isEmpty()) {
                reachable.add(p + (at.equals(List.of(p.toString())) ? "" : " (at " + String.join(", ", at) + ")"));
            }
        }
        String abstracts = abstractCount == 0 ? "" : "; " + abstractCount + " abstract socket"
                + (abstractCount == 1 ? "" : "s") + (scoped ? " (out of reach: Landlock scopes them)"
                : " (reachable with --share-net: no Landlock scope here)");
        if (reachable.isEmpty()) {
            return new Check("sockets", title, Status.OK, (sockets.isEmpty() ? "no pathname socket is bound here"
                    : "none of the " + sockets.size() + " pathname socket" + (sockets.size() == 1 ? "" : "s")
                    + " bound here shows in a default sandbox from " + sandbox.chdir()) + abstracts, "");
        }
        return new Check("sockets", title, Status.WARN, reachable.size() + " of " + sockets.size()
                + " pathname sockets show in a default sandbox from " + sandbox.chdir() + ", so a command "
                + "can connect to the service behind each: " + String.join(", ", reachable) + abstracts,
                "these lie outside the places jbox hides (docs/SECURITY.md): run from a directory that does not "
                        + "hold them, or move the service's socket under /run or the runtime directory");
    }

    // ------------------------------------------------------------------ JDK, TIOCSTI

    private static void jdk(List<Check> out) {
        int feature = Runtime.version().feature();
        String detail = "Java " + System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vm.vendor")
                + ") at " + System.getProperty("java.home");
        out.add(feature >= 22
                ? new Check("jdk", "the JDK running jbox", Status.OK, detail, "")
                : new Check("jdk", "the JDK running jbox", Status.FAIL, detail + ": the FFM API needs Java >= 22",
                        "install a JDK >= 22 (e.g. Temurin 25) or set JAVA_HOME"));
    }

    private static void tiocsti(Inputs in, List<Check> out) {
        Optional<String> v = read(in.proc().resolve("sys/dev/tty/legacy_tiocsti"));
        if (v.isEmpty()) {
            out.add(new Check("tiocsti", "terminal injection (TIOCSTI)", Status.INFO,
                    "no /proc/sys/dev/tty/legacy_tiocsti (kernel < 6.2): TIOCSTI is always available; jbox's presets "
                            + "refuse ioctl TIOCSTI/TIOCLINUX, so only runs without a filter are exposed",
                    "keep a filter on, or pass --new-session with --no-seccomp"));
        } else if (v.get().equals("0")) {
            out.add(new Check("tiocsti", "terminal injection (TIOCSTI)", Status.OK,
                    "legacy_tiocsti=0: the kernel refuses TIOCSTI for unprivileged processes", ""));
        } else {
            out.add(new Check("tiocsti", "terminal injection (TIOCSTI)", Status.INFO,
                    "legacy_tiocsti=" + v.get() + ": a sandboxed process could type into your terminal with TIOCSTI; "
                            + "jbox's presets refuse ioctl TIOCSTI/TIOCLINUX, runs without a filter are exposed",
                    "sudo sysctl -w dev.tty.legacy_tiocsti=0 (kernel >= 6.2), or keep a filter on"));
        }
    }

    // ------------------------------------------------------------------ the filters in effect

    /** Which filter {@code run} and {@code bwrap} apply here without filter options, and why. */
    private static void filters(Inputs in, List<Check> out) {
        out.add(new Check("filters", "the filter in effect here", Status.INFO,
                "jbox run: " + in.run().profile() + "; jbox bwrap: " + in.bwrap().profile() + " (a bwrap client's"
                        + " working directory never chooses it: --jbox-profile, JBOX_PROFILE, your own config.toml's"
                        + " [sandbox] seccomp, else minimal)", ""));
    }

    // ------------------------------------------------------------------ the trial

    private static void trial(Inputs in, Optional<Path> bwrap, List<Check> out) {
        String title = "a real sandbox (bwrap " + String.join(" ", in.trialArgs()) + " ... true)";
        if (bwrap.isEmpty()) {
            out.add(new Check("trial", title, Status.FAIL, "not tried: no bwrap", "install bubblewrap"));
            return;
        }
        Run r = scoped(LandlockScope.of(bwrap.get()),
                () -> bwrapRun(bwrap.get(), in.trialArgs(), in.filterBytes(), List.of("true")));
        if (r.exit() == 0) {
            out.add(new Check("trial", title, Status.OK, "a sandbox started and ran 'true' in " + r.ms() + " ms"
                    + (in.filterBytes().isPresent() ? ", under the minimal filter" : ""), ""));
        } else if (r.exit() < 0) {
            out.add(new Check("trial", title, Status.FAIL, r.output(), r.output().startsWith("cannot run")
                    ? "reinstall bubblewrap" : ""));
        } else {
            out.add(new Check("trial", title, Status.FAIL, "bwrap " + r.describe().replaceFirst("^exit", "exited"),
                    chrooted(in.proc()) ? "jbox runs in a chroot, where no namespace sandbox can start (see the userns "
                            + "check above)" : explain(r.output(), in.root())));
        }
    }

    // ------------------------------------------------------------------ nested sandboxes

    /** A call a nested sandbox starts with, as the finding names it. */
    private record NestedCall(String label, String syscall, long arg0) {
    }

    private static final long CLONE_NEWUSER = 0x10000000L;

    private static final List<NestedCall> NESTED_CALLS = List.of(
            new NestedCall("unshare(CLONE_NEWUSER)", "unshare", CLONE_NEWUSER),
            new NestedCall("clone(CLONE_NEWUSER)", "clone", CLONE_NEWUSER),
            new NestedCall("mount", "mount", 0));

    /** Whether the profile in effect lets a command build a sandbox of its own, and a real trial of one. */
    private static void nested(Inputs in, Optional<Path> bwrap, List<Check> out) {
        String title = "nested sandboxes (bwrap, srt, rootless podman, browsers inside jbox)";
        List<String> refused = new ArrayList<>();
        if (in.run().filter().isPresent()) {
            Arch arch = Arch.host();
            for (NestedCall c : NESTED_CALLS) {
                int nr = arch.syscalls().number(c.syscall()).orElseThrow();
                int ret = Emulator.run(in.run().filter().get(), SeccompData.of(arch, nr, c.arg0()));
                if (!Ret.decode(ret).equals(Action.ALLOW)) {
                    refused.add(c.label() + " -> " + Ret.describe(ret));
                }
            }
        }
        Trial trial = nestedTrial(in, bwrap);
        String tried = trial.sentence();
        if (!refused.isEmpty()) {
            out.add(new Check("nested", title, Status.INFO, "profile " + in.run().profile() + " refuses "
                    + String.join(", ", refused) + ": a command that builds a sandbox of its own fails inside jbox "
                    + "(srt: 'apply-seccomp: unshare(CLONE_NEWUSER): Operation not permitted'; bwrap: 'No permissions "
                    + "to create new namespace', which blames the kernel but is jbox's rule). " + tried,
                    "for such commands use the nested preset, which keeps the rest of minimal's rules: "
                            + "'jbox run --profile nested -- CMD', or with jbox installed as bwrap 'JBOX_PROFILE=nested "
                            + "srt ...'; see docs/COMPAT.md"));
        } else {
            out.add(new Check("nested", title, trial.started() ? Status.OK : Status.WARN,
                    "profile " + in.run().profile() + (in.run().filter().isEmpty() ? " applies no filter" : " allows "
                            + "unshare(CLONE_NEWUSER), clone(CLONE_NEWUSER) and mount") + ". " + tried,
                    trial.started() ? "" : "see the userns check; nested user namespaces may be "
                            + "limited (user.max_user_namespaces) or refused by an outer filter"));
        }
    }

    /**
     * The outer sandbox of the nested trial: a client's own line, as srt and other clients pass
     * it to jbox installed as bwrap. It has a user namespace of its own also for root: 'run' as
     * root drops every capability without one, and the kernel (>= 5.12) then refuses a nested
     * namespace that maps uid 0, as bwrap run by uid 0 does, whatever the filter.
     */
    static final List<String> NESTED_OUTER = List.of("--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
            "--unshare-user", "--unshare-pid", "--unshare-net", "--die-with-parent");

    /** How the nested trial went, in one sentence. */
    private record Trial(boolean started, String sentence) {
    }

    /** Starts bwrap inside a sandbox under the nested preset. */
    private static Trial nestedTrial(Inputs in, Optional<Path> bwrap) {
        if (bwrap.isEmpty() || in.nestedFilter().isEmpty()) {
            return new Trial(false, "Not tried: no bwrap.");
        }
        List<String> cmd = List.of(bwrap.get().toString(), "--ro-bind", "/", "/", "--unshare-user", "--unshare-net",
                "true");
        Run r = bwrapRun(bwrap.get(), NESTED_OUTER, in.nestedFilter(), cmd);
        String how = "(bwrap " + String.join(" ", NESTED_OUTER) + " --seccomp FD -- bwrap --ro-bind / / --unshare-user "
                + "--unshare-net true)";
        String asRoot = in.root() ? " As root, 'jbox run' drops every capability without a user namespace of its own, "
                + "so there a nested bwrap (which maps uid 0) is refused by the kernel whatever the profile: run it "
                + "unprivileged, or through 'jbox bwrap' with --unshare-user, as srt does." : "";
        if (r.exit() == 0) {
            return new Trial(true, "A sandbox inside a sandbox " + how + " started under the nested preset in " + r.ms()
                    + " ms." + asRoot);
        }
        return new Trial(false, "Under the nested preset, a sandbox inside a sandbox " + how + " failed too ("
                + r.describe() + "): nested sandboxes cannot start here whatever the profile.");
    }

    /**
     * {@code run} on a thread of its own that first enters {@code scope}, as {@code run} starts
     * bwrap: the domain stays on that thread (which lives until bwrap is reaped, since
     * {@code --die-with-parent} follows it), not on the doctor's main thread.
     */
    private static Run scoped(LandlockScope scope, java.util.function.Supplier<Run> run) {
        java.util.concurrent.CompletableFuture<Run> result = new java.util.concurrent.CompletableFuture<>();
        Thread t = Thread.ofPlatform().name("jbox-doctor-trial").start(() -> {
            try {
                scope.enter();
                result.complete(run.get());
            } catch (RuntimeException e) {
                result.complete(new Run(-1, "cannot scope the sandbox with Landlock: " + e.getMessage(), 0));
            }
        });
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return result.getNow(new Run(-1, "the trial was interrupted", 0));
    }

    /** One bwrap run: exit status (-1: did not run), what it printed, how long it took. */
    private record Run(int exit, String output, long ms) {
        String describe() {
            return exit < 0 ? output : "exit " + exit + (output.isEmpty() ? "" : ": " + output.replace('\n', ' '));
        }
    }

    /**
     * {@code bwrap ARGS [--seccomp 3] -- CMD}, started exactly as {@code run --forward-signals}
     * starts it: the filter in a sealed memfd handed over as fd 3, posix_spawn with an empty
     * signal mask and only stdio plus the filter inherited; stdout and stderr on a pipe, so
     * what bwrap says can be explained.
     */
    private static Run bwrapRun(Path bwrap, List<String> args, Optional<byte[]> filterBytes, List<String> cmd) {
        Launcher.Plan plan;
        try {
            plan = new Launcher.Plan(bwrap, args, cmd,
                    filterBytes.isPresent() ? Optional.of(Program.fromBytes(filterBytes.get())) : Optional.empty());
        } catch (InvalidProgramException e) {
            return new Run(-1, "the filter is not a valid program: " + e.getMessage(), 0);
        }
        int filterFd = -1;
        int[] pipe = null;
        try {
            if (plan.filter().isPresent()) {
                filterFd = Posix.sealedFilterFd("jbox-doctor-seccomp", plan.filter().get().packed());
            }
            pipe = Posix.pipe();
            long t0 = System.nanoTime();
            int pid = Posix.spawn(bwrap.toString(), plan.argv(3), Launcher.environment(System.getenv()),
                    filterFd >= 0 ? new int[] {filterFd} : new int[0], true, pipe[1]);
            Posix.close(pipe[1]);
            pipe[1] = -1;
            Thread watchdog = Thread.ofPlatform().daemon().name("jbox-doctor-watchdog").start(() -> {
                try {
                    Thread.sleep(20_000);
                    Posix.kill(pid, 9);
                } catch (InterruptedException | RuntimeException e) {
                    // finished in time, or already gone
                }
            });
            byte[] said = Posix.readAll(pipe[0]);
            int status = Posix.waitpid(pid);
            watchdog.interrupt();
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            String output = new String(said, 0, Math.min(said.length, 8192), StandardCharsets.UTF_8).strip();
            if ((status & 0x7f) == 9 && ms >= 20_000) {
                return new Run(-1, "bwrap did not finish within 20 s", 0);
            }
            int exit = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f);
            return new Run(exit, output, ms);
        } catch (NativeException e) {
            return new Run(-1, "cannot run bwrap: " + e.getMessage(), 0);
        } finally {
            for (int fd : new int[] {filterFd, pipe == null ? -1 : pipe[0], pipe == null ? -1 : pipe[1]}) {
                if (fd >= 0) {
                    try {
                        Posix.close(fd);
                    } catch (NativeException ignored) {
                        // best effort
                    }
                }
            }
        }
    }

    /** What bwrap's failure message means, and the fix. */
    public static String explain(String bwrapStderr, boolean root) {
        String s = bwrapStderr == null ? "" : bwrapStderr;
        if (s.contains("No permissions to creat") || s.contains("Creating new namespace failed")) {
            return "the kernel refused to create namespaces: enable unprivileged user namespaces (see the userns check "
                    + "above); inside a container, its seccomp profile or missing capabilities may refuse them: allow "
                    + "them, or use 'jbox run --no-namespaces' (filter only)";
        }
        if (s.contains("uid map") || s.contains("setting up uid map")) {
            return "user namespace created but its uid map refused: on Ubuntu >= 23.10 this is AppArmor's "
                    + "restriction (see the userns check); in a container, it lacks the mapping rights";
        }
        if (s.contains("seccomp") || s.contains("prctl")) {
            return "bwrap could not load the filter: an outer seccomp filter or an old kernel; see the seccomp checks";
        }
        if (s.contains("Operation not permitted") || s.contains("Permission denied")) {
            return root ? "bwrap was refused a privileged operation: inside a container, add CAP_SYS_ADMIN or use "
                    + "'jbox run --no-namespaces'" : "bwrap was refused an operation: see the userns check";
        }
        return "run the same bwrap command by hand to see the full error";
    }

    // ------------------------------------------------------------------ helpers

    /**
     * A sysctl's whole value, trimmed. An integer sysctl answers EOF to a read at any offset
     * but 0, and {@code Files.readString} first reads one byte of a file whose size is 0 (as
     * procfs reports every size), so it saw "9" of "96367": the value must come in one read
     * from offset 0, with room for all of it.
     */
    static Optional<String> read(Path p) {
        try (FileChannel ch = FileChannel.open(p)) {
            ByteBuffer buf = ByteBuffer.allocate(4096);
            while (buf.hasRemaining() && ch.read(buf) > 0) {
                // a text sysctl may come in several reads; an integer one comes whole in the first
            }
            return Optional.of(new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8).trim());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    static final String CHROOT = "/ is not a mount point: jbox runs in a chroot (or under another root that is not "
            + "a mount point), where the kernel refuses to create user namespaces and bwrap cannot pivot_root";

    /**
     * Whether this process's root is not a mount point (a chroot into a directory): then no
     * mount in {@code mountinfo} is at "/" (the kernel lists only mounts under the caller's
     * root, by their path from it).
     */
    static boolean chrooted(Path proc) {
        try {
            for (String line : Files.readAllLines(proc.resolve("self/mountinfo"))) {
                String[] f = line.split(" ");
                if (f.length > 4 && f[4].equals("/")) {
                    return false;
                }
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return false; // no mountinfo (no /proc): nothing to say about the root
        }
    }

    static Map<String, String> statusFields(Path status) {
        Map<String, String> m = new java.util.HashMap<>();
        try {
            for (String line : Files.readAllLines(status)) {
                int c = line.indexOf(':');
                if (c > 0) {
                    m.put(line.substring(0, c), line.substring(c + 1).trim());
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // no status: unknown
        }
        return m;
    }
}
