package dev.jbox.launch;

import dev.jbox.arch.Arch;
import dev.jbox.nativ.SeccompNotif;
import dev.jbox.policy.Action;
import dev.jbox.policy.NotifyingPolicies;
import dev.jbox.policy.Policy;
import dev.jbox.policy.Rule;
import dev.jbox.seccomp.Emulator;
import dev.jbox.seccomp.Program;
import dev.jbox.seccomp.Ret;
import dev.jbox.seccomp.SeccompData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The answering side of {@code run --report} and {@code learn}: receives every notified call
 * of the sandbox and answers it with the verdict of the profile it enforces, computed by the
 * one interpreter ({@link Emulator}) on the compiled profile, so the command sees exactly the
 * errno the profile's own filter would give.
 *
 * <p>Phases. bwrap's own set-up (a clone with namespace flags, mounts, pivot_root, unshare)
 * runs under the same filter; until the command's first exec every call is let through
 * ({@code SECCOMP_USER_NOTIF_FLAG_CONTINUE}) and nothing is recorded. The first execve made by
 * a process whose executable is bwrap is bwrap exec'ing the command: from then on a call the
 * profile refuses is refused with the profile's errno, whichever process makes it (a
 * reparented grandchild looks like bwrap's own), and recorded; only complain mode lets it
 * through. Calls from jbox's own process (the thread that spawns bwrap carries the filter)
 * are always let through and never recorded.
 */
final class Notifier implements Runnable {

    /** What to do with a call the profile refuses, after the command's first exec. */
    enum Mode {
        /** refuse it with the profile's errno, and record it */
        REPORT,
        /** let it through, and record it as "would refuse" */
        COMPLAIN,
        /** refuse what the base refuses, let the rest through, record everything */
        LEARN
    }

    private static final int LET_THROUGH = -1;

    /** Calls whose first argument {@code learn} records even when the base has no rule on it. */
    static final java.util.Set<String> LEARNED_ARGS = java.util.Set.of("socket");

    private final Mode mode;
    private final Program verdicts;
    private final Policy policy;
    private final Object bwrapKey;
    private final CallLog log;
    private final CompletableFuture<Integer> listener;
    private volatile boolean stop;
    private volatile int spawningThread = -1;
    private SeccompNotif.Receiver receiver; // the answering thread's own
    private volatile boolean commandStarted;
    private volatile String commandExec = "";
    private volatile Throwable failure;
    private final AtomicLong notifications = new AtomicLong();
    private final AtomicLong answerNanos = new AtomicLong();
    private final Map<Integer, Proc> procs = new HashMap<>();
    private final Map<Integer, String> exes = new HashMap<>();
    private final Map<String, List<Rule>> rulesByName = new HashMap<>();

    /** A thread of the sandbox: its process (thread group) and that process's pid inside. */
    private record Proc(int tgid, int innerPid) {
    }

    /**
     * @param mode     what to do with refused calls
     * @param policy   the profile whose verdicts are given (for learn: the base)
     * @param verdicts its program, compiled by the session (run in the emulator for each call)
     * @param bwrap    the bwrap binary (its first execve is the command's exec)
     * @param log      where calls are recorded
     * @param listener the listener fd, once the spawning thread has installed the filter
     */
    Notifier(Mode mode, Policy policy, Program verdicts, Path bwrap, CallLog log, CompletableFuture<Integer> listener)
            throws LaunchException {
        this.mode = mode;
        this.policy = policy;
        this.verdicts = verdicts;
        this.log = log;
        this.listener = listener;
        try {
            this.bwrapKey = Files.readAttributes(bwrap, BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            throw new LaunchException(LaunchException.Kind.FAILED, "cannot read " + bwrap + ": " + e.getMessage(), e);
        }
    }

    /** The tid of jbox's thread that carries the filter; set before the listener is handed over. */
    void spawningThread(int tid) {
        spawningThread = tid;
    }

    /** Ends the loop at its next wake-up (the sandbox has ended). */
    void stop() {
        stop = true;
    }

    boolean commandStarted() {
        return commandStarted;
    }

    /** The file name bwrap exec'd the command as (its last execvp attempt), or empty. */
    String commandExec() {
        return commandExec;
    }

    /** Notifications answered, and the nanoseconds spent answering them (receive to send). */
    long[] stats() {
        return new long[] {notifications.get(), answerNanos.get()};
    }

    Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    @Override
    public void run() {
        int fd;
        try {
            fd = listener.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (ExecutionException e) {
            return; // the filter was never installed: nothing runs under it
        }
        try (SeccompNotif.Receiver r = new SeccompNotif.Receiver(fd)) {
            receiver = r;
            SeccompNotif.syncWakeUp(fd); // fast path when the kernel has it (>= 6.6)
            while (true) {
                int ready = SeccompNotif.poll(fd, 100);
                if (ready < 0) {
                    return; // every process under the filter has exited
                }
                if (ready == 0) {
                    if (stop) {
                        return;
                    }
                    continue;
                }
                SeccompNotif.Notification n = receiver.receive();
                if (n != null) {
                    long t0 = System.nanoTime();
                    int errno = decide(n);
                    // the decision's cost only: with a synchronous wake-up the send below runs
                    // the caller on this CPU before it returns
                    answerNanos.addAndGet(System.nanoTime() - t0);
                    notifications.incrementAndGet();
                    if (errno < 0) {
                        receiver.letThrough(n.id());
                    } else {
                        receiver.refuse(n.id(), errno);
                    }
                }
            }
        } catch (RuntimeException | Error e) {
            // Fail closed: with the listener gone the kernel refuses every notified call.
            failure = e;
        }
    }

    /** LET_THROUGH, or the errno to refuse the call with. */
    private int decide(SeccompNotif.Notification n) {
        Arch arch = archOf(n.arch(), n.nr());
        String name = arch == null ? null : arch.syscalls().name(n.nr()).orElse(null);
        String shown = name != null ? name : "nr " + n.nr();
        if (n.pid() == spawningThread) {
            // jbox's own spawning thread: of jbox's threads only it carries the filter, and it
            // outlives every sandboxed process (so no sandboxed process can have its tid)
            return LET_THROUGH;
        }
        Proc proc = proc(n.pid());
        boolean exec = NotifyingPolicies.EXECS.contains(name);
        if (exec) {
            if (isBwrap(proc.tgid())) {
                // bwrap execs the command: its set-up is over. (Whether this attempt finds the
                // file or bwrap's execvp tries the next PATH entry, nothing but execs follows;
                // the last attempt is the one that worked.)
                commandExec = readExecPath(n).orElse("?");
                commandStarted = true;
            }
            exes.remove(proc.tgid()); // the next call shows the new program
            procs.remove(n.pid());
        }
        Action verdict = Ret.decode(Emulator.run(verdicts, new SeccompData(n.nr(), n.arch(), n.ip(), n.args())));
        boolean refused = verdict.denies();
        if (!commandStarted) {
            return LET_THROUGH; // bwrap's set-up (and bwrap's own exec)
        }
        if (mode == Mode.LEARN || refused) {
            String arg = name == null ? "" : ArgNames.describe(name, rulesFor(name), n.args());
            if (mode == Mode.LEARN && arg.isEmpty() && LEARNED_ARGS.contains(name)) {
                // the family is a socket's danger: learn records it, so the profile allows just those
                arg = ArgNames.value(name, 0, n.args()[0], 0);
            }
            int errno = verdict instanceof Action.Errno e ? e.errno() : refused ? 38 : -1;
            // an exec is made by the old program: name it, but cache nothing for the new one
            String who = exec ? readExe(proc.tgid()) : exes.computeIfAbsent(proc.tgid(), Notifier::readExe);
            log.add(new CallLog.Call(shown, arg, errno, who), proc.innerPid());
        }
        if (!refused || mode == Mode.COMPLAIN) {
            return LET_THROUGH;
        }
        // kill/trap/trace are left to the kernel by the notifying filter; should one arrive
        // here anyway, refuse it rather than let it run
        return verdict instanceof Action.Errno e ? e.errno() : 38;
    }

    private List<Rule> rulesFor(String name) {
        return rulesByName.computeIfAbsent(name, policy::rulesFor);
    }

    private static Arch archOf(int audit, int nr) {
        for (Arch a : Arch.values()) {
            if (a.auditArch() == audit && Arch.isX32Number(nr) == (a == Arch.X32)) {
                return a;
            }
        }
        return null;
    }

    /** The thread's process and its pid inside the sandbox, from /proc/TID/status (cached). */
    private Proc proc(int tid) {
        Proc p = procs.get(tid);
        if (p != null) {
            return p;
        }
        int tgid = tid;
        int inner = tid;
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Integer.toString(tid), "status"))) {
                if (line.startsWith("Tgid:")) {
                    tgid = Integer.parseInt(line.substring(5).strip());
                }
            }
            List<Integer> ns = Supervisor.nsPids(tgid);
            if (!ns.isEmpty()) {
                inner = ns.getLast();
            }
        } catch (IOException | RuntimeException e) {
            return new Proc(tid, tid); // gone: its call is moot, nothing cached
        }
        p = new Proc(tgid, inner);
        procs.put(tid, p);
        return p;
    }

    private boolean isBwrap(int pid) {
        try {
            return bwrapKey != null && bwrapKey.equals(Files.readAttributes(Path.of("/proc", Integer.toString(pid), "exe"),
                    BasicFileAttributes.class).fileKey());
        } catch (IOException e) {
            return false;
        }
    }

    /** The process's program, as /proc/PID/exe names it. */
    private static String readExe(int tgid) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", Integer.toString(tgid), "exe")).toString();
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    /**
     * The file name execve/execveat was called with, read from the caller's memory and
     * confirmed with SECCOMP_IOCTL_NOTIF_ID_VALID (the caller was still suspended in this call
     * while it was read, so the bytes are its own).
     */
    private Optional<String> readExecPath(SeccompNotif.Notification n) {
        long addr = n.args()[n.nr() == execveatNr(n) ? 1 : 0];
        try (FileChannel ch = FileChannel.open(Path.of("/proc", Integer.toString(n.pid()), "mem"),
                StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate(4096);
            int got = ch.read(buf, addr);
            if (got <= 0 || !receiver.valid(n.id())) {
                return Optional.empty();
            }
            byte[] b = buf.array();
            int end = 0;
            while (end < got && b[end] != 0) {
                end++;
            }
            return Optional.of(new String(b, 0, end, StandardCharsets.UTF_8));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static int execveatNr(SeccompNotif.Notification n) {
        Arch a = archOf(n.arch(), n.nr());
        return a == null ? -1 : a.syscalls().number("execveat").orElse(-1);
    }
}
