package dev.jbox.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The policies behind {@code run --report} and {@code learn}: filters whose calls of
 * interest go to a listener (seccomp user notification) instead of being decided by the
 * kernel. The listener answers with the verdict of the profile it enforces, so these are
 * never used without one (with no listener the kernel fails every notified call with ENOSYS:
 * closed, never open).
 */
public final class NotifyingPolicies {
    private NotifyingPolicies() {
    }

    /**
     * Calls always notified: the listener must see every exec to tell bwrap's own set-up
     * (let through) from the command (enforced), and to name the executable that made a call.
     */
    public static final List<String> EXECS = List.of("execve", "execveat");

    /**
     * What {@code learn} allows without asking: the calls any process needs to start and run
     * (memory, files, signals, futex, exit), and no call a workload might merely happen not to
     * make. They cost no notification while learning, and the learned profile lists them all.
     * Names a table lacks (newfstatat on some ABIs) are skipped there by the compiler.
     */
    public static final List<String> LEARN_CORE = List.of(
            // memory
            "brk", "mmap", "munmap", "mprotect", "mremap", "madvise",
            // files
            "read", "write", "readv", "writev", "pread64", "pwrite64", "openat", "close", "lseek", "fstat",
            "newfstatat", "statx",
            // signals
            "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "sigaltstack",
            // threads and exit
            "futex", "exit", "exit_group");

    /**
     * What bwrap itself needs under a {@code --seccomp} program (it loads the program just
     * before exec'ing the command, and its PID 1 runs under it too): a learned profile keeps
     * these whether or not the command made them.
     */
    public static final List<String> BWRAP_NEEDS = List.of("execve", "execveat", "wait4", "write", "exit",
            "exit_group", "rt_sigreturn");

    /**
     * The report filter of {@code profile}: every errno refusal (rule, default, newer calls)
     * becomes a notification, and so do execve and execveat; what the kernel can decide
     * alone stays as it is (allow, log, and kill/trap/trace, which a listener could only
     * imitate). Calls the profile allows cost nothing extra: their path never notifies.
     */
    public static Policy reporting(Policy profile) {
        List<Rule> rules = new ArrayList<>();
        for (String exec : EXECS) {
            rules.add(new Rule(exec, Action.NOTIFY, List.of(), "jbox --report: watch the command's execs", "report"));
        }
        for (Rule r : profile.rules()) {
            rules.add(r.action() instanceof Action.Errno
                    ? new Rule(r.syscall(), Action.NOTIFY, r.conditions(), r.reason(), r.origin()) : r);
        }
        return new Policy(profile.name() + " (report)", notifyErrno(profile.defaultAction()), rules, profile.scope(),
                profile.futureAction().map(NotifyingPolicies::notifyErrno), profile.badArchAction());
    }

    /**
     * The learning filter over {@code base}: the calls of {@code core} that the base has no
     * rule for are allowed outright (any process needs them; no notification cost), every
     * other call is notified, and the listener lets it through or refuses it as the base
     * does. The base's architecture scope and bad-architecture answer stay.
     */
    public static Policy learning(Policy base, Set<String> core) {
        List<Rule> rules = new ArrayList<>();
        for (String exec : EXECS) {
            rules.add(new Rule(exec, Action.NOTIFY, List.of(), "jbox learn: watch the command's execs", "learn"));
        }
        for (String name : core) {
            if (base.rulesFor(name).isEmpty() && !EXECS.contains(name)) {
                rules.add(new Rule(name, Action.ALLOW, List.of(), "jbox learn: core call", "learn"));
            }
        }
        return new Policy(base.name() + " (learn)", Action.NOTIFY, rules, base.scope(),
                base.futureAction().map(NotifyingPolicies::notifyErrno), base.badArchAction());
    }

    private static Action notifyErrno(Action a) {
        return a instanceof Action.Errno ? Action.NOTIFY : a;
    }
}
