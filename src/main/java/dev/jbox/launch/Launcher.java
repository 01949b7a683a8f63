package dev.jbox.launch;

import dev.jbox.config.Account;
import dev.jbox.nativ.NativeException;
import dev.jbox.nativ.Posix;
import dev.jbox.seccomp.Program;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The last step of {@code run}: hand the filter to bwrap through a sealed memfd and
 * become bwrap with {@code execve}, so that the PID, the terminal and the exit status are
 * bwrap's (and through it the command's). {@code ProcessBuilder} cannot do this: it
 * closes every fd above 2 in the child, so bwrap would never see the filter.
 */
public final class Launcher {
    private Launcher() {
    }

    /** Environment variables that carry jbox's own state and must not reach the command. */
    static final List<String> PRIVATE_ENV = List.of("JBOX_CALLER_FDS", "JBOX_NOFILE_SOFT", "JBOX_SELF", Caller.ARGV0_ENV,
            Caller.ENV_VARIABLE);

    /**
     * What to exec.
     *
     * @param bwrap   absolute path of the real bwrap
     * @param options bwrap's options before {@code --seccomp} (the sandbox layout)
     * @param command the command and its arguments
     * @param filter  the program for {@code --seccomp}, or empty for an unfiltered run
     */
    public record Plan(Path bwrap, List<String> options, List<String> command, Optional<Program> filter) {
        public Plan {
            options = List.copyOf(options);
            command = List.copyOf(command);
        }

        /** bwrap's argv with the filter on {@code fd}. */
        public List<String> argv(int fd) {
            List<String> a = new ArrayList<>();
            a.add("bwrap");
            a.addAll(options);
            if (filter.isPresent()) {
                a.add("--seccomp");
                a.add(Integer.toString(fd));
            }
            a.add("--");
            a.addAll(command);
            return a;
        }
    }

    /**
     * The process state an exec'd program inherits, made the caller's again: every fd >= 3
     * but {@code keep} close-on-exec (the JVM's jar files, /dev/random, whatever a library
     * opened must not cross), the caller's soft RLIMIT_NOFILE back, and an empty signal mask
     * (the JVM blocks some signals on its threads and execve keeps the mask; dispositions
     * need no reset, execve resets caught ones).
     */
    static void prepareForExec(long nofileSoft, int... keep) {
        Posix.cloexecAllExcept(keep);
        restoreNofile(nofileSoft);
        Posix.clearSignalMask();
    }

    /** The caller's soft RLIMIT_NOFILE ({@code -1}: unknown, leave it), capped at the hard limit. */
    static void restoreNofile(long nofileSoft) {
        if (nofileSoft >= 0) {
            long[] cur = Posix.nofileLimit();
            if (cur[0] != nofileSoft) {
                Posix.setNofileSoftLimit(Math.min(nofileSoft, cur[1] < 0 ? nofileSoft : cur[1]));
            }
        }
    }

    /**
     * Whether jbox runs with effective uid 0 (then bwrap keeps its capabilities unless told
     * {@code --cap-drop ALL}). The kernel's answer, never {@code user.name}, which the
     * environment can set ({@code JAVA_TOOL_OPTIONS=-Duser.name=nobody}).
     */
    public static boolean runningAsRoot() {
        // From /proc/self/status, not geteuid(2): the launch asks this early, and a downcall
        // there waits for the native warm-up thread to finish linking (~40 ms of the main
        // thread, docs/STARTUP.md); read here, the main thread goes on to the profiles.
        // Without a readable /proc (a chroot), the system call.
        Optional<Account.Uids> ids = Account.current();
        return ids.isPresent() ? ids.get().effective() == 0 : Posix.geteuid() == 0;
    }

    /**
     * The JVM option variables that jbox's launcher (src/dist/bin/jbox) keeps away from jbox's
     * own JVM (an option there could change what jbox decides, e.g. {@code -Duser.name}) by
     * moving each to {@code JBOX_SAVED_<name>}; the command gets them back unchanged.
     */
    static final List<String> JVM_OPTION_VARS = List.of("JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS");

    static final String SAVED_PREFIX = "JBOX_SAVED_";

    /**
     * The caller's environment as it was before jbox's launcher moved the JVM option variables
     * aside: each {@code JBOX_SAVED_<name>} becomes {@code <name>} again (an empty value stays
     * empty; a variable the launcher found unset has no saved copy and stays unset) and no
     * {@code JBOX_SAVED_*} name is left. Started without the launcher ({@code java -jar}),
     * there is nothing saved and the environment is returned as it is. Everything that
     * decides what the command's environment is (config {@code unset_env}, {@code set_env},
     * {@code clear_env}) starts from this map.
     */
    public static Map<String, String> callerEnvironment(Map<String, String> env) {
        Map<String, String> out = new java.util.HashMap<>();
        env.forEach((k, v) -> {
            if (!k.startsWith(SAVED_PREFIX)) {
                out.put(k, v);
            }
        });
        for (String name : JVM_OPTION_VARS) {
            String saved = env.get(SAVED_PREFIX + name);
            if (saved != null) {
                out.put(name, saved);
            }
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    /**
     * The caller's soft {@code RLIMIT_NOFILE}, as {@code scripts/jbox} recorded it in
     * {@code JBOX_NOFILE_SOFT} before the JVM raised it: a number, {@code unlimited}, or -1
     * when unknown (then it is left as it is).
     */
    public static long nofileSoft(Map<String, String> env) {
        String v = env.get("JBOX_NOFILE_SOFT");
        if (v == null || v.isEmpty()) {
            return -1;
        }
        if (v.equals("unlimited")) {
            return Posix.RLIM_INFINITY;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The command's environment: jbox's own minus jbox's private variables. */
    public static List<String> environment(Map<String, String> env) {
        List<String> out = new ArrayList<>();
        for (var e : env.entrySet()) {
            if (!PRIVATE_ENV.contains(e.getKey())) {
                out.add(e.getKey() + "=" + e.getValue());
            }
        }
        return out;
    }

    /**
     * Links the launch path's native calls and runs one that changes nothing: the first
     * downcall costs tens of milliseconds of method-handle spinning, which a launch can
     * spend on a second thread while the main one parses and compiles ({@code cli.WarmUp}).
     */
    public static void warmUp() {
        Posix.warmUp();
    }

    /**
     * The last state before {@code execve}: the filter in a sealed memfd, the process made
     * the caller's again, bwrap's argv.
     *
     * @param filterFd the memfd holding the filter, or -1
     * @param argv     bwrap's argv
     */
    public record Prepared(int filterFd, List<String> argv) {
        public Prepared {
            argv = List.copyOf(argv);
        }

        /** The fds bwrap inherits: the filter's, if there is one. */
        int[] keptFds() {
            return filterFd >= 0 ? new int[] {filterFd} : new int[0];
        }
    }

    /**
     * Everything {@link #exec} does before {@code execve}; {@code run --dry-run} stops here
     * (and the AOT cache's training run with it, which must cover the launch path).
     */
    public static Prepared prepare(Plan plan, long nofileSoft) throws LaunchException {
        try {
            int fd = -1;
            if (plan.filter().isPresent()) {
                fd = Posix.sealedFilterFd("jbox-seccomp", plan.filter().get().packed());
            }
            // Only the filter may cross into bwrap.
            Prepared p = new Prepared(fd, plan.argv(fd));
            prepareForExec(nofileSoft, p.keptFds());
            return p;
        } catch (NativeException e) {
            throw new LaunchException(LaunchException.Kind.FAILED, "cannot start bwrap: " + e.getMessage(), e);
        }
    }

    private static final java.util.regex.Pattern SAFE = java.util.regex.Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    /**
     * {@code run --dry-run}: everything up to {@code execve} (the sealed memfd, the fds and
     * limits the command would inherit), then bwrap's command line, quoted for a shell, in
     * place of the exec. It also serves as the training run for the AOT cache, which an
     * exec'ing run never writes.
     */
    public static String dryRun(Plan plan, long nofileSoft) throws LaunchException {
        Prepared p = prepare(plan, nofileSoft);
        List<String> argv = p.argv();
        StringBuilder sb = new StringBuilder(plan.bwrap().toString());
        for (String a : argv.subList(1, argv.size())) {
            sb.append(' ').append(quote(a));
        }
        if (p.filterFd() >= 0) {
            // the hash of the bytes sealed in it: the same as sha256sum of `jbox compile` output for the same filter
            sb.append("   # fd ").append(p.filterFd()).append(": sealed memfd, ")
                    .append(plan.filter().get().length()).append(" instructions, sha256 ")
                    .append(dev.jbox.config.FileBytes.sha256(plan.filter().get().toBytes()));
            Posix.close(p.filterFd());
        }
        return sb.toString();
    }

    static String quote(String s) {
        return SAFE.matcher(s).matches() ? s : "'" + s.replace("'", "'\\''") + "'";
    }

    /**
     * Writes the filter, cleans up the JVM's process state and execs bwrap. Returns only
     * by throwing; on any failure nothing has run.
     *
     * @param nofileSoft the caller's soft RLIMIT_NOFILE to restore, or -1
     */
    public static void exec(Plan plan, List<String> env, long nofileSoft) throws LaunchException {
        Prepared p = prepare(plan, nofileSoft);
        try {
            LandlockScope.of(plan.bwrap()).enter(); // this thread becomes bwrap: the domain goes with it
            Posix.execve(plan.bwrap().toString(), p.argv(), env, p.keptFds());
            throw new LaunchException(LaunchException.Kind.FAILED, "execve returned without an error");
        } catch (NativeException e) {
            throw new LaunchException(LaunchException.Kind.FAILED, "cannot start bwrap: " + e.getMessage(), e);
        }
    }
}
