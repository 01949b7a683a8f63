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
 *     offset), or, when its target is a RET, to a fresh copy of that RET (one instruction
 *     fewer at run time).</li>
 * <li>A straight-line instruction whose successor is not the node made just before it gets
 *     a {@code JA} (or a copied RET) in between.</li>
 * </ul>
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

    /** A straight-line instruction (load, ALU) followed by {@code next}. */
    int stmt(int code, int k, int next) {
        Key key = new Key(code, k, next, -1);
        Integer known = memo.get(key);
        if (known != null) {
            return known;
        }
        if (next != nodes.size() - 1) {
            reach(next); // leaves an adjacent RET copy or JA
        }
        int node = add(Insn.stmt(code, k));
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

    /** A node close by that behaves like {@code target}: a copy of a RET, else a JA. */
    private int reach(int target) {
        Insn in = nodes.get(target);
        if (in.isReturn()) {
            int copy = add(in);
            memo.put(new Key(RET | K, in.k(), -1, -1), copy); // later jumps prefer the nearest copy
            return copy;
        }
        return jumpAlways(target);
    }

    private int jumpAlways(int target) {
        if (distance(target) == 0) {
            return target;
        }
        return add(Insn.stmt(JMP | JA, distance(target)));
    }

    private int add(Insn in) {
        nodes.add(in);
        return nodes.size() - 1;
    }
}
