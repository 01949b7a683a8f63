package dev.jbox.seccomp;

import dev.jbox.arch.Arch;
import dev.jbox.arch.ArgTypes;
import dev.jbox.arch.Syscall;
import dev.jbox.policy.Action;
import dev.jbox.policy.ArchScope;
import dev.jbox.policy.Condition;
import dev.jbox.policy.Op;
import dev.jbox.policy.Policy;
import dev.jbox.policy.Rule;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * The one generator of random policies and of the inputs that probe them, for the compiler
 * fuzzer ({@link #policy}: anything the model can say) and the libseccomp differential
 * ({@link #expressible}: what libseccomp 2.5.4 compiles faithfully). Inputs favour the
 * syscalls a policy names and their neighbours, values around the conditions' constants with
 * and without the high 32 bits, foreign and compat arches, x32 numbers. Deterministic per seed.
 */
final class RandomPolicies {

    /** Constants that decide filters in practice: byte and word edges, TIOCSTI, sign bits. */
    static final long[] INTERESTING = {0, 1, 2, 0x7f, 0x80, 0xff, 0x5412, 0xffff, 0x7fffffffL, 0x80000000L,
            0xffffffffL, 0x100000000L, 0x100000001L, 0xffffffff00000000L, -1L, Long.MIN_VALUE, Long.MAX_VALUE};

    private final SplittableRandom r;

    RandomPolicies(long seed) {
        this(new SplittableRandom(seed));
    }

    RandomPolicies(SplittableRandom r) {
        this.r = r;
    }

    Action action() {
        return switch (r.nextInt(9)) {
            case 0, 1 -> Action.ALLOW;
            case 2, 3 -> Action.errno(1 + r.nextInt(r.nextBoolean() ? 133 : 4095));
            case 4 -> Action.KILL_PROCESS;
            case 5 -> Action.KILL_THREAD;
            case 6 -> Action.TRAP;
            case 7 -> Action.LOG;
            default -> new Action.Trace(r.nextInt(0x10000));
        };
    }

    Action actionOtherThan(Action deflt) {
        Action a;
        do {
            a = action();
        } while (a.equals(deflt));
        return a;
    }

    /** A value near the edges a compare can get wrong: small, around 2^32, sign bits, single bits. */
    long value() {
        return switch (r.nextInt(8)) {
            case 0 -> r.nextInt(32);
            case 1 -> 0xFFFFFFFFL - r.nextInt(3);
            case 2 -> (1L << 32) + r.nextInt(3) - 1;
            case 3 -> ((long) r.nextInt(8) << 32) | r.nextInt(16);
            case 4 -> -1L - r.nextInt(3);
            case 5 -> r.nextLong() & 0xFFFFFFFFL;
            case 6 -> 1L << r.nextInt(64);
            default -> r.nextLong();
        };
    }

    /** {@link #value()} or one of {@link #INTERESTING}. */
    long anyValue() {
        return r.nextInt(4) == 0 ? INTERESTING[r.nextInt(INTERESTING.length)] : value();
    }

    long mask() {
        return switch (r.nextInt(6)) {
            case 0 -> 1L << r.nextInt(64);
            case 1 -> r.nextLong() & 0xFFFFFFFFL;
            case 2 -> r.nextLong() & 0xFFFFFFFF00000000L;
            case 3 -> -1L;
            case 4 -> (1L << (1 + r.nextInt(63))) - 1;
            default -> r.nextLong();
        };
    }

    /** Any operator on any argument, whatever its C type. */
    Condition condition() {
        int arg = r.nextInt(6);
        Op op = Op.values()[r.nextInt(Op.values().length)];
        if (op == Op.MASKED_EQ) {
            long mask = r.nextBoolean() ? mask() : anyValue();
            return Condition.masked(arg, mask, anyValue() & mask);
        }
        return Condition.of(arg, op, anyValue());
    }

    /**
     * One condition as libseccomp can express it: any operator on a 64-bit argument, EQ or
     * MASKED_EQ on a narrower one (jbox compares those on their width; libseccomp on 64 bits).
     */
    Condition condition(Arch arch, String name, int arg) {
        int w = ArgTypes.width(arch, name, arg);
        Op op = w >= 64 ? Op.values()[r.nextInt(Op.values().length)] : r.nextBoolean() ? Op.EQ : Op.MASKED_EQ;
        if (op == Op.MASKED_EQ) {
            long m = mask();
            if (m == 0) {
                m = 1;
            }
            return Condition.masked(arg, m, r.nextInt(4) == 0 ? m : value() & m);
        }
        return Condition.of(arg, op, value());
    }

    /** Anything the model can say: for the fuzzer, which holds the compiler to the reference. */
    Policy policy(Arch nativeArch) {
        List<Syscall> table = nativeArch.syscalls().all();
        List<Rule> rules = new ArrayList<>();
        int names = 1 + r.nextInt(30);
        for (int i = 0; i < names; i++) {
            String name = table.get(r.nextInt(table.size())).name();
            int n = 1 + r.nextInt(3);
            for (int j = 0; j < n; j++) {
                List<Condition> conds = new ArrayList<>();
                int c = r.nextInt(4);
                for (int k = 0; k < c; k++) {
                    conds.add(condition());
                }
                rules.add(new Rule(name, action(), conds, "", "random"));
            }
        }
        // multiplexed calls, to exercise socketcall/ipc hiding on compat ABIs
        if (r.nextInt(4) == 0) {
            rules.add(new Rule("socket", action(), List.of(condition()), "", "random"));
        }
        return new Policy("random", action(), rules,
                r.nextBoolean() ? ArchScope.NATIVE : ArchScope.NATIVE_COMPAT,
                r.nextBoolean() ? Optional.of(action()) : Optional.empty(), action());
    }

    /**
     * A policy libseccomp 2.5.4 compiles to the same decisions, for the differential: no
     * future_syscalls, rule actions differ from the default, syscalls that {@code addable}
     * accepts (on the ABIs of the scope), no multiplexer, each argument tested by at most one
     * rule of a syscall (libseccomp 2.5.4 miscompiles an argument tested in two rules).
     */
    Policy expressible(Arch arch, int index, AddableTest addable) {
        Action deflt = action();
        ArchScope scope = r.nextBoolean() ? ArchScope.NATIVE : ArchScope.NATIVE_COMPAT;
        Action badArch = action();
        List<Syscall> table = arch.syscalls().all();
        Set<String> mux = new HashSet<>(Policy.MULTIPLEXERS.keySet());
        int count = 1 + r.nextInt(r.nextInt(4) == 0 ? 120 : 24);
        Set<String> names = new LinkedHashSet<>();
        while (names.size() < count) {
            String n = table.get(r.nextInt(table.size())).name();
            if (!mux.contains(n) && addable.test(arch, n, scope)) {
                names.add(n);
            }
        }
        if (scope == ArchScope.NATIVE_COMPAT && r.nextInt(4) == 0) {
            // a multiplexed call, so the compat side's implied ENOSYS on socketcall/ipc is exercised
            String m = r.nextBoolean() ? "socket" : "semget";
            if (arch.syscalls().number(m).isPresent() && addable.test(arch, m, scope)) {
                names.add(m);
            }
        }
        List<Rule> rules = new ArrayList<>();
        for (String n : names) {
            Action a = actionOtherThan(deflt);
            if (r.nextInt(5) < 2) {
                rules.add(Rule.of(n, a));
                continue;
            }
            List<Integer> free = new ArrayList<>(List.of(0, 1, 2, 3, 4, 5));
            Collections.shuffle(free, new Random(r.nextLong()));
            int nrules = 1 + r.nextInt(3);
            for (int i = 0; i < nrules && !free.isEmpty(); i++) {
                int nconds = Math.min(free.size(), 1 + r.nextInt(3));
                List<Condition> cs = new ArrayList<>();
                for (int j = 0; j < nconds; j++) {
                    cs.add(condition(arch, n, free.removeFirst()));
                }
                rules.add(new Rule(n, a, cs, "random", "random"));
            }
        }
        Collections.shuffle(rules, new Random(r.nextLong()));
        return new Policy("random-" + index, deflt, rules, scope, Optional.empty(), badArch);
    }

    /** Whether libseccomp can add a rule for a syscall of a native arch under a scope. */
    @FunctionalInterface
    interface AddableTest {
        boolean test(Arch nativeArch, String syscall, ArchScope scope);
    }

    /** An input biased towards what the policy talks about. */
    SeccompData input(Policy p, Arch nativeArch) {
        Arch abi;
        int audit;
        switch (r.nextInt(10)) {
            case 0 -> {
                abi = nativeArch.compat().orElse(nativeArch);
                audit = abi.auditArch();
            }
            case 1 -> {
                // another ABI's audit value (the compat one included), or any number
                audit = r.nextBoolean() ? Arch.values()[r.nextInt(Arch.values().length)].auditArch() : r.nextInt();
                abi = nativeArch;
            }
            default -> {
                abi = nativeArch;
                audit = nativeArch.auditArch();
            }
        }
        int nr;
        int pick = r.nextInt(10);
        if (pick < 6 && !p.rules().isEmpty()) {
            String name = p.rules().get(r.nextInt(p.rules().size())).syscall();
            nr = abi.syscalls().number(name).orElse(r.nextInt(500));
        } else if (pick < 8) {
            List<Syscall> t = abi.syscalls().all();
            nr = t.get(r.nextInt(t.size())).nr() + (r.nextInt(5) == 0 ? 1 : 0);
        } else {
            nr = switch (r.nextInt(5)) {
                case 0 -> Arch.X32_SYSCALL_BIT + r.nextInt(600);
                case 1 -> -1;
                case 2 -> -2;
                case 3 -> abi.syscalls().maxNumber() + 1 + r.nextInt(3);
                default -> r.nextInt();
            };
        }
        long[] args = new long[6];
        List<Condition> conds = new ArrayList<>();
        for (Rule rule : p.rules()) {
            conds.addAll(rule.conditions());
        }
        for (int i = 0; i < 6; i++) {
            if (!conds.isEmpty() && r.nextInt(3) > 0) {
                Condition c = conds.get(r.nextInt(conds.size()));
                long v = c.value();
                v += r.nextInt(3) - 1;
                if (r.nextBoolean()) {
                    v ^= (r.nextLong() & 0xffffffff00000000L);
                }
                args[i] = v;
            } else {
                args[i] = anyValue();
            }
        }
        return new SeccompData(nr, audit, r.nextLong(), args);
    }
}
