package dev.jbox.proof;

import static dev.jbox.seccomp.Bpf.*;

import dev.jbox.seccomp.Interpreter;
import dev.jbox.seccomp.Program;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A verified program as one SMT term: what the kernel does with the value it returns (the
 * canonical value of {@link KernelActions}), over the 16 input {@link Words}. Classic BPF for seccomp has only forward jumps, so a program is a DAG and
 * its result a nested {@code ite}: the program is run by the one {@link Interpreter} (the
 * same steps as the emulator) over symbolic values, every conditional jump on an input
 * becomes an {@code ite}, and every state (pc, registers) is encoded once and shared.
 *
 * <p>The kernel's semantics where C leaves it open, encoded as the kernel runs a classic
 * program (it translates it to eBPF and runs that):
 * <ul>
 *   <li>division by X = 0 ends the program with 0: net/core/filter.c, bpf_convert_filter(),
 *       "case BPF_ALU | BPF_DIV | BPF_X: ... if (X == 0) return 0";
 *   <li>a shift by X uses the low five bits of X: kernel/bpf/core.c, ___bpf_prog_run(),
 *       the SHT() macro, {@code DST = (u32) DST << ((u32) SRC & 31)} (the x86-64 and arm64
 *       JITs do the same in hardware); SMT's {@code bvshl} by 32 or more gives 0, hence the mask;
 *   <li>loads only of aligned words below 64, no {@code BPF_MOD}: the verifier refuses the rest
 *       (seccomp_check_filter()), and a {@link Program} is verified.
 * </ul>
 */
final class ProgramFormula {

    /** More states than this: not a program a profile compiles to; refused rather than left to run out of memory. */
    static final int MAX_STATES = 500_000;

    /**
     * The encoded program.
     *
     * @param definitions declarations with their defining equations, each using only inputs and earlier ones
     * @param result      the term of the returned value (a name or a literal)
     */
    record Encoded(List<String> definitions, String result) {
    }

    private record State(int pc, Interpreter.Regs<String> regs) {
    }

    private final Program program;
    private final String prefix;
    private final List<String> defs = new ArrayList<>();
    /** Expression -> the name it is defined as: equal expressions are one definition. */
    private final Map<String, String> interned = new HashMap<>();
    private final Map<State, String> results = new HashMap<>();
    private final Interpreter.Domain<String> domain = new Symbolic();

    private ProgramFormula(Program program, String prefix) {
        this.program = program;
        this.prefix = prefix;
    }

    /** The program's result; definitions are named {@code prefix} + a number. */
    static Encoded of(Program p, String prefix) throws ProofException {
        ProgramFormula f = new ProgramFormula(p, prefix);
        String r = f.result(new State(0, Interpreter.Regs.initial(Words.bv32(0))));
        return new Encoded(List.copyOf(f.defs), r);
    }

    /** Post-order over the states reachable from {@code start}, without recursion (paths are up to 4096 long). */
    private String result(State start) throws ProofException {
        ArrayDeque<State> stack = new ArrayDeque<>();
        Map<State, Interpreter.Step<String>> steps = new HashMap<>();
        stack.push(start);
        while (!stack.isEmpty()) {
            State s = stack.peek();
            if (results.containsKey(s)) {
                stack.pop();
                continue;
            }
            Interpreter.Step<String> step = steps.computeIfAbsent(s, k -> Interpreter.step(program, k.pc(), k.regs(), domain));
            List<State> next = successors(step);
            boolean ready = true;
            for (State n : next) {
                if (!results.containsKey(n)) {
                    stack.push(n);
                    ready = false;
                }
            }
            if (ready) {
                stack.pop();
                results.put(s, term(s, step));
                steps.remove(s);
                if (results.size() > MAX_STATES) {
                    throw new ProofException("the program has more than " + MAX_STATES
                            + " distinct states (pc and registers): too large to encode");
                }
            }
        }
        return results.get(start);
    }

    private static List<State> successors(Interpreter.Step<String> step) {
        return switch (step) {
            case Interpreter.Goto<String> g -> List.of(new State(g.pc(), g.regs()));
            case Interpreter.Fork<String> f -> List.of(new State(f.taken(), f.regs()), new State(f.notTaken(), f.regs()));
            case Interpreter.Return<String> r -> List.of();
        };
    }

    private String term(State s, Interpreter.Step<String> step) {
        return switch (step) {
            // the canonical value of what the kernel does with it (see KernelActions)
            case Interpreter.Return<String> r -> literal(r.value()) ? Words.bv32(KernelActions.of(value(r.value())))
                    : define("(kernel_action " + r.value() + ")");
            case Interpreter.Goto<String> g -> {
                String next = results.get(new State(g.pc(), g.regs()));
                // a division by an X that may be 0: the kernel returns 0 then
                yield g.mayReturnZero()
                        ? define("(ite (= " + s.regs().x() + " " + Words.bv32(0) + ") " + Words.bv32(0) + " " + next + ")")
                        : next;
            }
            case Interpreter.Fork<String> f -> define("(ite " + condition(f.op(), f.a(), f.operand()) + " "
                    + results.get(new State(f.taken(), f.regs())) + " "
                    + results.get(new State(f.notTaken(), f.regs())) + ")");
        };
    }

    private static String condition(int op, String a, String b) {
        return switch (op) {
            case JEQ -> "(= " + a + " " + b + ")";
            case JGT -> "(bvugt " + a + " " + b + ")";
            case JGE -> "(bvuge " + a + " " + b + ")";
            case JSET -> "(distinct (bvand " + a + " " + b + ") " + Words.bv32(0) + ")";
            default -> throw new IllegalArgumentException(String.format("jump op 0x%x is not a comparison", op));
        };
    }

    private String define(String expr) {
        return interned.computeIfAbsent(expr, e -> {
            String name = prefix + interned.size();
            // a constant and its defining equation, not a define-fun: z3 expands define-funs as
            // macros, and over a shared DAG (libseccomp's programs) that cost seconds, this milliseconds
            defs.add("(declare-fun " + name + " () (_ BitVec 32))\n(assert (= " + name + " " + e + "))");
            return name;
        });
    }

    private static boolean literal(String v) {
        return v.startsWith("#x");
    }

    private static int value(String literal) {
        return Integer.parseUnsignedInt(literal.substring(2), 16);
    }

    /** Values are literals (folded with the interpreter's own arithmetic) or names of inputs and definitions. */
    private final class Symbolic implements Interpreter.Domain<String> {
        @Override
        public String constant(int k) {
            return Words.bv32(k);
        }

        @Override
        public String load(int offset) {
            return Words.at(offset);
        }

        @Override
        public String alu(int op, String a, String b) {
            if (literal(a) && literal(b)) {
                return Words.bv32(Interpreter.alu(op, value(a), value(b)));
            }
            String low5 = "(bvand " + b + " " + Words.bv32(31) + ")";
            return define(switch (op) {
                case ADD -> "(bvadd " + a + " " + b + ")";
                case SUB -> "(bvsub " + a + " " + b + ")";
                case MUL -> "(bvmul " + a + " " + b + ")";
                case DIV -> "(bvudiv " + a + " " + b + ")"; // X = 0 never gets here: see term()
                case OR -> "(bvor " + a + " " + b + ")";
                case AND -> "(bvand " + a + " " + b + ")";
                case XOR -> "(bvxor " + a + " " + b + ")";
                case LSH -> "(bvshl " + a + " " + low5 + ")";
                case RSH -> "(bvlshr " + a + " " + low5 + ")";
                case NEG -> "(bvneg " + a + ")";
                default -> throw new IllegalArgumentException(String.format("ALU op 0x%x is not one seccomp allows", op));
            });
        }

        @Override
        public Interpreter.Truth test(int op, String a, String b) {
            return literal(a) && literal(b) ? Interpreter.Truth.of(Interpreter.test(op, value(a), value(b)))
                    : Interpreter.Truth.UNKNOWN;
        }

        @Override
        public Interpreter.Truth isZero(String v) {
            return literal(v) ? Interpreter.Truth.of(value(v) == 0) : Interpreter.Truth.UNKNOWN;
        }
    }
}
