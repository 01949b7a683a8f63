package dev.jbox.proof;

import dev.jbox.arch.Arch;
import dev.jbox.arch.Syscall;
import dev.jbox.policy.Action;
import dev.jbox.policy.ArchScope;
import dev.jbox.policy.ArgWidths;
import dev.jbox.policy.Condition;
import dev.jbox.policy.Policy;
import dev.jbox.policy.Rule;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a policy means for a filter compiled for one native architecture, as one SMT term
 * over the input {@link Words}: the canonical value ({@link KernelActions}) of the action the
 * policy gives each input. Read straight from the model, the way {@code policy.Reference}
 * reads it, and nothing of the compiler (no decision tree, no ranges, no width table of its
 * own: widths come from {@link ArgWidths}):
 * <ul>
 *   <li>{@code arch} is the native audit value: the native ABI; on x86_64, a number in
 *       [{@link Arch#X32_SYSCALL_BIT}, 0xFFFFFFFE] is an x32 call ({@link Policy#X32_ACTION});
 *   <li>{@code arch} is the compat ABI's value and the scope lets it run: the compat ABI,
 *       the same rules in its own numbers, every argument 32 bits;
 *   <li>any other value: the bad-arch action;
 *   <li>within an ABI: a number the table names gets its rules (first whose conditions all
 *       hold; else the default), or ENOSYS for a multiplexer hiding filtered calls; a number
 *       it does not name gets the future action above the table's highest (bar 0xFFFFFFFF),
 *       else the default;
 *   <li>a condition compares the argument's low 16, 32 or 64 bits (its width on that ABI),
 *       value and mask cut to the same width, unsigned.
 * </ul>
 */
final class PolicyFormula {
    private PolicyFormula() {
    }

    private static final long U32 = 0xFFFFFFFFL;

    /** The policy's verdict term for a filter compiled for {@code nativeArch}. */
    static String of(Policy p, Arch nativeArch) {
        String bad = Words.bv32(KernelActions.of(p.badArchAction()));
        String compat = p.scope() == ArchScope.NATIVE_COMPAT && nativeArch.compat().isPresent()
                ? "(ite (= " + Words.ARCH + " " + Words.bv32(nativeArch.compat().get().auditArch()) + ") "
                        + abi(p, nativeArch.compat().get()) + " " + bad + ")"
                : bad;
        String nat = abi(p, nativeArch);
        if (nativeArch == Arch.X86_64) {
            nat = "(ite " + x32(nativeArch) + " " + Words.bv32(KernelActions.of(Policy.X32_ACTION)) + " " + nat + ")";
        }
        return "(ite (= " + Words.ARCH + " " + Words.bv32(nativeArch.auditArch()) + ") " + nat + " " + compat + ")";
    }

    /** On x86_64's audit value: an x32 number (the x32 bit and up, bar a tracer's 0xFFFFFFFF). */
    static String x32(Arch nativeArch) {
        return "(and (= " + Words.ARCH + " " + Words.bv32(nativeArch.auditArch()) + ") (bvuge " + Words.NR + " "
                + Words.bv32(Arch.X32_SYSCALL_BIT) + ") (distinct " + Words.NR + " " + Words.bv32(U32) + "))";
    }

    /** Within one ABI: a number the table does not name and above its highest (bar 0xFFFFFFFF). */
    static String aboveTable(Arch abi) {
        long max = abi.syscalls().maxNumber() & U32;
        List<String> known = new ArrayList<>();
        for (Syscall s : abi.syscalls().all()) {
            if ((s.nr() & U32) > max) {
                known.add("(distinct " + Words.NR + " " + Words.bv32(s.nr()) + ")"); // arm's private calls
            }
        }
        return "(and (bvugt " + Words.NR + " " + Words.bv32(max) + ") (distinct " + Words.NR + " " + Words.bv32(U32)
                + ")" + (known.isEmpty() ? "" : " " + String.join(" ", known)) + ")";
    }

    /** The verdict on one ABI (arch already decided). */
    private static String abi(Policy p, Arch abi) {
        String deflt = Words.bv32(KernelActions.of(p.defaultAction()));
        String term = p.futureAction().isPresent()
                ? "(ite " + aboveTable(abi) + " " + Words.bv32(KernelActions.of(p.futureAction().get())) + " " + deflt + ")"
                : deflt;
        // every name the policy gives a verdict of its own: its rules' names and the multiplexers
        Set<String> named = new LinkedHashSet<>();
        p.rules().forEach(r -> named.add(r.syscall()));
        Policy.MULTIPLEXERS.keySet().stream().sorted().forEach(named::add);
        List<String> names = new ArrayList<>(named);
        for (int i = names.size() - 1; i >= 0; i--) {
            String name = names.get(i);
            var nr = abi.syscalls().number(name);
            if (nr.isPresent()) {
                term = "(ite (= " + Words.NR + " " + Words.bv32(nr.getAsInt()) + ") " + syscall(p, abi, name) + "\n  "
                        + term + ")";
            }
        }
        return term;
    }

    /** The verdict for a call of {@code name} on {@code abi}. */
    private static String syscall(Policy p, Arch abi, String name) {
        List<Rule> rules = p.rulesFor(name);
        if (rules.isEmpty()) {
            boolean hides = Policy.MULTIPLEXERS.getOrDefault(name, Set.of()).stream()
                    .anyMatch(m -> !p.rulesFor(m).isEmpty());
            return Words.bv32(KernelActions.of(hides ? Policy.MULTIPLEXER_ACTION : p.defaultAction()));
        }
        String term = Words.bv32(KernelActions.of(p.defaultAction()));
        for (int i = rules.size() - 1; i >= 0; i--) {
            Rule r = rules.get(i);
            Action a = r.action();
            term = r.conditions().isEmpty() ? Words.bv32(KernelActions.of(a))
                    : "(ite " + conditions(abi, name, r.conditions()) + " " + Words.bv32(KernelActions.of(a)) + " " + term + ")";
        }
        return term;
    }

    private static String conditions(Arch abi, String name, List<Condition> cs) {
        List<String> out = new ArrayList<>();
        for (Condition c : cs) {
            int width = ArgWidths.of(abi, name, c.arg());
            long m = width >= 64 ? -1L : (1L << width) - 1;
            String arg = m == -1L ? Words.arg64(c.arg()) : "(bvand " + Words.arg64(c.arg()) + " " + Words.bv64(m) + ")";
            String v = Words.bv64(c.value() & m);
            out.add(switch (c.op()) {
                case EQ -> "(= " + arg + " " + v + ")";
                case NE -> "(distinct " + arg + " " + v + ")";
                case LT -> "(bvult " + arg + " " + v + ")";
                case LE -> "(bvule " + arg + " " + v + ")";
                case GT -> "(bvugt " + arg + " " + v + ")";
                case GE -> "(bvuge " + arg + " " + v + ")";
                case MASKED_EQ -> "(= (bvand " + arg + " " + Words.bv64(c.mask() & m) + ") " + v + ")";
            });
        }
        return out.size() == 1 ? out.getFirst() : "(and " + String.join(" ", out) + ")";
    }
}
