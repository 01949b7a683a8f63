package dev.jbox.seccomp;

import dev.jbox.arch.Arch;
import dev.jbox.arch.ArgTypes;
import dev.jbox.policy.Action;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Static analysis of a third-party seccomp program (no policy needed): what makes it unsafe
 * to rely on. docs/AUDIT.md describes each {@link Code} with an example and the fix.
 *
 * <p>The analysis is a dataflow over the {@link Interpreter} in pc order: cBPF jumps only
 * forward, so when the walk reaches an instruction every path into it has been seen. The
 * state ({@link AbstractState.State}) says which architectures and syscall numbers are still
 * possible and where the registers' values came from. States that meet at an instruction
 * are joined, except that states with different sets of architectures are kept apart (a
 * number means a different call on each ABI, and the findings are about that pairing);
 * past {@link #MAX_PARTITIONS} sets at one instruction they are joined too. A second,
 * backward pass collects the return values each state can still reach.
 */
public final class Auditor {

    public enum Severity {
        ERROR, WARNING, INFO;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What a finding is about; {@link #id()} is the name docs/AUDIT.md and the CLI use. */
    public enum Code {
        /** The kernel would refuse to load the program; nothing else is checked. */
        REJECTED(Severity.ERROR),
        /** The syscall number is compared where seccomp_data.arch is not pinned to one architecture. */
        NO_ARCH_CHECK(Severity.ERROR),
        /** Calls of an architecture the program never checks for reach ALLOW, while it denies something. */
        FOREIGN_ARCH_ALLOWED(Severity.ERROR),
        /** x32 numbers reach ALLOW on the x86_64 path of a filter that allows unknown numbers. */
        X32(Severity.ERROR),
        /** The upper half of an argument whose C type is 32 bits wide decides between a deny and an allow. */
        INT_ARG_HIGH_WORD(Severity.ERROR),
        /** No path ends in anything but ALLOW or LOG. */
        NEVER_DENIES(Severity.WARNING),
        /** Instructions no feasible path reaches. */
        UNREACHABLE(Severity.INFO),
        /** So many architecture sets meet at an instruction that their paths were joined: findings may be imprecise. */
        INCOMPLETE(Severity.INFO);

        private final Severity severity;

        Code(Severity severity) {
            this.severity = severity;
        }

        public Severity severity() {
            return severity;
        }

        public String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** One finding: what, the instruction it is about (-1: the whole program), and the explanation. */
    public record Finding(Code code, int pc, String message) {
        public Severity severity() {
            return code.severity();
        }

        @Override
        public String toString() {
            return severity().id() + (pc >= 0 ? " at " + pc : "") + " [" + code.id() + "]: " + message;
        }
    }

    /** Sets of architectures kept apart at one instruction before they are joined. */
    static final int MAX_PARTITIONS = 64;
    /** Syscall numbers a state may still hold for its argument compares to be looked at one by one. */
    private static final int MAX_NAMED_NUMBERS = 64;
    private static final long X32_LO = Arch.X32_SYSCALL_BIT;
    private static final long X32_HI = 0xFFFFFFFEL;
    private static final String X32_HEX = "0x" + Integer.toHexString(Arch.X32_SYSCALL_BIT);
    private static final long UNKNOWN_RET = -1L;

    /** The states that reach one instruction with one set of architectures. */
    private static final class Node {
        AbstractState.State state;
        final List<Node> next = new ArrayList<>();
        /** Return values: the node's own during the forward pass, every reachable one after the backward pass. */
        final Set<Long> rets = new LinkedHashSet<>();

        Node(AbstractState.State state) {
            this.state = state;
        }
    }

    /** A comparison of an argument's upper word, to be judged once the return values are known. */
    private record HighWordCompare(int pc, AbstractState.State state, int arg, Optional<Node> taken, Optional<Node> notTaken) {
    }

    /** An argument of a syscall. */
    private record ArgRef(String syscall, int arg) {
    }

    private final Program p;
    private final List<Map<AbstractState.Arches, Node>> at = new ArrayList<>();
    private final List<HighWordCompare> highWordCompares = new ArrayList<>();
    private final TreeSet<Integer> noArchCheck = new TreeSet<>();
    private final TreeSet<Integer> foreignAllowed = new TreeSet<>();
    private final TreeSet<Integer> x32Allowed = new TreeSet<>();
    private boolean defaultAllowX86 = false;
    private int joinedAt = -1;

    private Auditor(Program p) {
        this.p = p;
        for (int pc = 0; pc < p.length(); pc++) {
            at.add(new LinkedHashMap<>());
        }
    }

    /** The findings for a program, most severe first, then by instruction. */
    public static List<Finding> audit(Program p) {
        return new Auditor(p).run();
    }

    /** The one finding for instructions the kernel would refuse. */
    public static Finding rejected(InvalidProgramException e) {
        return new Finding(Code.REJECTED, e.pc(), "the kernel would refuse this program: " + e.getMessage());
    }

    /** True when a finding of severity warning or higher is in the list. */
    public static boolean unsafe(List<Finding> findings) {
        return findings.stream().anyMatch(f -> f.severity() != Severity.INFO);
    }

    private List<Finding> run() {
        at.getFirst().put(AbstractState.State.START.arch(), new Node(AbstractState.State.START));
        for (int pc = 0; pc < p.length(); pc++) {
            for (Node node : at.get(pc).values()) {
                visit(pc, node);
            }
        }
        for (int pc = p.length() - 1; pc >= 0; pc--) {
            for (Node node : at.get(pc).values()) {
                node.next.forEach(n -> node.rets.addAll(n.rets));
            }
        }
        Map<ArgRef, Finding> highWord = new LinkedHashMap<>();
        highWordCompares.forEach(c -> judgeHighWord(c, highWord));
        Set<Long> allRets = new LinkedHashSet<>(at.getFirst().values().iterator().next().rets);
        return findings(allRets.stream().anyMatch(r -> r == UNKNOWN_RET || Ret.decode((int) (long) r).denies()),
                highWord);
    }

    private void visit(int pc, Node node) {
        AbstractState.State s = node.state;
        switch (AbstractState.flow(p, pc, s)) {
            case AbstractState.Ends e -> {
                long v = e.value() instanceof AbstractState.Const c ? c.k() & AbstractState.U32 : UNKNOWN_RET;
                node.rets.add(v);
                atReturn(pc, s, v);
            }
            case AbstractState.Next x -> {
                node.next.add(into(x.edge()));
                if (x.mayReturnZero()) {
                    node.rets.add(0L); // a zero divisor ends the program with 0: KILL_THREAD, a deny
                }
            }
            case AbstractState.Branches b -> {
                Optional<Node> t = b.taken().map(this::into);
                Optional<Node> f = b.notTaken().map(this::into);
                t.ifPresent(node.next::add);
                f.ifPresent(node.next::add);
                int source = b.fork().a().source();
                if (source == SeccompData.OFFSET_NR && !s.arch().single()) {
                    noArchCheck.add(pc);
                }
                if (source >= SeccompData.argHigh(0) && (source & 4) != 0) {
                    highWordCompares.add(new HighWordCompare(pc, s, (source - SeccompData.argHigh(0)) / 8, t, f));
                }
            }
        }
    }

    /** The node of the edge's target for the edge's architectures, made or joined into. */
    private Node into(AbstractState.Edge e) {
        Map<AbstractState.Arches, Node> nodes = at.get(e.pc());
        Node node = nodes.get(e.state().arch());
        if (node == null && nodes.size() >= MAX_PARTITIONS) {
            node = nodes.values().iterator().next();
            joinedAt = joinedAt < 0 ? e.pc() : Math.min(joinedAt, e.pc());
        }
        if (node == null) {
            node = new Node(e.state());
            nodes.put(e.state().arch(), node);
        } else {
            node.state = node.state.join(e.state());
        }
        return node;
    }

    private void atReturn(int pc, AbstractState.State s, long v) {
        boolean permissive = v == UNKNOWN_RET || !Ret.decode((int) v).denies();
        if (!permissive) {
            return;
        }
        if (!s.arch().finite()) {
            foreignAllowed.add(pc);
        } else if (s.arch().contains(Arch.X86_64.auditArch())) {
            if (s.nr().intersects(X32_LO, X32_HI)) {
                x32Allowed.add(pc);
            }
            // a number no table has (between x86_64's last and x32's first) is allowed
            if (s.nr().intersects(X32_LO - 0x100, X32_LO - 1)) {
                defaultAllowX86 = true;
            }
        }
    }

    /**
     * A compare of an argument's upper word: a finding when, for a syscall the state can be,
     * the argument is 32 bits wide and the two ways out differ in a deny one of them can
     * reach while the other can reach an allow.
     */
    private void judgeHighWord(HighWordCompare c, Map<ArgRef, Finding> out) {
        AbstractState.State s = c.state();
        if (!s.arch().single()) {
            return;
        }
        int audit = s.arch().values().iterator().next();
        Optional<Arch> abi = Arrays.stream(Arch.values())
                .filter(a -> a.isNativeCapable() && a.auditArch() == audit).findFirst();
        Optional<List<Long>> numbers = s.nr().values(MAX_NAMED_NUMBERS);
        if (abi.isEmpty() || numbers.isEmpty()) {
            return;
        }
        Set<Long> rt = c.taken().map(n -> n.rets).orElse(Set.of());
        Set<Long> rf = c.notTaken().map(n -> n.rets).orElse(Set.of());
        Set<Long> dt = denials(rt);
        Set<Long> df = denials(rf);
        boolean skipsDeny = (!df.containsAll(dt) && permits(rf)) || (!dt.containsAll(df) && permits(rt));
        if (!skipsDeny) {
            return;
        }
        int arg = c.arg();
        for (long nr : numbers.get()) {
            Optional<String> name = nr >= X32_LO ? Optional.empty() : abi.get().syscalls().name((int) nr);
            if (name.isEmpty() || ArgTypes.width(abi.get(), name.get(), arg) > 32) {
                continue;
            }
            String type = ArgTypes.of(name.get()).map(l -> l.get(arg)).orElse("int");
            out.putIfAbsent(new ArgRef(name.get(), arg), new Finding(Code.INT_ARG_HIGH_WORD, c.pc(), String.format(
                    "%s's argument %d is an int (%s) on %s, but its upper 32 bits decide between a deny and an"
                            + " allow here: the kernel ignores them, so a caller sets them to skip the deny (e.g."
                            + " %s(0x1_0000_0000 | value)); compare only the low word (offset %d)",
                    name.get(), arg, type, abi.get().id(), name.get(), SeccompData.argLow(arg))));
        }
    }

    private List<Finding> findings(boolean denies, Map<ArgRef, Finding> highWord) {
        List<Finding> out = new ArrayList<>();
        if (!noArchCheck.isEmpty()) {
            out.add(new Finding(Code.NO_ARCH_CHECK, noArchCheck.first(),
                    "the syscall number is compared before seccomp_data.arch is checked"
                            + (noArchCheck.size() > 1 ? " (" + noArchCheck.size() + " such comparisons)" : "")
                            + ": the same number means different calls on each ABI; load arch (offset 4) and"
                            + " compare it with the one AUDIT_ARCH_* the rules are written for first"));
        }
        if (!foreignAllowed.isEmpty() && denies) {
            out.add(new Finding(Code.FOREIGN_ARCH_ALLOWED, foreignAllowed.first(),
                    "calls of architectures the program does not check for reach ALLOW here, so they skip every"
                            + " rule (e.g. i386 calls via int 0x80 on x86_64); return KILL_PROCESS for any arch not"
                            + " filtered"));
        }
        if (!x32Allowed.isEmpty() && defaultAllowX86) {
            List<String> bypass = x32Bypasses();
            String bit = String.format("0x%x", Arch.X32_SYSCALL_BIT);
            out.add(new Finding(Code.X32, x32Allowed.first(),
                    "on the x86_64 path, x32 syscall numbers (nr >= " + bit + ") reach ALLOW"
                            + (bypass.isEmpty() ? "" : ": " + String.join(", ", bypass.subList(0, Math.min(6,
                            bypass.size()))) + (bypass.size() > 6 ? " and " + (bypass.size() - 6) + " more" : "")
                            + " are denied by x86_64 number but allowed by x32 number")
                            + "; refuse nr >= " + bit + " (except 0xffffffff) right after the arch check"));
        }
        highWord.values().stream().sorted(Comparator.comparingInt(Finding::pc)).forEach(out::add);
        if (!denies) {
            out.add(new Finding(Code.NEVER_DENIES, -1,
                    "no path ends in anything but ALLOW or LOG: the filter has no effect"));
        }
        unreachable().ifPresent(out::add);
        if (joinedAt >= 0) {
            out.add(new Finding(Code.INCOMPLETE, joinedAt, "more than " + MAX_PARTITIONS + " sets of architectures"
                    + " reach this instruction: their paths were joined, so the findings above may be imprecise"));
        }
        return out;
    }

    private Optional<Finding> unreachable() {
        List<String> dead = new ArrayList<>();
        int firstPc = -1;
        int first = -1;
        for (int pc = 0; pc <= p.length(); pc++) {
            boolean unreached = pc < p.length() && at.get(pc).isEmpty();
            if (unreached && first < 0) {
                first = pc;
                firstPc = firstPc < 0 ? pc : firstPc;
            } else if (!unreached && first >= 0) {
                dead.add(first == pc - 1 ? Integer.toString(first) : first + "-" + (pc - 1));
                first = -1;
            }
        }
        if (dead.isEmpty()) {
            return Optional.empty();
        }
        boolean one = dead.size() == 1 && !dead.getFirst().contains("-");
        return Optional.of(new Finding(Code.UNREACHABLE, firstPc,
                "no path reaches instruction" + (one ? " " : "s ") + String.join(", ", dead)));
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
}
