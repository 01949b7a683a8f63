package dev.jbox.seccomp;

import static dev.jbox.seccomp.Bpf.*;

import dev.jbox.arch.Arch;
import dev.jbox.arch.ArgTypes;
import dev.jbox.policy.Action;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Static analysis of a third-party seccomp program (no policy needed): what makes it unsafe
 * to rely on. It walks every feasible path of the program (cBPF jumps only forward, so the
 * paths form a DAG) with an abstract state: which architectures and which syscall numbers can
 * still be on this path, and where the accumulator's value came from. docs/AUDIT.md describes
 * each finding with an example and the fix.
 *
 * <ul>
 *   <li>{@code rejected} (error): the kernel would refuse to load the program (the verifier's
 *       message); nothing else is checked.
 *   <li>{@code no-arch-check} (error): the syscall number is compared on a path where
 *       {@code seccomp_data.arch} was not pinned to one architecture, so the same number means
 *       different calls (i386's 11 is execve, x86_64's 11 is munmap).
 *   <li>{@code foreign-arch-allowed} (error): calls of an architecture the program never
 *       checks for reach ALLOW, while the program denies something: e.g. i386 calls through
 *       {@code int 0x80} skip every rule of an x86_64-only filter.
 *   <li>{@code x32} (error): on the x86_64 path, numbers at or above {@link Arch#X32_SYSCALL_BIT} (x32 calls,
 *       which share x86_64's audit arch) reach ALLOW in a filter that allows unknown numbers;
 *       the calls it denies by their x86_64 numbers are then reachable by their x32 numbers.
 *   <li>{@code int-arg-high-word} (error): the upper 32 bits of an argument whose C type is
 *       32 bits wide decide between a deny and an allow. The kernel ignores those bits, so
 *       {@code socket((1<<32)|AF_VSOCK)} is AF_VSOCK to the kernel but skips the deny.
 *   <li>{@code never-denies} (warning): no path ends in anything but ALLOW or LOG.
 *   <li>{@code unreachable} (info): instructions no feasible path reaches.
 *   <li>{@code incomplete} (info): the program has too many paths to walk them all.
 * </ul>
 */
public final class Auditor {

    public enum Severity {
        ERROR, WARNING, INFO;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** One finding: how bad, the instruction it is about (-1: the whole program), what. */
    public record Finding(Severity severity, int pc, String code, String message) {
        @Override
        public String toString() {
            return severity.id() + (pc >= 0 ? " at " + pc : "") + " [" + code + "]: " + message;
        }
    }

    /** Abstract paths walked before giving up (and saying so). */
    static final int MAX_STEPS = 2_000_000;
    private static final long U32 = 0xFFFFFFFFL;
    private static final long X32_LO = Arch.X32_SYSCALL_BIT;
    private static final long X32_HI = 0xFFFFFFFEL;
    private static final String X32_HEX = "0x" + Integer.toHexString(Arch.X32_SYSCALL_BIT);
    private static final long UNKNOWN_RET = -1L;

    private final Program p;
    private final BitSet reached = new BitSet();
    private final Map<State, Set<Long>> memo = new HashMap<>();
    private final Set<Long> allRets = new LinkedHashSet<>();
    private final TreeSet<Integer> noArchCheck = new TreeSet<>();
    private final TreeSet<Integer> foreignAllowed = new TreeSet<>();
    private final TreeSet<Integer> x32Allowed = new TreeSet<>();
    /** "name/arg" -> [first pc, message]: one finding per argument, at its first comparison. */
    private final Map<String, Object[]> highWord = new java.util.TreeMap<>();
    private boolean defaultAllowX86 = false;
    private int steps;
    private boolean incomplete;

    private Auditor(Program p) {
        this.p = p;
    }

    /** The findings for a program, most severe first, then by instruction. */
    public static List<Finding> audit(Program p) {
        try {
            Verifier.verify(p);
        } catch (InvalidProgramException e) {
            Matcher m = Pattern.compile("instruction (\\d+)").matcher(e.getMessage());
            int pc = m.find() ? Integer.parseInt(m.group(1)) : -1;
            return List.of(new Finding(Severity.ERROR, pc, "rejected", "the kernel would refuse this program: "
                    + e.getMessage()));
        }
        // The walk recurses once per instruction of a path (at most 4096): give it a stack.
        List<List<Finding>> out = new ArrayList<>();
        RuntimeException[] failed = new RuntimeException[1];
        Thread t = new Thread(null, () -> {
            try {
                out.add(new Auditor(p).run());
            } catch (RuntimeException e) {
                failed[0] = e;
            }
        }, "jbox-audit", 512L << 20);
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        if (failed[0] != null) {
            throw failed[0];
        }
        return out.getFirst();
    }

    /** True when a finding of severity warning or higher is in the list. */
    public static boolean unsafe(List<Finding> findings) {
        return findings.stream().anyMatch(f -> f.severity() != Severity.INFO);
    }

    private List<Finding> run() {
        State start = new State(0, Arches.ANY, Ranges.ALL, Val.UNKNOWN, Val.UNKNOWN, List.of());
        explore(start);
        List<Finding> out = new ArrayList<>();
        boolean denies = allRets.stream().anyMatch(r -> r == UNKNOWN_RET || Ret.decode((int) (long) r).denies());
        if (!noArchCheck.isEmpty()) {
            out.add(new Finding(Severity.ERROR, noArchCheck.first(), "no-arch-check",
                    "the syscall number is compared before seccomp_data.arch is checked"
                            + (noArchCheck.size() > 1 ? " (" + noArchCheck.size() + " such comparisons)" : "")
                            + ": the same number means different calls on each ABI; load arch (offset 4) and"
                            + " compare it with the one AUDIT_ARCH_* the rules are written for first"));
        }
        if (!foreignAllowed.isEmpty() && denies) {
            out.add(new Finding(Severity.ERROR, foreignAllowed.first(), "foreign-arch-allowed",
                    "calls of architectures the program does not check for reach ALLOW here, so they skip every"
                            + " rule (e.g. i386 calls via int 0x80 on x86_64); return KILL_PROCESS for any arch not"
                            + " filtered"));
        }
        if (!x32Allowed.isEmpty() && defaultAllowX86) {
            List<String> bypass = x32Bypasses();
            out.add(new Finding(Severity.ERROR, x32Allowed.first(), Arch.X32.id(),
                    "on the x86_64 path, x32 syscall numbers (nr >= " + X32_HEX + ") reach ALLOW"
                            + (bypass.isEmpty() ? "" : ": " + String.join(", ", bypass.subList(0, Math.min(6,
                            bypass.size()))) + (bypass.size() > 6 ? " and " + (bypass.size() - 6) + " more" : "")
                            + " are denied by x86_64 number but allowed by x32 number")
                            + "; refuse nr >= " + X32_HEX + " (except 0xffffffff) right after the arch check"));
        }
        highWord.values().stream().sorted(java.util.Comparator.comparingInt(v -> (Integer) v[0]))
                .forEach(v -> out.add(new Finding(Severity.ERROR, (Integer) v[0], "int-arg-high-word", (String) v[1])));
        if (!denies) {
            out.add(new Finding(Severity.WARNING, -1, "never-denies",
                    "no path ends in anything but ALLOW or LOG: the filter has no effect"));
        }
        if (incomplete) {
            out.add(new Finding(Severity.INFO, -1, "incomplete", "the program has too many paths: stopped after "
                    + MAX_STEPS + " steps, so the findings above may be incomplete"));
        } else {
            List<String> dead = new ArrayList<>();
            int first = -1;
            for (int pc = 0; pc <= p.length(); pc++) {
                boolean unreached = pc < p.length() && !reached.get(pc);
                if (unreached && first < 0) {
                    first = pc;
                } else if (!unreached && first >= 0) {
                    dead.add(first == pc - 1 ? Integer.toString(first) : first + "-" + (pc - 1));
                    first = -1;
                }
            }
            if (!dead.isEmpty()) {
                int firstPc = Integer.parseInt(dead.getFirst().split("-")[0]);
                out.add(new Finding(Severity.INFO, firstPc, "unreachable",
                        "no path reaches instruction" + (dead.size() == 1 && !dead.getFirst().contains("-") ? " " : "s ")
                                + String.join(", ", dead)));
            }
        }
        return out;
    }

    /** Names denied by their x86_64 number (arguments 0) whose x32 number is allowed. */
    private List<String> x32Bypasses() {
        List<String> out = new ArrayList<>();
        for (var s : Arch.X32.syscalls().all()) {
            var n64 = Arch.X86_64.syscalls().number(s.name());
            if (n64.isEmpty()) {
                continue;
            }
            Action a64 = Ret.decode(Emulator.run(p, SeccompData.of(Arch.X86_64, n64.getAsInt())));
            Action a32 = Ret.decode(Emulator.run(p, new SeccompData(s.nr(), Arch.X86_64.auditArch(), 0, new long[6])));
            if (a64.denies() && !a32.denies()) {
                out.add(s.name());
            }
        }
        return out;
    }

    // ---- the walk ----------------------------------------------------------------------------

    private Set<Long> explore(State s) {
        Set<Long> known = memo.get(s);
        if (known != null) {
            return known;
        }
        if (++steps > MAX_STEPS) {
            incomplete = true;
            return Set.of(UNKNOWN_RET);
        }
        Set<Long> result = step(s);
        memo.put(s, result);
        return result;
    }

    private Set<Long> step(State s) {
        int pc = s.pc();
        reached.set(pc);
        Insn in = p.get(pc);
        int code = in.code();
        int k = in.k();
        switch (cls(code)) {
            case RET -> {
                long v = rval(code) == Bpf.A ? (s.a().kind() == Val.CONST ? s.a().k() & U32 : UNKNOWN_RET) : k & U32;
                allRets.add(v);
                boolean permissive = v == UNKNOWN_RET || !Ret.decode((int) v).denies();
                if (permissive) {
                    if (!s.arch().finite()) {
                        foreignAllowed.add(pc);
                    }
                    if (s.arch().finite() && s.arch().contains(Arch.X86_64.auditArch())) {
                        if (s.nr().intersects(X32_LO, X32_HI)) {
                            x32Allowed.add(pc);
                        }
                        // a number no table has (between x86_64's last and x32's first) allowed
                        if (s.nr().intersects(0x3FFFFF00L, 0x3FFFFFFFL)) {
                            defaultAllowX86 = true;
                        }
                    }
                }
                return Set.of(v);
            }
            case JMP -> {
                return jump(s, in);
            }
            default -> {
                return explore(s.next(pc + 1, effect(s, in)));
            }
        }
    }

    /** The registers after a non-jump instruction: A, X, mem as a new state (pc unchanged). */
    private State effect(State s, Insn in) {
        int code = in.code();
        int k = in.k();
        Val a = s.a();
        Val x = s.x();
        List<Val> mem = s.mem();
        switch (cls(code)) {
            case LD -> a = switch (mode(code)) {
                case ABS -> Val.word(k);
                case IMM -> Val.constant(k);
                case LEN -> Val.constant(SeccompData.SIZE);
                case MEM -> slot(mem, k);
                default -> Val.UNKNOWN;
            };
            case LDX -> x = switch (mode(code)) {
                case IMM -> Val.constant(k);
                case LEN -> Val.constant(SeccompData.SIZE);
                case MEM -> slot(mem, k);
                default -> Val.UNKNOWN;
            };
            case ST -> mem = store(mem, k, a);
            case STX -> mem = store(mem, k, x);
            case ALU -> a = alu(a, src(code) == Bpf.X ? x : Val.constant(k), op(code));
            case MISC -> {
                if (miscop(code) == TAX) {
                    x = a;
                } else {
                    a = x;
                }
            }
            default -> {
            }
        }
        return new State(s.pc(), s.arch(), s.nr(), a, x, mem);
    }

    private static Val slot(List<Val> mem, int k) {
        return k < mem.size() ? mem.get(k) : Val.UNKNOWN;
    }

    private static List<Val> store(List<Val> mem, int k, Val v) {
        List<Val> m = new ArrayList<>(mem);
        while (m.size() <= k) {
            m.add(Val.UNKNOWN);
        }
        m.set(k, v);
        return List.copyOf(m);
    }

    private static Val alu(Val a, Val operand, int op) {
        if (a.kind() == Val.CONST && operand.kind() == Val.CONST) {
            int x = a.k();
            int y = operand.k();
            Integer r = switch (op) {
                case ADD -> x + y;
                case SUB -> x - y;
                case MUL -> x * y;
                case DIV -> y == 0 ? 0 : Integer.divideUnsigned(x, y);
                case OR -> x | y;
                case AND -> x & y;
                case XOR -> x ^ y;
                case LSH -> y >= 32 || y < 0 ? 0 : x << y;
                case RSH -> y >= 32 || y < 0 ? 0 : x >>> y;
                case NEG -> -x;
                default -> null;
            };
            return r == null ? Val.UNKNOWN : Val.constant(r);
        }
        if (a.kind() == Val.WORD || a.kind() == Val.DERIVED) {
            return new Val(Val.DERIVED, a.k());
        }
        return Val.UNKNOWN;
    }

    private Set<Long> jump(State s, Insn in) {
        int pc = s.pc();
        int code = in.code();
        if (op(code) == JA) {
            return explore(s.next(pc + 1 + in.k(), s));
        }
        Val a = s.a();
        Val operand = src(code) == Bpf.X ? s.x() : Val.constant(in.k());
        State t = s.next(pc + 1 + in.jt(), s);
        State f = s.next(pc + 1 + in.jf(), s);
        if (a.kind() == Val.CONST && operand.kind() == Val.CONST) {
            return explore(test(op(code), a.k(), operand.k()) ? t : f);
        }
        boolean onNr = (a.kind() == Val.WORD || a.kind() == Val.DERIVED) && a.k() == SeccompData.OFFSET_NR;
        if (onNr && !s.arch().single()) {
            noArchCheck.add(pc);
        }
        if (operand.kind() == Val.CONST) {
            long k = operand.k() & U32;
            if (a.kind() == Val.WORD && a.k() == SeccompData.OFFSET_NR) {
                Ranges nr = s.nr();
                Ranges yes = switch (op(code)) {
                    case JEQ -> nr.intersect(k, k);
                    case JGT -> nr.intersect(k + 1, U32);
                    case JGE -> nr.intersect(k, U32);
                    default -> nr;
                };
                Ranges no = switch (op(code)) {
                    case JEQ -> nr.minus(k, k);
                    case JGT -> nr.intersect(0, k);
                    case JGE -> k == 0 ? Ranges.NONE : nr.intersect(0, k - 1);
                    default -> nr;
                };
                t = t.withNr(yes);
                f = f.withNr(no);
            } else if (a.kind() == Val.WORD && a.k() == SeccompData.OFFSET_ARCH && op(code) == JEQ) {
                t = t.withArch(s.arch().only((int) k));
                f = f.withArch(s.arch().except((int) k));
            }
        }
        Set<Long> rt = t.feasible() ? explore(t) : Set.of();
        Set<Long> rf = f.feasible() ? explore(f) : Set.of();
        if ((a.kind() == Val.WORD || a.kind() == Val.DERIVED) && a.k() >= 20 && (a.k() & 4) != 0) {
            checkHighWord(s, pc, (a.k() - 20) / 8, rt, rf);
        }
        Set<Long> r = new LinkedHashSet<>(rt);
        r.addAll(rf);
        return r;
    }

    /** A comparison of an argument's upper half: flag it when the argument is 32 bits wide and it decides a deny. */
    private void checkHighWord(State s, int pc, int arg, Set<Long> rt, Set<Long> rf) {
        if (!s.arch().single()) {
            return;
        }
        int audit = s.arch().values().iterator().next();
        Optional<Arch> abi = Arrays.stream(Arch.values())
                .filter(x -> x.isNativeCapable() && x.auditArch() == audit).findFirst();
        Optional<Long> nr = s.nr().single();
        if (abi.isEmpty() || nr.isEmpty() || nr.get() >= X32_LO) {
            return;
        }
        Optional<String> name = abi.get().syscalls().name((int) (long) nr.get());
        if (name.isEmpty() || ArgTypes.width(abi.get(), name.get(), arg) > 32) {
            return;
        }
        Set<Long> dt = denials(rt);
        Set<Long> df = denials(rf);
        boolean skipsDeny = (!df.containsAll(dt) && permits(rf)) || (!dt.containsAll(df) && permits(rt));
        Object[] seen = highWord.get(name.get() + "/" + arg);
        if (skipsDeny && (seen == null || (Integer) seen[0] > pc)) {
            highWord.put(name.get() + "/" + arg, new Object[] {pc, String.format("%s's argument %d is an int (%s) on %s, but its upper 32 bits decide"
                            + " between a deny and an allow here: the kernel ignores them, so a caller sets them"
                            + " to skip the deny (e.g. %s(0x1_0000_0000 | value)); compare only the low word"
                            + " (offset %d)", name.get(), arg, ArgTypes.of(name.get()).map(l -> l.get(arg)).orElse("int"),
                    abi.get().id(), name.get(), SeccompData.argLow(arg))});
        }
    }

    private static Set<Long> denials(Set<Long> rets) {
        Set<Long> d = new LinkedHashSet<>();
        for (long r : rets) {
            if (r != UNKNOWN_RET && Ret.decode((int) r).denies()) {
                d.add(r);
            }
        }
        return d;
    }

    private static boolean permits(Set<Long> rets) {
        return rets.stream().anyMatch(r -> r == UNKNOWN_RET || !Ret.decode((int) (long) r).denies());
    }

    private static boolean test(int op, int a, int k) {
        return switch (op) {
            case JEQ -> a == k;
            case JGT -> Integer.compareUnsigned(a, k) > 0;
            case JGE -> Integer.compareUnsigned(a, k) >= 0;
            default -> (a & k) != 0;
        };
    }

    // ---- abstract values ----------------------------------------------------------------------

    /** Where a register's value came from: unknown, a constant, a seccomp_data word, or a word changed by ALU. */
    record Val(int kind, int k) {
        static final int UNKNOWN_KIND = 0;
        static final int CONST = 1;
        static final int WORD = 2;
        static final int DERIVED = 3;
        static final Val UNKNOWN = new Val(UNKNOWN_KIND, 0);

        static Val constant(int k) {
            return new Val(CONST, k);
        }

        static Val word(int offset) {
            return new Val(WORD, offset);
        }
    }

    /** The architectures still possible: a finite set, or everything except a finite set. */
    record Arches(boolean finite, Set<Integer> values) {
        static final Arches ANY = new Arches(false, Set.of());

        boolean single() {
            return finite && values.size() == 1;
        }

        boolean contains(int a) {
            return finite == values.contains(a);
        }

        Arches only(int a) {
            return contains(a) ? new Arches(true, Set.of(a)) : new Arches(true, Set.of());
        }

        Arches except(int a) {
            Set<Integer> v = new TreeSet<>(values);
            if (finite) {
                v.remove(a);
            } else {
                v.add(a);
            }
            return new Arches(finite, Set.copyOf(v));
        }

        boolean empty() {
            return finite && values.isEmpty();
        }
    }

    /** A set of syscall numbers: sorted, disjoint [lo, hi] pairs over 0..2^32-1. */
    record Ranges(List<Long> bounds) {
        static final Ranges ALL = new Ranges(List.of(0L, U32));
        static final Ranges NONE = new Ranges(List.of());

        Ranges intersect(long lo, long hi) {
            List<Long> out = new ArrayList<>();
            for (int i = 0; i < bounds.size(); i += 2) {
                long a = Math.max(lo, bounds.get(i));
                long b = Math.min(hi, bounds.get(i + 1));
                if (a <= b) {
                    out.add(a);
                    out.add(b);
                }
            }
            return new Ranges(List.copyOf(out));
        }

        Ranges minus(long lo, long hi) {
            List<Long> out = new ArrayList<>();
            for (int i = 0; i < bounds.size(); i += 2) {
                long a = bounds.get(i);
                long b = bounds.get(i + 1);
                if (b < lo || a > hi) {
                    out.add(a);
                    out.add(b);
                    continue;
                }
                if (a < lo) {
                    out.add(a);
                    out.add(lo - 1);
                }
                if (b > hi) {
                    out.add(hi + 1);
                    out.add(b);
                }
            }
            return new Ranges(List.copyOf(out));
        }

        boolean intersects(long lo, long hi) {
            return !intersect(lo, hi).bounds.isEmpty();
        }

        Optional<Long> single() {
            return bounds.size() == 2 && bounds.get(0).equals(bounds.get(1)) ? Optional.of(bounds.get(0))
                    : Optional.empty();
        }
    }

    /** One point of a path: where it is and what is known there. */
    record State(int pc, Arches arch, Ranges nr, Val a, Val x, List<Val> mem) {
        State next(int to, State from) {
            return new State(to, from.arch, from.nr, from.a, from.x, from.mem);
        }

        State withNr(Ranges r) {
            return new State(pc, arch, r, a, x, mem);
        }

        State withArch(Arches r) {
            return new State(pc, r, nr, a, x, mem);
        }

        boolean feasible() {
            return !nr.bounds().isEmpty() && !arch.empty();
        }
    }
}
