package dev.jbox.policy;

import dev.jbox.arch.Arch;
import java.util.List;
import java.util.Optional;

/**
 * What a policy means, read straight from the model: the verdict for one system call as
 * the kernel would present it (audit arch, number, six 64-bit arguments). It shares no
 * code with the compiler or the emulator, and takes argument widths from its own table
 * ({@link ArgWidths}, not the compiler's): ArchUnit enforces both, so the tests can hold the
 * compiled programs against it.
 */
public final class Reference {
    private Reference() {
    }

    /** The verdict and, when a rule decided it, that rule. */
    public record Verdict(Action action, Optional<Rule> rule, String why) {
    }

    public static Verdict decide(Policy p, Arch nativeArch, int auditArch, int nr, long[] args) {
        Arch abi;
        if (auditArch == nativeArch.auditArch()) {
            abi = nativeArch;
            if (nativeArch == Arch.X86_64 && Arch.isX32Number(nr)) {
                return new Verdict(Policy.X32_ACTION, Optional.empty(), "x32 syscall number");
            }
        } else if (p.scope() == ArchScope.NATIVE_COMPAT && nativeArch.compat().isPresent()
                && auditArch == nativeArch.compat().get().auditArch()) {
            abi = nativeArch.compat().get();
        } else {
            return new Verdict(p.badArchAction(), Optional.empty(), "architecture not allowed by the profile");
        }
        Optional<String> name = abi.syscalls().name(nr);
        if (name.isEmpty()) {
            long unr = nr & 0xFFFFFFFFL;
            if (p.futureAction().isPresent() && unr > (abi.syscalls().maxNumber() & 0xFFFFFFFFL) && unr != 0xFFFFFFFFL) {
                return new Verdict(p.futureAction().get(), Optional.empty(), "newer than jbox's syscall tables");
            }
            return new Verdict(p.defaultAction(), Optional.empty(), "unknown syscall number: default action");
        }
        String n = name.get();
        List<Rule> rules = p.rulesFor(n);
        if (rules.isEmpty() && Policy.MULTIPLEXERS.containsKey(n)
                && Policy.MULTIPLEXERS.get(n).stream().anyMatch(m -> !p.rulesFor(m).isEmpty())) {
            return new Verdict(Policy.MULTIPLEXER_ACTION, Optional.empty(),
                    n + " multiplexes calls the profile filters by argument");
        }
        for (Rule r : rules) {
            if (matches(r, abi, n, args)) {
                return new Verdict(r.action(), Optional.of(r), r.reason());
            }
        }
        return new Verdict(p.defaultAction(), Optional.empty(), "no rule matched: default action");
    }

    private static boolean matches(Rule r, Arch abi, String name, long[] args) {
        for (Condition c : r.conditions()) {
            int width = ArgWidths.of(abi, name, c.arg());
            long m = width >= 64 ? -1L : (1L << width) - 1;
            long arg = args[c.arg()] & m;
            long value = c.value() & m;
            long mask = c.mask() & m;
            if (!c.op().test(arg, value, mask)) {
                return false;
            }
        }
        return true;
    }
}
