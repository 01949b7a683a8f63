package dev.jbox.launch;

import dev.jbox.nativ.NativeException;
import dev.jbox.nativ.Posix;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import sun.misc.Signal;

/**
 * The supervising mode of {@code run} ({@code --timeout}, {@code --forward-signals}): jbox
 * stays bwrap's parent instead of becoming bwrap.
 *
 * <p>bwrap forwards no signals, and a SIGTERM to bwrap ends the sandbox with SIGKILL
 * (through {@code --die-with-parent}), so a CI runner's SIGTERM never reaches the job's
 * cleanup handlers. Here bwrap is started with {@code posix_spawn} from the main thread
 * (the thread {@code --die-with-parent} follows), with an empty signal mask and default
 * dispositions, inheriting exactly stdio, the sealed filter memfd and the write end of a
 * pipe passed as {@code --json-status-fd}. The first JSON object bwrap writes there names
 * the sandbox's first process ({@code child-pid}): with a new PID namespace that is bwrap's
 * own init (PID 1 inside, which ignores signals it has no handler for), and the command is
 * its child with PID 2 inside. SIGINT, SIGTERM and SIGHUP that jbox receives go to the
 * command; jbox reaps bwrap with {@code waitpid} and exits with the command's status.
 *
 * <p>With a time limit: at the limit SIGTERM goes to the command, after the grace period
 * SIGKILL goes to the sandbox's init (the kernel then kills every process in its PID
 * namespace) and to bwrap; the exit status is then 124, as with {@code timeout(1)}.
 *
 * <p>Process groups: when jbox is the foreground job of a terminal, bwrap stays in jbox's
 * process group so the command can use the terminal; the terminal then delivers SIGINT and
 * SIGHUP to the command itself, and jbox forwards only SIGTERM. Otherwise (CI, scripts,
 * no terminal) bwrap gets a process group of its own, so a signal to jbox's group (a CI
 * runner cancelling a job) reaches the command once, through jbox, instead of killing bwrap.
 */
public final class Supervisor {
    private Supervisor() {
    }

    /** Exit status when the time limit was hit (as timeout(1)). */
    public static final int TIMED_OUT = 124;

    /** Exit status when bwrap failed before the command started. */
    public static final int SETUP_FAILED = 125;

    private static final int SIGINT = 2;
    private static final int SIGKILL = 9;
    private static final int SIGTERM = 15;
    private static final int SIGHUP = 1;

    /**
     * How to supervise.
     *
     * @param timeout   the time limit, if any
     * @param killAfter the grace period between SIGTERM and SIGKILL at the limit
     * @param verbose   report each step on stderr
     */
    public record Limits(Optional<Duration> timeout, Duration killAfter, boolean verbose) {
    }

    /**
     * Starts bwrap as described by {@code plan}, supervises it, and returns the exit status
     * jbox should exit with.
     */
    public static int run(Launcher.Plan plan, List<String> env, long nofileSoft, Limits limits, PrintStream err)
            throws LaunchException {
        LandlockScope scope = LandlockScope.of(plan.bwrap());
        return run(plan, env, nofileSoft, limits, err, (path, argv, envp, fds, group) -> {
            // the main thread starts bwrap and stays its parent: it enters the domain, bwrap inherits it
            scope.enter();
            return Posix.spawn(path, argv, envp, fds, group);
        });
    }

    /**
     * How bwrap is started: {@link Posix#spawn(String, List, List, int[], boolean)}'s contract
     * (the child's pid back; {@code childFds[i]} at fd 3 + i). {@code run --report} starts it
     * from a thread of its own that carries the notifying filter ({@link NotifyLaunch}).
     */
    @FunctionalInterface
    interface Spawner {
        int spawn(String path, List<String> argv, List<String> envp, int[] childFds, boolean newProcessGroup);
    }

    /** {@link #run(Launcher.Plan, List, long, Limits, PrintStream)}, starting bwrap with {@code spawner}. */
    static int run(Launcher.Plan plan, List<String> env, long nofileSoft, Limits limits, PrintStream err,
                   Spawner spawner) throws LaunchException {
        int filterFd = -1;
        int[] pipe = null;
        State state = new State(limits.verbose(), err);
        try {
            if (plan.filter().isPresent()) {
                filterFd = Posix.sealedFilterFd("jbox-seccomp", plan.filter().get().packed());
            }
            pipe = Posix.pipe();
            // In bwrap: fd 3 is the filter (if any), the next one the status pipe.
            int statusFd = filterFd >= 0 ? 4 : 3;
            int[] childFds = filterFd >= 0 ? new int[] {filterFd, pipe[1]} : new int[] {pipe[1]};
            List<String> options = new ArrayList<>(plan.options());
            options.add("--json-status-fd");
            options.add(Integer.toString(statusFd));
            Launcher.Plan spawned = new Launcher.Plan(plan.bwrap(), options, plan.command(), plan.filter());

            boolean interactive = Posix.isatty(0) && Posix.foregroundProcessGroup(0) == Posix.getpgrp();
            state.sharesTerminalGroup = interactive;
            installHandlers(state);
            Launcher.restoreNofile(nofileSoft);
            int bwrapPid = spawner.spawn(plan.bwrap().toString(), spawned.argv(3), env, childFds, !interactive);
            state.bwrapPid = bwrapPid;
            state.verbose("started bwrap, pid " + bwrapPid + (interactive ? "" : ", in a process group of its own"));
            Posix.close(pipe[1]);
            pipe[1] = -1;
            if (filterFd >= 0) {
                Posix.close(filterFd);
                filterFd = -1;
            }
            Thread reader = Thread.ofPlatform().daemon().name("jbox-status").start(readStatus(pipe[0], state));
            limits.timeout().ifPresent(t -> Thread.ofPlatform().daemon().name("jbox-timeout")
                    .start(() -> enforce(t, limits.killAfter(), state)));

            int status = Posix.waitpid(bwrapPid);
            state.exited = true;
            try {
                reader.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return exitStatus(status, state);
        } catch (NativeException e) {
            throw new LaunchException(LaunchException.Kind.FAILED, "cannot start bwrap: " + e.getMessage(), e);
        } finally {
            if (filterFd >= 0) {
                Posix.close(filterFd);
            }
            if (pipe != null) {
                for (int fd : pipe) {
                    if (fd >= 0) {
                        try {
                            Posix.close(fd);
                        } catch (NativeException ignored) {
                            // already closed by the reader
                        }
                    }
                }
            }
        }
    }

    /** What the threads share. */
    static final class State {
        final boolean verbose;
        final PrintStream err;
        final CountDownLatch started = new CountDownLatch(1);
        volatile int bwrapPid = -1;
        volatile int sandboxPid = -1;  // bwrap's child-pid
        volatile int commandPid = -1;  // resolved on first use
        volatile boolean commandStarted; // bwrap reported an exit-code: the command was exec'd
        volatile boolean timedOut;
        volatile boolean exited;
        volatile boolean sharesTerminalGroup;

        State(boolean verbose, PrintStream err) {
            this.verbose = verbose;
            this.err = err;
        }

        void verbose(String msg) {
            if (verbose) {
                err.println("jbox: " + msg);
                err.flush();
            }
        }
    }

    private static final Pattern CHILD_PID = Pattern.compile("\"child-pid\"\\s*:\\s*(\\d+)");
    private static final Pattern EXIT_CODE = Pattern.compile("\"exit-code\"\\s*:\\s*(-?\\d+)");

    private static Runnable readStatus(int fd, State state) {
        return () -> {
            StringBuilder all = new StringBuilder();
            try {
                while (true) {
                    byte[] chunk = Posix.read(fd, 4096);
                    if (chunk.length == 0) {
                        break;
                    }
                    all.append(new String(chunk, StandardCharsets.UTF_8));
                    Matcher m = CHILD_PID.matcher(all);
                    if (state.sandboxPid < 0 && m.find()) {
                        state.sandboxPid = Integer.parseInt(m.group(1));
                        state.started.countDown();
                    }
                    if (EXIT_CODE.matcher(all).find()) {
                        state.commandStarted = true;
                    }
                }
            } catch (NativeException e) {
                state.verbose("reading bwrap's status: " + e.getMessage());
            } finally {
                state.started.countDown();
            }
        };
    }

    private static void installHandlers(State state) {
        for (String name : new String[] {"INT", "TERM", "HUP"}) {
            Signal.handle(new Signal(name), sig -> forward(sig.getNumber(), state));
        }
    }

    /** Runs on the JVM's signal dispatch thread: sends {@code sig} on to the command. */
    private static void forward(int sig, State state) {
        if (state.sharesTerminalGroup && (sig == SIGINT || sig == SIGHUP)) {
            // the terminal sent it to the whole foreground group, the command included
            state.verbose("SIG" + name(sig) + " also reached the command from the terminal; not forwarded");
            return;
        }
        int pid = command(state, TimeUnit.SECONDS.toNanos(30));
        if (pid < 0) {
            if (state.bwrapPid > 0 && !state.exited) {
                // the sandbox never started its command: end it
                signal(state.bwrapPid, SIGKILL, state);
            }
            return;
        }
        state.verbose("forwarding SIG" + name(sig) + " to the command (pid " + pid + ")");
        signal(pid, sig, state);
    }

    private static void enforce(Duration limit, Duration grace, State state) {
        if (!sleep(limit, state)) {
            return;
        }
        state.timedOut = true;
        int pid = command(state, grace.toNanos());
        state.verbose("time limit of " + format(limit) + " reached: SIGTERM to the command"
                + (pid > 0 ? " (pid " + pid + ")" : " (not started yet)"));
        if (pid > 0) {
            signal(pid, SIGTERM, state);
        }
        if (!sleep(grace, state)) {
            return;
        }
        state.verbose("still running " + format(grace) + " after SIGTERM: SIGKILL to the sandbox");
        if (state.sandboxPid > 0) {
            signal(state.sandboxPid, SIGKILL, state); // init: the kernel kills its whole PID namespace
        }
        signal(state.bwrapPid, SIGKILL, state);
    }

    /** Sleeps, waking early when bwrap has exited; false if it has. */
    private static boolean sleep(Duration d, State state) {
        long end = System.nanoTime() + d.toNanos();
        while (!state.exited) {
            long left = end - System.nanoTime();
            if (left <= 0) {
                return true;
            }
            try {
                Thread.sleep(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, 50));
            } catch (InterruptedException e) {
                return false;
            }
        }
        return false;
    }

    private static void signal(int pid, int sig, State state) {
        if (pid <= 0) {
            return;
        }
        try {
            Posix.kill(pid, sig);
        } catch (NativeException e) {
            if (e.errno() != Posix.esrch()) {
                state.verbose("kill(" + pid + ", " + sig + "): " + e.getMessage());
            }
        }
    }

    /**
     * The command's host pid: bwrap's child-pid, or, when that is the init of a new PID
     * namespace, its child with PID 2 inside. Waits (polling) up to {@code waitNanos} for the
     * sandbox to get that far; -1 if it does not, or bwrap has exited.
     */
    static int command(State state, long waitNanos) {
        if (state.commandPid > 0) {
            return state.commandPid;
        }
        long end = System.nanoTime() + waitNanos;
        try {
            if (!state.started.await(waitNanos, TimeUnit.NANOSECONDS) || state.sandboxPid < 0) {
                return -1;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
        int init = state.sandboxPid;
        while (!state.exited && System.nanoTime() < end) {
            List<Integer> ns = nsPids(init);
            if (ns.isEmpty()) {
                return -1; // gone
            }
            if (ns.size() < 2 || ns.getLast() != 1) {
                state.commandPid = init; // no PID namespace of its own (or --as-pid-1): the command itself
                return init;
            }
            for (int child : children(init)) {
                List<Integer> c = nsPids(child);
                if (!c.isEmpty() && c.getLast() == 2) {
                    state.commandPid = child;
                    return child;
                }
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }
        return -1;
    }

    /** The NSpid line of /proc/PID/status (outermost first), empty if the process is gone. */
    static List<Integer> nsPids(int pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Integer.toString(pid), "status"))) {
                if (line.startsWith("NSpid:")) {
                    List<Integer> out = new ArrayList<>();
                    for (String f : line.substring(6).trim().split("\\s+")) {
                        out.add(Integer.parseInt(f));
                    }
                    return out;
                }
            }
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        return List.of();
    }

    /** The children of {@code pid} (from /proc/PID/task/PID/children, else a scan of /proc). */
    static List<Integer> children(int pid) {
        List<Integer> out = new ArrayList<>();
        try {
            String s = Files.readString(Path.of("/proc", Integer.toString(pid), "task", Integer.toString(pid), "children"));
            for (String f : s.trim().split("\\s+")) {
                if (!f.isEmpty()) {
                    out.add(Integer.parseInt(f));
                }
            }
            return out;
        } catch (IOException | RuntimeException e) {
            // kernels without CONFIG_PROC_CHILDREN: fall back to every process's ppid
        }
        try (var dir = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path p : dir) {
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    if (Integer.parseInt(f[1]) == pid) {
                        out.add(Integer.parseInt(p.getFileName().toString()));
                    }
                } catch (IOException | RuntimeException ignored) {
                    // gone meanwhile
                }
            }
        } catch (IOException ignored) {
            // no /proc: nothing to find
        }
        return out;
    }

    static int exitStatus(int waitStatus, State state) {
        int code;
        int termsig = waitStatus & 0x7f;
        if (termsig == 0) {
            code = (waitStatus >> 8) & 0xff;
        } else {
            code = 128 + termsig;
        }
        if (state.timedOut) {
            state.verbose("bwrap ended with status " + code + " after the time limit; exiting " + TIMED_OUT);
            return TIMED_OUT;
        }
        if (code == 1 && !state.commandStarted && termsig == 0) {
            state.err.println("jbox: bwrap could not set up the sandbox (exit 1; the command never started);"
                    + " 'jbox doctor' checks user namespaces, seccomp and bwrap");
            state.err.flush();
            return SETUP_FAILED;
        }
        state.verbose("bwrap ended with status " + code);
        return code;
    }

    static String name(int sig) {
        return switch (sig) {
            case SIGINT -> "INT";
            case SIGTERM -> "TERM";
            case SIGHUP -> "HUP";
            case SIGKILL -> "KILL";
            default -> Integer.toString(sig);
        };
    }

    /** "30s", "5m", "1h", "1.5s": how jbox prints a duration. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0 && ms > 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }

    /**
     * Parses a duration as {@code timeout(1)} does: a number (decimals allowed) with an
     * optional suffix s, m, h or d; no suffix means seconds.
     *
     * @throws IllegalArgumentException for anything else, or a negative value
     */
    public static Duration parseDuration(String s) {
        Matcher m = Pattern.compile("(\\d+(?:\\.\\d+)?|\\.\\d+)([smhd]?)").matcher(s == null ? "" : s.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("invalid duration '" + s + "' (use e.g. 30, 30s, 5m, 1h, 1.5d)");
        }
        double v = Double.parseDouble(m.group(1));
        double unit = switch (m.group(2)) {
            case "m" -> 60;
            case "h" -> 3600;
            case "d" -> 86400;
            default -> 1;
        };
        double ms = v * unit * 1000;
        if (ms > Long.MAX_VALUE / 2) {
            throw new IllegalArgumentException("duration too long: '" + s + "'");
        }
        return Duration.ofMillis(Math.round(ms));
    }
}
