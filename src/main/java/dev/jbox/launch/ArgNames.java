package dev.jbox.launch;

import dev.jbox.config.SymbolicValues;
import dev.jbox.policy.Condition;
import dev.jbox.policy.Op;
import dev.jbox.policy.Rule;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * How a report shows the argument that decided a call: the arguments the profile's rules
 * for that call look at, as the C constant a reader knows ({@code socket(AF_VSOCK)},
 * {@code ioctl(TIOCSTI)}, {@code clone(CLONE_NEWUSER)}, {@code personality(ADDR_NO_RANDOMIZE)}),
 * else as a number. Calls whose rules look at no argument show none.
 */
final class ArgNames {
    private ArgNames() {
    }

    private static final List<String> PERSONALITY = List.of("PER_LINUX", "PER_LINUX32", "UNAME26",
            "ADDR_NO_RANDOMIZE", "FDPIC_FUNCPTRS", "MMAP_PAGE_ZERO", "ADDR_COMPAT_LAYOUT", "READ_IMPLIES_EXEC",
            "ADDR_LIMIT_32BIT", "SHORT_INODE", "WHOLE_SECONDS", "STICKY_TIMEOUTS", "ADDR_LIMIT_3GB");

    private static final List<String> IOCTLS = List.of("TIOCSTI", "TIOCLINUX", "TIOCSCTTY", "TIOCSETD", "FIONREAD",
            "TCGETS");

    /** The arguments of {@code rules} (one syscall's) as text, empty when no rule looks at one. */
    static String describe(String syscall, List<Rule> rules, long[] args) {
        Set<Integer> indices = new TreeSet<>();
        long cloneMask = 0;
        for (Rule r : rules) {
            for (Condition c : r.conditions()) {
                indices.add(c.arg());
                if (c.op() == Op.MASKED_EQ) {
                    cloneMask |= c.mask();
                }
            }
        }
        List<String> parts = new ArrayList<>();
        for (int i : indices) {
            parts.add(value(syscall, i, args[i], cloneMask));
        }
        return String.join(", ", parts);
    }

    static String value(String syscall, int arg, long raw, long mask) {
        long v32 = raw & 0xFFFFFFFFL; // the int arguments named here are compared on 32 bits
        return switch (syscall) {
            case "socket", "socketpair" -> arg == 0 ? named(v32, "AF_", Set.of("AF_LOCAL")) : hex(raw);
            case "ioctl" -> arg == 1 ? among(v32, IOCTLS) : hex(raw);
            // the low byte of clone's flags is the exit signal, not a flag
            case "clone" -> arg == 0 ? flags(raw & (mask == 0 ? ~0xFFL : mask)) : hex(raw);
            case "personality" -> arg == 0 ? among(v32, PERSONALITY) : hex(raw);
            default -> hex(raw);
        };
    }

    /** Every constant name, sorted once (a report names arguments of refused calls only, learn of every call). */
    private static final List<String> NAMES = List.copyOf(new TreeSet<>(SymbolicValues.names()));

    private static String named(long v, String prefix, Set<String> skip) {
        for (String n : NAMES) {
            if (n.startsWith(prefix) && !skip.contains(n) && SymbolicValues.parse(n).orElse(-1) == v) {
                return n;
            }
        }
        return hex(v);
    }

    private static String flags(long v) {
        List<String> out = new ArrayList<>();
        long rest = v;
        for (String n : NAMES) {
            if (n.startsWith("CLONE_")) {
                long bit = SymbolicValues.parse(n).orElse(0);
                if (bit != 0 && (v & bit) == bit) {
                    out.add(n);
                    rest &= ~bit;
                }
            }
        }
        if (rest != 0 || out.isEmpty()) {
            out.add(hex(rest));
        }
        return String.join("|", out);
    }

    private static String among(long v, List<String> names) {
        for (String n : names) {
            if (SymbolicValues.parse(n).orElse(-1) == v) {
                return n;
            }
        }
        return hex(v);
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
