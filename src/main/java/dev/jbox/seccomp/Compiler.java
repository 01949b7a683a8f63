package dev.jbox.seccomp;

import static dev.jbox.seccomp.Bpf.*;

import dev.jbox.arch.Arch;
import dev.jbox.arch.ArgTypes;
import dev.jbox.policy.Action;
import dev.jbox.policy.ArchScope;
import dev.jbox.policy.Condition;
import dev.jbox.policy.Op;
import dev.jbox.policy.Policy;
import dev.jbox.policy.Rule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The one compiler: {@link Policy} x native {@link Arch} -> {@link Program}. Every BPF
 * program jbox emits comes from here.
 *
 * <p>Shape of the output:
 * <pre>
 *   A = arch
 *   if (A == native) goto NATIVE
 *   if (A == compat) goto COMPAT        (only when the policy lets the compat ABI run)
 *   return bad-arch action
 * NATIVE:
 *   A = nr
 *   balanced search over ranges of numbers with the same outcome; on x86_64 the
 *   x32 range [X32_SYSCALL_BIT, 0xfffffffe] is one of them; leaves are RETs or argument checks
 * COMPAT:
 *   the same, with the compat ABI's numbers and 32-bit arguments
 * </pre>
 * Argument words are loaded only inside the argument checks of the syscalls whose rules
 * have conditions, so every other syscall is decided from {@code nr} and {@code arch} and
 * the kernel's constant-action cache skips the filter for it.
 */
public final class Compiler {

    private static final long U32_MAX = 0xFFFFFFFFL;

    private final CodeGen gen = new CodeGen();
    private final Policy policy;

    private Compiler(Policy policy) {
        this.policy = policy;
    }

    /** Compiles the policy for a native architecture (x86_64, aarch64, riscv64). */
    public static Program compile(Policy policy, Arch nativeArch) throws CompileException {
        if (!nativeArch.isNativeCapable()) {
            throw new CompileException("'" + nativeArch.id() + "' is a compat ABI, not a native architecture;"
                    + " compile for " + nativeOf(nativeArch) + " instead");
        }
        List<Arch> arches = new ArrayList<>();
        arches.add(nativeArch);
        if (policy.scope() == ArchScope.NATIVE_COMPAT) {
            nativeArch.compat().ifPresent(arches::add);
        }
        List<Insn> insns = new Compiler(policy).build(arches);
        if (insns.size() > Bpf.MAXINSNS) {
            throw new CompileException("profile '" + policy.name() + "' compiles to " + insns.size()
                    + " instructions for " + nativeArch.id() + "; the kernel accepts at most " + Bpf.MAXINSNS);
        }
        try {
            return Program.of(insns, arches);
        } catch (InvalidProgramException e) {
            // A compiler bug, never a user error: fail closed and loudly.
            throw new IllegalStateException("compiler produced an invalid program: " + e.getMessage(), e);
        }
    }

    private static String nativeOf(Arch compat) {
        for (Arch a : Arch.values()) {
            if (a.compat().orElse(null) == compat) {
                return a.id();
            }
        }
        return "x86_64 or aarch64";
    }

    /** Names of the policy's rules that do not exist on this ABI (skipped there). */
    public static List<String> skippedNames(Policy policy, Arch abi) {
        List<String> out = new ArrayList<>();
        for (Rule r : policy.rules()) {
            if (abi.syscalls().number(r.syscall()).isEmpty() && !out.contains(r.syscall())) {
                out.add(r.syscall());
            }
        }
        return out;
    }

    private List<Insn> build(List<Arch> arches) {
        int bad = gen.ret(Ret.encode(policy.badArchAction()));
        // Blocks are made last-first so the native one ends up right after the arch checks.
        int next = bad;
        for (int i = arches.size() - 1; i >= 0; i--) {
            Arch abi = arches.get(i);
            int block = gen.load(SeccompData.OFFSET_NR, dispatch(abi, i == 0));
            next = gen.jump(JMP | JEQ | K, abi.auditArch(), block, next);
        }
        int entry = gen.load(SeccompData.OFFSET_ARCH, next);
        return gen.finish(entry);
    }

    // ---- numbers -> outcomes -------------------------------------------------------------

    /** The outcome of every syscall number of one ABI, as ranges over [0, 2^32). */
    List<Map.Entry<Long, Outcome>> ranges(Arch abi, boolean isNative) {
        Outcome deflt = new Outcome.Fixed(policy.defaultAction());
        TreeMap<Long, Outcome> paint = new TreeMap<>();
        paint.put(0L, deflt);
        var table = abi.syscalls();
        policy.futureAction().ifPresent(a ->
                paintRange(paint, (table.maxNumber() & U32_MAX) + 1, U32_MAX - 1, new Outcome.Fixed(a)));
        if (isNative && abi == Arch.X86_64) {
            paintRange(paint, Arch.X32_SYSCALL_BIT, U32_MAX - 1, new Outcome.Fixed(Policy.X32_ACTION));
        }
        // Numbers the table knows but the future range covers (arm's private calls at
        // 0x0f0000+) are known calls: they get the default unless a rule says otherwise.
        for (var s : table.all()) {
            long nr = s.nr() & U32_MAX;
            if (nr > (table.maxNumber() & U32_MAX)) {
                paintRange(paint, nr, nr, deflt);
            }
        }
        for (var e : outcomes(abi).entrySet()) {
            long nr = e.getKey() & U32_MAX;
            paintRange(paint, nr, nr, e.getValue());
        }
        // merge neighbours with equal outcomes
        List<Map.Entry<Long, Outcome>> out = new ArrayList<>();
        for (var e : paint.entrySet()) {
            if (out.isEmpty() || !out.getLast().getValue().equals(e.getValue())) {
                out.add(Map.entry(e.getKey(), e.getValue()));
            }
        }
        return out;
    }

    private static void paintRange(TreeMap<Long, Outcome> paint, long lo, long hi, Outcome o) {
        if (lo > hi) {
            return;
        }
        Outcome after = hi < U32_MAX ? paint.floorEntry(hi + 1).getValue() : null;
        paint.subMap(lo, true, hi, true).clear();
        paint.put(lo, o);
        if (after != null && !paint.containsKey(hi + 1)) {
            paint.put(hi + 1, after);
        }
    }

    /** Syscall number -> outcome for every syscall the policy's rules name on this ABI. */
    private Map<Integer, Outcome> outcomes(Arch abi) {
        Map<String, List<Rule>> byName = new LinkedHashMap<>();
        for (Rule r : policy.rules()) {
            byName.computeIfAbsent(r.syscall(), n -> new ArrayList<>()).add(r);
        }
        Map<Integer, Outcome> out = new LinkedHashMap<>();
        for (var e : byName.entrySet()) {
            var nr = abi.syscalls().number(e.getKey());
            if (nr.isPresent()) {
                out.put(nr.getAsInt(), outcome(abi, e.getKey(), e.getValue()));
            }
        }
        hideMultiplexers(abi, byName, out);
        return out;
    }

    /**
     * On an ABI with socketcall/ipc, a policy that filters any call they multiplex would be
     * bypassed through them: their arguments sit behind a pointer BPF cannot follow. Refuse
     * the multiplexer with ENOSYS (libc then uses the direct calls) unless a rule names it.
     */
    private void hideMultiplexers(Arch abi, Map<String, List<Rule>> byName, Map<Integer, Outcome> out) {
        for (var m : Policy.MULTIPLEXERS.entrySet()) {
            var nr = abi.syscalls().number(m.getKey());
            if (nr.isEmpty() || byName.containsKey(m.getKey())) {
                continue;
            }
            boolean filtered = m.getValue().stream().anyMatch(byName::containsKey);
            if (filtered) {
                out.put(nr.getAsInt(), new Outcome.Fixed(Policy.MULTIPLEXER_ACTION));
            }
        }
    }

    private Outcome outcome(Arch abi, String name, List<Rule> rules) {
        List<Outcome.CheckedRule> checked = new ArrayList<>();
        for (Rule r : rules) {
            if (r.unconditional()) {
                if (checked.isEmpty()) {
                    return new Outcome.Fixed(r.action());
                }
                // the rest can never be reached: this rule is the fallback
                return simplify(checked, r.action());
            }
            List<Condition> conds = new ArrayList<>();
            List<Integer> widths = new ArrayList<>();
            for (Condition c : r.conditions()) {
                int w = abi.is64Bit() ? ArgTypes.width(abi, name, c.arg()) : 32;
                conds.add(c.truncated(w));
                widths.add(w);
            }
            checked.add(new Outcome.CheckedRule(conds, widths, r.action()));
        }
        return simplify(checked, policy.defaultAction());
    }

    private static Outcome simplify(List<Outcome.CheckedRule> rules, Action fallback) {
        // Trailing rules with the fallback's own action change nothing.
        List<Outcome.CheckedRule> rs = new ArrayList<>(rules);
        while (!rs.isEmpty() && rs.getLast().action().equals(fallback)) {
            rs.removeLast();
        }
        return rs.isEmpty() ? new Outcome.Fixed(fallback) : new Outcome.Checked(rs, fallback);
    }

    // ---- code ----------------------------------------------------------------------------

    /** The code that follows {@code A = nr} for one ABI. */
    private int dispatch(Arch abi, boolean isNative) {
        List<Map.Entry<Long, Outcome>> rs = ranges(abi, isNative);
        Map<Outcome, Integer> leaves = new LinkedHashMap<>();
        return search(rs, 0, rs.size() - 1, leaves);
    }

    /**
     * Balanced binary search over the ranges {@code [lo..hi]} (A holds nr): ceil(log2 n)
     * comparisons reach any outcome. Built right half first, so the left (lower numbers,
     * where the common calls live) sits nearer the comparison.
     */
    private int search(List<Map.Entry<Long, Outcome>> rs, int lo, int hi, Map<Outcome, Integer> leaves) {
        if (lo == hi) {
            return leaves.computeIfAbsent(rs.get(lo).getValue(), this::leaf);
        }
        int mid = (lo + hi + 1) >>> 1;
        int right = search(rs, mid, hi, leaves);
        int left = search(rs, lo, mid - 1, leaves);
        return gen.jump(JMP | JGE | K, rs.get(mid).getKey().intValue(), right, left);
    }

    private int leaf(Outcome o) {
        return switch (o) {
            case Outcome.Fixed f -> gen.ret(Ret.encode(f.action()));
            case Outcome.Checked c -> checks(c);
        };
    }

    /** Rules tried in order; the first whose conditions all hold decides. A is clobbered. */
    private int checks(Outcome.Checked c) {
        int next = gen.ret(Ret.encode(c.fallback()));
        for (int i = c.rules().size() - 1; i >= 0; i--) {
            Outcome.CheckedRule r = c.rules().get(i);
            int node = gen.ret(Ret.encode(r.action()));
            for (int j = r.conditions().size() - 1; j >= 0; j--) {
                node = condition(r.conditions().get(j), r.widths().get(j), node, next);
            }
            next = node;
        }
        return next;
    }

    /** Code that goes to {@code ok} when the condition holds and to {@code fail} otherwise. */
    private int condition(Condition c, int width, int ok, int fail) {
        int lo = SeccompData.argLow(c.arg());
        int hi = SeccompData.argHigh(c.arg());
        long v = c.value();
        int vlo = (int) v;
        int vhi = (int) (v >>> 32);
        if (width < 64) {
            return word(c.op(), lo, vlo, (int) c.mask() & widthMask(width), widthMask(width), ok, fail);
        }
        return switch (c.op()) {
            case EQ -> word(Op.EQ, hi, vhi, -1, -1, word(Op.EQ, lo, vlo, -1, -1, ok, fail), fail);
            case NE -> word(Op.EQ, hi, vhi, -1, -1, word(Op.EQ, lo, vlo, -1, -1, fail, ok), ok);
            case GT, GE -> {
                // hi > vhi: true; hi == vhi: decided by lo; else false
                int low = word(c.op(), lo, vlo, -1, -1, ok, fail);
                int hiEq = gen.jump(JMP | JEQ | K, vhi, low, gen.holding(hi, fail));
                yield gen.load(hi, gen.jump(JMP | JGT | K, vhi, gen.holding(hi, ok), hiEq));
            }
            case LT, LE -> {
                // LT is the negation of GE, LE of GT
                Op neg = c.op() == Op.LT ? Op.GE : Op.GT;
                int low = word(neg, lo, vlo, -1, -1, fail, ok);
                int hiEq = gen.jump(JMP | JEQ | K, vhi, low, gen.holding(hi, ok));
                yield gen.load(hi, gen.jump(JMP | JGT | K, vhi, gen.holding(hi, fail), hiEq));
            }
            case MASKED_EQ -> {
                int mlo = (int) c.mask();
                int mhi = (int) (c.mask() >>> 32);
                int low = mlo == 0 ? ok : word(Op.MASKED_EQ, lo, vlo, mlo, -1, ok, fail);
                yield mhi == 0 ? low : word(Op.MASKED_EQ, hi, vhi, mhi, -1, low, fail);
            }
        };
    }

    private static int widthMask(int width) {
        return width >= 32 ? -1 : (1 << width) - 1;
    }

    /**
     * One 32-bit comparison: load the word at {@code offset}, keep the bits of
     * {@code widthMask} (and of {@code mask} for MASKED_EQ), compare with {@code k}.
     * An equality under a mask becomes one {@code JSET} when the value is 0 or the mask is
     * the one bit the value sets (Chromium's bpf_dsl does the same): no AND, and A keeps
     * the word.
     */
    private int word(Op op, int offset, int k, int mask, int widthMask, int ok, int fail) {
        int m = op == Op.MASKED_EQ ? mask : widthMask;
        if (m != -1 && (op == Op.EQ || op == Op.NE || op == Op.MASKED_EQ)) {
            int equal = op == Op.NE ? fail : ok;
            int differ = op == Op.NE ? ok : fail;
            if ((k & ~m) != 0) {
                return differ; // bits outside the mask never match: no test needed
            }
            if (k == 0) {
                return gen.load(offset, gen.jump(JMP | JSET | K, m, gen.holding(offset, differ),
                        gen.holding(offset, equal)));
            }
            if (k == m && Integer.bitCount(m) == 1) {
                return gen.load(offset, gen.jump(JMP | JSET | K, m, gen.holding(offset, equal),
                        gen.holding(offset, differ)));
            }
        }
        if (m == -1) {
            // A keeps the loaded word on both ways out: a next test of the same word
            // needs no load of its own.
            ok = gen.holding(offset, ok);
            fail = gen.holding(offset, fail);
        }
        int test = switch (op) {
            case EQ, MASKED_EQ -> gen.jump(JMP | JEQ | K, k, ok, fail);
            case NE -> gen.jump(JMP | JEQ | K, k, fail, ok);
            case GT -> gen.jump(JMP | JGT | K, k, ok, fail);
            case GE -> gen.jump(JMP | JGE | K, k, ok, fail);
            case LT -> gen.jump(JMP | JGE | K, k, fail, ok);
            case LE -> gen.jump(JMP | JGT | K, k, fail, ok);
        };
        if (m != -1) {
            test = gen.stmt(ALU | AND | K, m, test);
        }
        return gen.load(offset, test);
    }
}
