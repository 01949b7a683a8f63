package dev.jbox.config;

import dev.jbox.arch.Arch;
import dev.jbox.arch.ArgTypes;
import dev.jbox.policy.Action;
import dev.jbox.policy.ArchScope;
import dev.jbox.policy.Condition;
import dev.jbox.policy.Policy;
import dev.jbox.policy.Rule;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A jbox policy as an OCI/Docker seccomp profile with the same decisions (for the native ABI,
 * and the compat ABI where the policy lets it run), for runc, crun, Docker or podman.
 *
 * <p>OCI entries are alternatives (ORed) and a runtime gives several conditions on one argument
 * one rule each, while jbox's rules are tried in order with ANDed conditions. So each syscall's
 * rules are turned into disjoint regions of the argument space, first match first: every region
 * is a set of "boxes", each box one masked compare per constrained argument
 * ({@code SCMP_CMP_MASKED_EQ}, value = mask, valueTwo = datum). Entries of different actions then
 * never overlap, and a compare on an argument narrower than 64 bits uses a mask inside its width,
 * so the upper half the kernel ignores is ignored by libseccomp too.
 */
public final class OciExport {
    private OciExport() {
    }

    /** Exports larger than this many entries are refused (a policy that would need them is unusual). */
    static final int MAX_ENTRIES = 20_000;

    /** (x & mask) == value, value inside mask. */
    record Cube(long mask, long value) {
        static final Cube ANY = new Cube(0, 0);

        Cube and(Cube o) {
            if (((value ^ o.value) & mask & o.mask) != 0) {
                return null;
            }
            return new Cube(mask | o.mask, value | o.value);
        }

        /** The complement as disjoint cubes: the first bit of the mask (highest first) that differs. */
        List<Cube> not() {
            List<Cube> out = new ArrayList<>();
            long above = 0;
            for (int b = 63; b >= 0; b--) {
                long bit = 1L << b;
                if ((mask & bit) == 0) {
                    continue;
                }
                out.add(new Cube(above | bit, (value & above) | (~value & bit)));
                above |= bit;
            }
            return out;
        }
    }

    /** One cube per argument. */
    record Box(List<Cube> cubes) {
        static final Box ANY = new Box(List.of(Cube.ANY, Cube.ANY, Cube.ANY, Cube.ANY, Cube.ANY, Cube.ANY));

        Box and(Box o) {
            List<Cube> c = new ArrayList<>(6);
            for (int i = 0; i < 6; i++) {
                Cube x = cubes.get(i).and(o.cubes.get(i));
                if (x == null) {
                    return null;
                }
                c.add(x);
            }
            return new Box(List.copyOf(c));
        }

        Box with(int arg, Cube cube) {
            List<Cube> c = new ArrayList<>(cubes);
            c.set(arg, cube);
            return new Box(List.copyOf(c));
        }

        /** The complement as disjoint boxes. */
        List<Box> not() {
            List<Box> out = new ArrayList<>();
            Box prefix = ANY;
            for (int i = 0; i < 6; i++) {
                Cube c = cubes.get(i);
                if (c.mask() == 0) {
                    continue;
                }
                for (Cube n : c.not()) {
                    out.add(prefix.with(i, n));
                }
                prefix = prefix.with(i, c);
            }
            return out;
        }
    }

    static List<Box> and(List<Box> a, List<Box> b) throws ConfigException {
        List<Box> out = new ArrayList<>();
        for (Box x : a) {
            for (Box y : b) {
                Box z = x.and(y);
                if (z != null) {
                    out.add(z);
                }
            }
            if (out.size() > MAX_ENTRIES) {
                throw tooComplex();
            }
        }
        return out;
    }

    static List<Box> minus(List<Box> a, List<Box> b) throws ConfigException {
        List<Box> r = a;
        for (Box y : b) {
            r = and(r, y.not());
        }
        return r;
    }

    private static ConfigException tooComplex() {
        return new ConfigException("the profile's argument rules need more than " + MAX_ENTRIES
                + " OCI entries to express exactly; simplify them");
    }

    /** The values of one argument (of the given width) for which the condition holds. */
    static List<Cube> cubes(Condition c, int width) {
        long wm = width >= 64 ? -1L : (1L << width) - 1;
        long v = c.value() & wm;
        return switch (c.op()) {
            case EQ -> List.of(new Cube(wm, v));
            case NE -> new Cube(wm, v).not();
            case MASKED_EQ -> List.of(new Cube(c.mask() & wm, c.value() & c.mask() & wm));
            case GE -> interval(BigInteger.valueOf(v).and(U64), max(width), width);
            case GT -> interval(u(v).add(BigInteger.ONE), max(width), width);
            case LE -> interval(BigInteger.ZERO, u(v), width);
            case LT -> interval(BigInteger.ZERO, u(v).subtract(BigInteger.ONE), width);
        };
    }

    private static final BigInteger U64 = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private static BigInteger u(long v) {
        return BigInteger.valueOf(v).and(U64);
    }

    private static BigInteger max(int width) {
        return BigInteger.ONE.shiftLeft(Math.min(width, 64)).subtract(BigInteger.ONE);
    }

    /** [lo, hi] as aligned power-of-two blocks, each a cube inside the width. */
    static List<Cube> interval(BigInteger lo, BigInteger hi, int width) {
        List<Cube> out = new ArrayList<>();
        long wm = width >= 64 ? -1L : (1L << width) - 1;
        while (lo.compareTo(hi) <= 0) {
            int k = lo.signum() == 0 ? width : Math.min(lo.getLowestSetBit(), width);
            while (k > 0 && lo.add(BigInteger.ONE.shiftLeft(k)).subtract(BigInteger.ONE).compareTo(hi) > 0) {
                k--;
            }
            long blockMask = k >= 64 ? 0 : ~((1L << k) - 1);
            out.add(new Cube(wm & blockMask, lo.longValue() & wm & blockMask));
            lo = lo.add(BigInteger.ONE.shiftLeft(k));
        }
        return out;
    }

    /** One OCI entry before grouping by identical action and arguments. */
    record Entry(Action action, Box box, String reason) {
    }

    /** The profile as JSON text. */
    public static String export(Policy policy, Arch nativeArch) throws ConfigException {
        Set<String> names = new LinkedHashSet<>();
        policy.rules().forEach(r -> names.add(r.syscall()));
        List<Entry> entries = new ArrayList<>();
        for (String name : names) {
            entries.addAll(entries(policy, nativeArch, name));
            if (entries.size() > MAX_ENTRIES) {
                throw tooComplex();
            }
        }
        // group names with the same action and arguments into one entry
        Map<String, List<String>> groupNames = new LinkedHashMap<>();
        Map<String, Entry> groupEntry = new LinkedHashMap<>();
        for (String name : names) {
            for (Entry e : entries(policy, nativeArch, name)) {
                String key = e.action() + "|" + e.box() + "|" + e.reason();
                groupNames.computeIfAbsent(key, k -> new ArrayList<>()).add(name);
                groupEntry.putIfAbsent(key, e);
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append("{\n");
        sb.append("\t\"comment\": ").append(str(comment(policy, nativeArch))).append(",\n");
        sb.append("\t\"defaultAction\": ").append(str(actionName(policy.defaultAction()))).append(",\n");
        errnoRet(policy.defaultAction()).ifPresent(e -> sb.append("\t\"defaultErrnoRet\": ").append(e).append(",\n"));
        // Every native architecture jbox runs on, each followed by its compat ABI when the
        // profile lets that run: the same profile serves whichever host the container lands on.
        // Not riscv64: runc 1.1.5 (Debian 12's, and Docker's there) refuses the whole profile for
        // SCMP_ARCH_RISCV64 ("not a valid arch"), and a runtime's filter always holds its host's
        // own ABI, so on a riscv64 host the rules apply without it (OciRuntimeIT runs runc).
        List<String> arches = new ArrayList<>();
        for (Arch a : Arch.values()) {
            if (a.isNativeCapable() && a != Arch.RISCV64) {
                arches.add(a.libseccompName());
                a.compat().filter(c -> policy.scope() == ArchScope.NATIVE_COMPAT)
                        .ifPresent(c -> arches.add(c.libseccompName()));
            }
        }
        sb.append("\t\"architectures\": [").append(String.join(", ", arches.stream().map(OciExport::str).toList()))
                .append("],\n");
        sb.append("\t\"syscalls\": [");
        boolean first = true;
        for (var g : groupEntry.entrySet()) {
            Entry e = g.getValue();
            sb.append(first ? "\n" : ",\n");
            first = false;
            sb.append("\t\t{\"names\": [").append(String.join(", ", groupNames.get(g.getKey()).stream()
                    .map(OciExport::str).toList())).append("], \"action\": ").append(str(actionName(e.action())));
            errnoRet(e.action()).ifPresent(x -> sb.append(", \"errnoRet\": ").append(x));
            List<String> args = new ArrayList<>();
            for (int a = 0; a < 6; a++) {
                Cube c = e.box().cubes().get(a);
                if (c.mask() == 0) {
                    continue;
                }
                if (c.mask() == -1L) {
                    args.add("{\"index\": " + a + ", \"value\": " + Long.toUnsignedString(c.value())
                            + ", \"op\": \"SCMP_CMP_EQ\"}");
                } else {
                    args.add("{\"index\": " + a + ", \"value\": " + Long.toUnsignedString(c.mask()) + ", \"valueTwo\": "
                            + Long.toUnsignedString(c.value()) + ", \"op\": \"SCMP_CMP_MASKED_EQ\"}");
                }
            }
            if (!args.isEmpty()) {
                sb.append(", \"args\": [").append(String.join(", ", args)).append("]");
            }
            if (!e.reason().isEmpty()) {
                sb.append(", \"comment\": ").append(str(e.reason()));
            }
            sb.append("}");
        }
        sb.append("\n\t]\n}\n");
        return sb.toString();
    }

    /** The regions of one syscall whose action is not the default, first match first. */
    static List<Entry> entries(Policy policy, Arch arch, String name) throws ConfigException {
        List<Box> remaining = List.of(Box.ANY);
        Map<Action, List<Box>> regions = new LinkedHashMap<>();
        Map<Action, String> reasons = new LinkedHashMap<>();
        for (Rule r : policy.rulesFor(name)) {
            List<Box> c = List.of(Box.ANY);
            for (Condition cond : r.conditions()) {
                int width = ArgTypes.width(arch, name, cond.arg());
                List<Box> set = new ArrayList<>();
                for (Cube cube : cubes(cond, width)) {
                    set.add(Box.ANY.with(cond.arg(), cube));
                }
                c = and(c, set);
            }
            List<Box> region = and(remaining, c);
            if (!region.isEmpty()) {
                regions.computeIfAbsent(r.action(), k -> new ArrayList<>()).addAll(region);
                reasons.putIfAbsent(r.action(), r.reason());
            }
            remaining = r.unconditional() ? List.of() : minus(remaining, c);
            if (remaining.isEmpty()) {
                break;
            }
        }
        List<Entry> out = new ArrayList<>();
        for (var e : regions.entrySet()) {
            if (e.getKey().equals(policy.defaultAction())) {
                continue;
            }
            for (Box b : e.getValue()) {
                out.add(new Entry(e.getKey(), b, reasons.get(e.getKey())));
            }
        }
        return out;
    }

    static String comment(Policy p, Arch arch) {
        StringBuilder sb = new StringBuilder("Exported by jbox from profile '" + p.name() + "'. What OCI cannot say:"
                + " jbox's first-match order between a syscall's rules is made explicit (entries of different actions"
                + " never overlap; arguments narrower than 64 bits are compared under a mask of their width);"
                + " x32 calls (nr >= 0x" + Integer.toHexString(Arch.X32_SYSCALL_BIT) + " on x86_64) answer ENOSYS under jbox, and follow this profile's"
                + " x32 section, if any, under libseccomp;");
        if (p.futureAction().isPresent()) {
            sb.append(" syscalls newer than jbox's tables answer ").append(p.futureAction().get())
                    .append(" under jbox (future_syscalls), the default action here;");
        }
        if (p.scope() == ArchScope.NATIVE_COMPAT) {
            sb.append(" on i386, socketcall/ipc answer ENOSYS under jbox when the profile filters a call they"
                    + " multiplex;");
        }
        sb.append(" a foreign architecture gets ").append(p.badArchAction())
                .append(" under jbox, libseccomp's default (kill the thread) here.");
        return sb.toString();
    }

    static String actionName(Action a) {
        return switch (a) {
            case Action.Allow x -> "SCMP_ACT_ALLOW";
            case Action.Errno e -> "SCMP_ACT_ERRNO";
            case Action.KillProcess k -> "SCMP_ACT_KILL_PROCESS";
            case Action.KillThread k -> "SCMP_ACT_KILL_THREAD";
            case Action.Trap t -> "SCMP_ACT_TRAP";
            case Action.Log l -> "SCMP_ACT_LOG";
            case Action.Trace t -> "SCMP_ACT_TRACE";
            case Action.Notify n -> "SCMP_ACT_NOTIFY";
        };
    }

    static java.util.Optional<Integer> errnoRet(Action a) {
        return switch (a) {
            case Action.Errno e -> java.util.Optional.of(e.errno());
            case Action.Trace t -> java.util.Optional.of(t.data());
            default -> java.util.Optional.empty();
        };
    }

    static String str(String s) {
        return JsonWriter.str(s);
    }
}
