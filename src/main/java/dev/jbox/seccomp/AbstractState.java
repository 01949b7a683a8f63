package dev.jbox.seccomp;

import static dev.jbox.seccomp.Bpf.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What can be known about a program without running it on one input: the {@link Interpreter}
 * over abstract values, plus the facts a path's jumps establish about {@code seccomp_data.arch}
 * and {@code nr}. The {@link Auditor} and the {@link Disassembler} walk programs with it in
 * pc order (cBPF jumps only forward, so every predecessor of an instruction comes before it)
 * and join the states that meet at an instruction.
 */
final class AbstractState {
    private AbstractState() {
    }

    static final long U32 = 0xFFFFFFFFL;

    /** What is known of a register: a constant, a seccomp_data word, a value computed from one, or nothing. */
    sealed interface Val {
        /** The seccomp_data offset the value comes from, or -1. */
        default int source() {
            return -1;
        }
    }

    record Const(int k) implements Val {
    }

    /** Exactly the word at {@code offset}. */
    record Word(int offset) implements Val {
        @Override
        public int source() {
            return offset;
        }
    }

    /** Computed (masked, shifted, ...) from the word at {@code offset}. */
    record Derived(int offset) implements Val {
        @Override
        public int source() {
            return offset;
        }
    }

    record Unknown() implements Val {
        static final Unknown VALUE = new Unknown();
    }

    static final Interpreter.Domain<Val> DOMAIN = new Interpreter.Domain<>() {
        @Override
        public Val constant(int k) {
            return new Const(k);
        }

        @Override
        public Val load(int offset) {
            return new Word(offset);
        }

        @Override
        public Val alu(int op, Val a, Val operand) {
            if (a instanceof Const x && (op == NEG || operand instanceof Const)) {
                int y = operand instanceof Const c ? c.k() : 0;
                if (op == DIV && y == 0) {
                    return Unknown.VALUE; // the step reports the division by zero
                }
                return new Const(Interpreter.alu(op, x.k(), y));
            }
            return a.source() >= 0 ? new Derived(a.source()) : Unknown.VALUE;
        }

        @Override
        public Interpreter.Truth test(int op, Val a, Val operand) {
            if (a instanceof Const x && operand instanceof Const y) {
                return Interpreter.Truth.of(Interpreter.test(op, x.k(), y.k()));
            }
            return Interpreter.Truth.UNKNOWN;
        }

        @Override
        public Interpreter.Truth isZero(Val v) {
            return v instanceof Const c ? Interpreter.Truth.of(c.k() == 0) : Interpreter.Truth.UNKNOWN;
        }
    };

    static Val join(Val a, Val b) {
        if (a.equals(b)) {
            return a;
        }
        return a.source() >= 0 && a.source() == b.source() ? new Derived(a.source()) : Unknown.VALUE;
    }

    /** The architectures still possible: a finite set, or everything except a finite set. */
    record Arches(boolean finite, Set<Integer> values) {
        static final Arches ANY = new Arches(false, Set.of());

        Arches {
            values = Set.copyOf(values);
        }

        boolean single() {
            return finite && values.size() == 1;
        }

        boolean contains(int a) {
            return finite == values.contains(a);
        }

        boolean empty() {
            return finite && values.isEmpty();
        }

        Arches only(int a) {
            return new Arches(true, contains(a) ? Set.of(a) : Set.of());
        }

        Arches except(int a) {
            Set<Integer> v = new TreeSet<>(values);
            if (finite) {
                v.remove(a);
            } else {
                v.add(a);
            }
            return new Arches(finite, v);
        }

        Arches union(Arches o) {
            Set<Integer> v = new TreeSet<>();
            if (finite && o.finite) {
                v.addAll(values);
                v.addAll(o.values);
                return new Arches(true, v);
            }
            if (!finite && !o.finite) {
                v.addAll(values);
                v.retainAll(o.values);
                return new Arches(false, v);
            }
            Arches co = finite ? o : this;
            Arches fin = finite ? this : o;
            v.addAll(co.values);
            v.removeAll(fin.values);
            return new Arches(false, v);
        }
    }

    /** A set of syscall numbers: sorted, disjoint, non-adjacent [lo, hi] pairs over 0..2^32-1. */
    record Ranges(List<Long> bounds) {
        static final Ranges ALL = new Ranges(List.of(0L, U32));
        static final Ranges NONE = new Ranges(List.of());

        Ranges {
            bounds = List.copyOf(bounds);
        }

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
            return new Ranges(out);
        }

        Ranges minus(long lo, long hi) {
            List<Long> out = new ArrayList<>();
            for (int i = 0; i < bounds.size(); i += 2) {
                long a = bounds.get(i);
                long b = bounds.get(i + 1);
                if (a < lo) {
                    out.add(a);
                    out.add(Math.min(b, lo - 1));
                }
                if (b > hi) {
                    out.add(Math.max(a, hi + 1));
                    out.add(b);
                }
            }
            return new Ranges(out);
        }

        Ranges union(Ranges o) {
            List<long[]> all = new ArrayList<>();
            for (Ranges r : List.of(this, o)) {
                for (int i = 0; i < r.bounds.size(); i += 2) {
                    all.add(new long[] {r.bounds.get(i), r.bounds.get(i + 1)});
                }
            }
            all.sort((x, y) -> Long.compare(x[0], y[0]));
            List<Long> out = new ArrayList<>();
            for (long[] r : all) {
                if (!out.isEmpty() && r[0] <= out.getLast() + 1) {
                    out.set(out.size() - 1, Math.max(out.getLast(), r[1]));
                } else {
                    out.add(r[0]);
                    out.add(r[1]);
                }
            }
            return new Ranges(out);
        }

        boolean empty() {
            return bounds.isEmpty();
        }

        boolean intersects(long lo, long hi) {
            return !intersect(lo, hi).empty();
        }

        /** How many numbers the set holds. */
        long count() {
            long n = 0;
            for (int i = 0; i < bounds.size(); i += 2) {
                n += bounds.get(i + 1) - bounds.get(i) + 1;
            }
            return n;
        }

        /** The numbers, when there are at most {@code max}. */
        Optional<List<Long>> values(int max) {
            if (count() > max) {
                return Optional.empty();
            }
            List<Long> out = new ArrayList<>();
            for (int i = 0; i < bounds.size(); i += 2) {
                for (long v = bounds.get(i); v <= bounds.get(i + 1); v++) {
                    out.add(v);
                }
            }
            return Optional.of(out);
        }
    }

    /** What is known at an instruction: the registers, and the architectures and numbers still possible. */
    record State(Interpreter.Regs<Val> regs, Arches arch, Ranges nr) {
        static final State START = new State(Interpreter.Regs.initial(new Const(0)), Arches.ANY, Ranges.ALL);

        State join(State o) {
            List<Val> mem = new ArrayList<>();
            for (int i = 0; i < MEMWORDS; i++) {
                mem.add(AbstractState.join(regs.mem().get(i), o.regs.mem().get(i)));
            }
            return new State(new Interpreter.Regs<>(AbstractState.join(regs.a(), o.regs.a()),
                    AbstractState.join(regs.x(), o.regs.x()), mem), arch.union(o.arch), nr.union(o.nr));
        }

        boolean feasible() {
            return !nr.empty() && !arch.empty();
        }
    }

    /** One way out of an instruction, with the state there. */
    record Edge(int pc, State state) {
    }

    /** Where an instruction leads from a state. */
    sealed interface Flow {
    }

    /** The program ends with this value. */
    record Ends(Val value) implements Flow {
    }

    /** On to one place; {@code mayReturnZero}: or the program ends with 0 (a division by a zero X). */
    record Next(Edge edge, boolean mayReturnZero) implements Flow {
    }

    /** A conditional jump either way could take; a way no input can take is empty. */
    record Branches(Interpreter.Fork<Val> fork, Optional<Edge> taken, Optional<Edge> notTaken) implements Flow {
    }

    /**
     * The {@link Interpreter}'s step, with the facts a comparison of {@code nr} or
     * {@code arch} with a constant establishes on each way out.
     */
    static Flow flow(Program p, int pc, State s) {
        return switch (Interpreter.step(p, pc, s.regs(), DOMAIN)) {
            case Interpreter.Return<Val> r -> new Ends(r.value());
            case Interpreter.Goto<Val> g -> new Next(new Edge(g.pc(), new State(g.regs(), s.arch(), s.nr())),
                    g.mayReturnZero());
            case Interpreter.Fork<Val> f -> {
                State t = new State(f.regs(), s.arch(), s.nr());
                State e = t;
                if (f.operand() instanceof Const c && f.a() instanceof Word w) {
                    long k = c.k() & U32;
                    if (w.offset() == SeccompData.OFFSET_NR) {
                        Ranges nr = s.nr();
                        switch (f.op()) {
                            case JEQ -> {
                                t = new State(f.regs(), s.arch(), nr.intersect(k, k));
                                e = new State(f.regs(), s.arch(), nr.minus(k, k));
                            }
                            case JGT -> {
                                t = new State(f.regs(), s.arch(), nr.intersect(k + 1, U32));
                                e = new State(f.regs(), s.arch(), nr.intersect(0, k));
                            }
                            case JGE -> {
                                t = new State(f.regs(), s.arch(), nr.intersect(k, U32));
                                e = new State(f.regs(), s.arch(), k == 0 ? Ranges.NONE : nr.intersect(0, k - 1));
                            }
                            default -> {
                            }
                        }
                    } else if (w.offset() == SeccompData.OFFSET_ARCH && f.op() == JEQ) {
                        t = new State(f.regs(), s.arch().only(c.k()), s.nr());
                        e = new State(f.regs(), s.arch().except(c.k()), s.nr());
                    }
                }
                yield new Branches(f, Optional.of(new Edge(f.taken(), t)).filter(x -> x.state().feasible()),
                        Optional.of(new Edge(f.notTaken(), e)).filter(x -> x.state().feasible()));
            }
        };
    }
}
