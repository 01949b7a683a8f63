package dev.jbox.policy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The model of a seccomp profile: what happens to every system call, independent of any
 * architecture. The compiler turns it into one BPF program per native architecture.
 *
 * @param name            the profile name, for messages
 * @param defaultAction   the action for calls no rule matches
 * @param rules           the rules, in priority order per syscall (first match wins)
 * @param scope           whether the compat ABI runs (with the same rules) or is refused
 * @param futureAction    if present, the action for every native syscall number above the
 *                        newest one jbox's tables know, so calls added by a later kernel are
 *                        refused until the tables know them (as runc does with ENOSYS)
 * @param badArchAction   the action for a foreign architecture or ABI (and x32)
 */
public record Policy(
        String name,
        Action defaultAction,
        List<Rule> rules,
        ArchScope scope,
        Optional<Action> futureAction,
        Action badArchAction) {

    /**
     * x32 calls share x86_64's audit arch and arrive as {@code nr |} {@link dev.jbox.arch.Arch#X32_SYSCALL_BIT}. jbox
     * answers them as a kernel built without x32 does (ENOSYS), so they never reach a
     * syscall that the native rules were meant to filter; {@code 0xFFFFFFFF} (the "no
     * syscall" a tracer writes) is not an x32 call.
     */
    public static final Action X32_ACTION = Action.errno(38);

    /**
     * The multiplexers of 32-bit ABIs that hide the real call's arguments behind a pointer
     * BPF cannot follow. When a policy has rules for any call they multiplex and none for
     * the multiplexer itself, the multiplexer answers ENOSYS (libc then uses the direct
     * calls), so it cannot be used to get around those rules.
     */
    public static final Map<String, Set<String>> MULTIPLEXERS = Map.of(
            "socketcall", Set.of("socket", "bind", "connect", "listen", "accept", "getsockname",
                    "getpeername", "socketpair", "send", "recv", "sendto", "recvfrom", "shutdown",
                    "setsockopt", "getsockopt", "sendmsg", "recvmsg", "accept4", "recvmmsg", "sendmmsg"),
            "ipc", Set.of("semop", "semget", "semctl", "semtimedop", "msgsnd", "msgrcv", "msgget",
                    "msgctl", "shmat", "shmdt", "shmget", "shmctl"));

    public static final Action MULTIPLEXER_ACTION = Action.errno(38);

    public Policy {
        rules = List.copyOf(rules);
    }

    /**
     * Complain mode: the same policy with every refusal turned into {@code LOG}, so a
     * workload runs once unhindered and the kernel's audit log shows what the profile
     * would have refused. The x32 answer stays (it is the kernel's own, not the profile's).
     */
    public Policy complain() {
        List<Rule> logged = rules.stream()
                .map(r -> r.action().denies() ? new Rule(r.syscall(), Action.LOG, r.conditions(), r.reason(), r.origin()) : r)
                .toList();
        return new Policy(name + " (complain)", defaultAction.denies() ? Action.LOG : defaultAction, logged, scope,
                futureAction.map(a -> a.denies() ? Action.LOG : a), badArchAction.denies() ? Action.LOG : badArchAction);
    }

    /** The rules for one syscall name, in priority order. */
    public List<Rule> rulesFor(String syscall) {
        return rules.stream().filter(r -> r.syscall().equals(syscall)).toList();
    }
}
