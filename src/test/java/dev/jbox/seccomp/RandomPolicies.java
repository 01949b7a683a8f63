package dev.jbox.seccomp;

import dev.jbox.arch.Arch;
import dev.jbox.arch.Syscall;
import dev.jbox.policy.Action;
import dev.jbox.policy.ArchScope;
import dev.jbox.policy.Condition;
import dev.jbox.policy.Op;
import dev.jbox.policy.Policy;
import dev.jbox.policy.Rule;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Generates random policies and the inputs that probe them: syscalls the policy names
 * (and their neighbours), values around the conditions' constants with and without the
 * high 32 bits, foreign and compat arches, x32 numbers. Deterministic per seed.
 */
final class RandomPolicies {

    static final long[] INTERESTING = {0, 1, 2, 0x7f, 0x80, 0xff, 0x5412, 0xffff, 0x7fffffffL, 0x80000000L,
            0xffffffffL, 0x100000000L, 0x100000001L, 0xffffffff00000000L, -1L, Long.MIN_VALUE, Long.MAX_VALUE};

    private final SplittableRandom r;

    RandomPolicies(long seed) {
        this.r = new SplittableRandom(seed);
    }

    Action action() {
        return switch (r.nextInt(8)) {
            case 0, 1 -> Action.ALLOW;
            case 2, 3 -> Action.errno(1 + r.nextInt(150));
            case 4 -> Action.KILL_PROCESS;
            case 5 -> Action.KILL_THREAD;
            case 6 -> Action.LOG;
            default -> r.nextBoolean() ? Action.TRAP : new Action.Trace(r.nextInt(0x10000));
        };
    }

    long value() {
        return switch (r.nextInt(4)) {
            case 0 -> INTERESTING[r.nextInt(INTERESTING.length)];
            case 1 -> r.nextLong(64);
            case 2 -> r.nextLong() & 0xffffffffL;
            default -> r.nextLong();
        };
    }

    Condition condition() {
        int arg = r.nextInt(6);
        Op op = Op.values()[r.nextInt(Op.values().length)];
        if (op == Op.MASKED_EQ) {
            long mask = value();
            return Condition.masked(arg, mask, value() & mask);
        }
        return Condition.of(arg, op, value());
    }

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
                audit = r.nextBoolean() ? Arch.RISCV64.auditArch() : r.nextInt();
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
                case 0 -> 0x40000000 + r.nextInt(600);
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
                args[i] = value();
            }
        }
        return new SeccompData(nr, audit, r.nextLong(), args);
    }
}
