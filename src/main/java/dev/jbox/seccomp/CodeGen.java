package dev.jbox.seccomp;

import static dev.jbox.seccomp.Bpf.*;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a BPF program back to front, in the manner of Chromium's bpf_dsl codegen: every
 * instruction is made after the instructions it leads to, so every jump points forward and
 * its distance is known when it is made. A node is an index in creation order; the final
 * program is the creation order reversed, so a jump made as node {@code j} to node
 * {@code t} has offset {@code j - t - 1}.
 *
 * <ul>
 * <li>Identical instructions with identical successors are made once and shared.</li>
 * <li>A conditional jump farther than 255 instructions goes through a {@code JA} (32-bit
 *     offset), or, when its target is a RET, to a copy of that RET (one instruction fewer
 *     at run time); later far jumps to the same place reuse that trampoline while it is
 *     within their reach.</li>
 * <li>A straight-line instruction whose successor is not the node made just before it gets
 *     a {@code JA} (or a copied RET) in between.</li>
 * <li>{@link #holding} answers "A already holds this word, where does this target's code
 *     continue?" from the successor recorded for each load, not from node numbering.</li>
 * </ul>
 *
 * <p>CodeGenTest checks each of these against the graph the calls describe.
 */
final class CodeGen {

    /** A node's content; equals and hashCode spelled out, see {@link Outcome}. */
    private record Key(int code, int k, int t, int f) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key x && x.code == code && x.k == k && x.t == t && x.f == f;
        }

        @Override
        public int hashCode() {
            return ((code * 31 + k) * 31 + t) * 31 + f;
        }
    }

    private final List<Insn> nodes = new ArrayList<>();
    /** For a straight-line node, the node it leads to (which a JA or a RET copy may stand between); else -1. */
    private final List<Integer> successors = new ArrayList<>();
    private final Map<Key, Integer> memo = new HashMap<>();

    int size() {
        return nodes.size();
    }

    Insn insn(int node) {
        return nodes.get(node);
    }

    /** {@code RET k}, shared with an earlier identical RET when one exists. */
    int ret(int k) {
        return memo.computeIfAbsent(new Key(RET | K, k, -1, -1), key -> add(Insn.stmt(RET | K, k)));
    }

    /** {@code A = } the seccomp_data word at {@code offset}, followed by {@code next}. */
    int load(int offset, int next) {
        return stmt(LD | W | ABS, offset, next);
    }

    /**
     * Where to go instead of {@code target} from a place where A already holds the
     * seccomp_data word at {@code offset}: past the target's own load of that word when it
     * starts with one, else the target itself. (A's value on arrival is the caller's
     * knowledge; the code made here only has to agree with it.)
     */
    int holding(int offset, int target) {
        Insn in = nodes.get(target);
        return in.code() == (LD | W | ABS) && in.k() == offset ? successors.get(target) : target;
    }

    /** A straight-line instruction (load, ALU) followed by {@code next}. */
    int stmt(int code, int k, int next) {
        Key key = new Key(code, k, next, -1);
        Integer known = memo.get(key);
        if (known != null) {
            return known;
        }
        if (next != nodes.size() - 1) {
            adjacent(next); // a RET copy or JA right before this node
        }
        int node = add(Insn.stmt(code, k));
        successors.set(node, next);
        memo.put(key, node);
        return node;
    }

    /** A conditional jump: {@code if (A op k) goto t else goto f}. */
    int jump(int code, int k, int t, int f) {
        if (t == f) {
            return t; // both ways lead to the same place: the test is useless
        }
        Key key = new Key(code, k, t, f);
        Integer known = memo.get(key);
        if (known != null) {
            return known;
        }
        int tt = t;
        int ff = f;
        // Bring far targets within 8-bit reach; each trampoline moves the other target one
        // further away, so check both until they fit.
        while (distance(tt) > 255 || distance(ff) > 255) {
            if (distance(tt) > 255) {
                tt = reach(tt);
            } else {
                ff = reach(ff);
            }
        }
        int node = add(Insn.jump(code, k, distance(tt), distance(ff)));
        memo.put(key, node);
        return node;
    }

    /**
     * The node that ends the construction becomes instruction 0. Instructions no path
     * reaches (a load that every jump into it skips, because A already holds that word)
     * are dropped; removing them only shortens jumps, so every offset still fits.
     */
    List<Insn> finish(int entry) {
        if (entry != nodes.size() - 1) {
            entry = jumpAlways(entry);
        }
        int n = nodes.size();
        List<Insn> linear = new ArrayList<>(n);
        for (int i = n - 1; i >= 0; i--) {
            linear.add(nodes.get(i));
        }
        boolean[] live = new boolean[n];
        live[0] = true;
        for (int pc = 0; pc < n; pc++) {
            if (!live[pc]) {
                continue;
            }
            Insn in = linear.get(pc);
            if (in.isReturn()) {
                continue;
            }
            if (in.code() == (JMP | JA)) {
                live[pc + 1 + in.k()] = true;
            } else if (in.isConditionalJump()) {
                live[pc + 1 + in.jt()] = true;
                live[pc + 1 + in.jf()] = true;
            } else {
                live[pc + 1] = true;
            }
        }
        int[] index = new int[n];
        int kept = 0;
        for (int pc = 0; pc < n; pc++) {
            index[pc] = live[pc] ? kept++ : -1;
        }
        List<Insn> out = new ArrayList<>(kept);
        for (int pc = 0; pc < n; pc++) {
            if (!live[pc]) {
                continue;
            }
            Insn in = linear.get(pc);
            int at = index[pc];
            if (in.code() == (JMP | JA)) {
                in = Insn.stmt(JMP | JA, index[pc + 1 + in.k()] - at - 1);
            } else if (in.isConditionalJump()) {
                in = Insn.jump(in.code(), in.k(), index[pc + 1 + in.jt()] - at - 1, index[pc + 1 + in.jf()] - at - 1);
            }
            out.add(in);
        }
        return out;
    }

    /** Distance of a jump made next (as node {@code size()}) to {@code target}. */
    private int distance(int target) {
        return nodes.size() - target - 1;
    }

    /**
     * A node within a conditional jump's reach that behaves like {@code target}: the
     * newest copy of the RET or JA to it when that one is near enough (so far jumps to one
     * place share a trampoline), else a new one.
     */
    private int reach(int target) {
        Integer near = memo.get(trampolineKey(target));
        if (near != null && distance(near) <= 255) {
            return near;
        }
        return adjacent(target);
    }

    /** A new node, made next, that behaves like {@code target}: a copy of a RET, else a JA to it. */
    private int adjacent(int target) {
        Insn in = nodes.get(target);
        int node = in.isReturn() ? add(in) : jumpAlways(target);
        memo.put(trampolineKey(target), node); // later jumps prefer the nearest copy
        return node;
    }

    private Key trampolineKey(int target) {
        Insn in = nodes.get(target);
        return in.isReturn() ? new Key(in.code(), in.k(), -1, -1) : new Key(JMP | JA, 0, target, -1);
    }

    private int jumpAlways(int target) {
        if (distance(target) == 0) {
            return target;
        }
        return add(Insn.stmt(JMP | JA, distance(target)));
    }

    private int add(Insn in) {
        nodes.add(in);
        successors.add(-1);
        return nodes.size() - 1;
    }
}
