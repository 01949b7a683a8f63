package dev.jbox.proof;

import static dev.jbox.seccomp.Bpf.*;
import static org.assertj.core.api.Assertions.fail;

import dev.jbox.seccomp.Emulator;
import dev.jbox.seccomp.Insn;
import dev.jbox.seccomp.InvalidProgramException;
import dev.jbox.seccomp.Program;
import dev.jbox.seccomp.Ret;
import dev.jbox.seccomp.SeccompData;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The program side of a proof against the emulator, on random programs that use everything a
 * seccomp filter may (what compiled profiles never do: arithmetic on X, division by an X that
 * may be 0, shifts by an X of 32 or more, scratch memory, TAX/TXA, RET A with any value): for
 * each program and a handful of inputs (zeros and all-ones among them), z3 must find that the
 * formula's value at those inputs is exactly what the emulator returns, as the kernel reads it.
 * Seeds are printed; {@code -Djbox.formula.seed=N} replays one.
 */
class ProgramFormulaTest {

    static final int PROGRAMS_PER_SEED = 15;
    static final int INPUTS = 8;

    static LongStream seeds() {
        String fixed = System.getProperty("jbox.formula.seed");
        if (fixed != null) {
            return LongStream.of(Long.parseLong(fixed));
        }
        long base = System.nanoTime();
        System.out.println("program formula: base seed " + base + " (replay one with -Djbox.formula.seed=<seed>)");
        return LongStream.range(0, 4).map(i -> base + i);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void theFormulaComputesWhatTheEmulatorDoes(long seed) throws Exception {
        Solver solver = Z3s.solver();
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int n = 0; n < PROGRAMS_PER_SEED; n++) {
            Program p = program(rnd);
            List<SeccompData> inputs = new ArrayList<>();
            for (int i = 0; i < INPUTS; i++) {
                inputs.add(input(rnd, i));
            }
            assertAgrees(solver, p, inputs, "seed " + seed + ", program " + n);
        }
    }

    /**
     * The corners C leaves open, with X taken from an argument: a shift of args[1] by
     * args[0] (0, 31, 32, 33, 63, 2^32-1), and a division of args[1] by args[0] (0 included).
     */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {LSH, RSH, DIV, MUL, SUB, ADD, XOR, OR, AND})
    void aluOnXAtItsCorners(int op) throws Exception {
        List<SeccompData> inputs = new ArrayList<>();
        long[] xs = {0, 1, 7, 31, 32, 33, 63, 64, 0xFFFFFFFFL, 0x80000000L};
        long[] as = {0, 1, 0x12345678L, 0xFFFFFFFFL, 0x80000001L};
        for (long x : xs) {
            for (long a : as) {
                inputs.add(new SeccompData(0, 0, 0, new long[] {x, a, 0, 0, 0, 0}));
            }
        }
        // every bit of the result, 12 at a time, comes out as ERRNO's data
        for (int shift : new int[] {0, 12, 20}) {
            Program p = Program.of(List.of(Insn.stmt(LD | W | ABS, SeccompData.argLow(0)), Insn.stmt(MISC | TAX, 0),
                    Insn.stmt(LD | W | ABS, SeccompData.argLow(1)), Insn.stmt(ALU | op | X, 0),
                    Insn.stmt(ALU | RSH | K, shift), Insn.stmt(ALU | AND | K, 0xFFF), Insn.stmt(ALU | OR | K, Ret.ERRNO),
                    Insn.stmt(RET | A, 0)));
            assertAgrees(Z3s.solver(), p, inputs, "ALU op 0x" + Integer.toHexString(op) + " on X, bits " + shift + "..");
        }
    }

    /** z3 finds no input among {@code inputs} where the formula's value is not what the kernel makes of the emulator's. */
    static void assertAgrees(Solver solver, Program p, List<SeccompData> inputs, String what) throws Exception {
        List<String> cases = new ArrayList<>();
        for (SeccompData d : inputs) {
            int canonical = KernelActions.of(Emulator.run(p, d));
            StringBuilder c = new StringBuilder("(and");
            for (int w = 0; w < Words.NAMES.size(); w++) {
                c.append(" (= ").append(Words.NAMES.get(w)).append(' ').append(Words.bv32(d.word(4 * w))).append(')');
            }
            cases.add(c.append(" (distinct p_result ").append(Words.bv32(canonical)).append("))").toString());
        }
        ProgramFormula.Encoded f = ProgramFormula.of(p, "p");
        StringBuilder script = new StringBuilder("(set-logic QF_BV)\n").append(Words.declarations())
                .append(KernelActions.DEFINITION);
        f.definitions().forEach(d -> script.append(d).append('\n'));
        script.append("(define-fun p_result () (_ BitVec 32) ").append(f.result()).append(")\n")
                .append("(assert (or ").append(String.join("\n  ", cases)).append("))\n(check-sat)\n");
        Solver.Answer a = solver.solve(script.toString(), "(get-value (a0_lo a1_lo))\n");
        if (!a.status().equals("unsat")) {
            fail("%s: the formula differs from the emulator at %s%nprogram: %s", what, a.model().strip(), p.insns());
        }
    }

    /** The input's words: mostly small, often 0 (division by a zero X), sometimes all ones. */
    static SeccompData input(SplittableRandom rnd, int i) {
        long[] args = new long[6];
        for (int a = 0; a < 6; a++) {
            args[a] = switch (i == 0 ? 0 : i == 1 ? 1 : rnd.nextInt(5)) {
                case 0 -> 0;
                case 1 -> -1L;
                case 2 -> rnd.nextInt(64);
                case 3 -> rnd.nextLong();
                default -> rnd.nextInt() & 0xFFFFFFFFL;
            };
        }
        return new SeccompData(i == 0 ? 0 : rnd.nextInt(64), i == 1 ? -1 : rnd.nextInt(), rnd.nextLong(), args);
    }

    private static final int[] ALU_OPS = {ADD, SUB, MUL, DIV, OR, AND, XOR, LSH, RSH};
    private static final int[] JUMP_OPS = {JEQ, JGT, JGE, JSET};
    private static final int[] RETS = {Ret.ALLOW, Ret.ERRNO | 1, Ret.ERRNO | 5000, Ret.KILL_PROCESS, Ret.KILL_THREAD,
            Ret.TRAP | 7, Ret.LOG, Ret.TRACE | 9, Ret.USER_NOTIF, 0x12340000};

    /**
     * A random program the verifier accepts: straight-line work and forward jumps, then a tail
     * that makes A observable through what the kernel does with it (its low 12 bits, or 12 bits
     * shifted down, as ERRNO's data): a wrong encoding of any operation changes the answer.
     */
    static Program program(SplittableRandom rnd) {
        while (true) {
            int body = 5 + rnd.nextInt(20);
            List<Insn> tail = List.of(Insn.stmt(ALU | RSH | K, rnd.nextBoolean() ? 0 : 12 + rnd.nextInt(8)),
                    Insn.stmt(ALU | AND | K, 0xFFF), Insn.stmt(ALU | OR | K, Ret.ERRNO), Insn.stmt(RET | A, 0));
            List<Insn> insns = new ArrayList<>();
            boolean[] stored = new boolean[MEMWORDS];
            for (int pc = 0; pc < body; pc++) {
                int reach = body - pc; // a jump may land anywhere up to the tail's first instruction
                insns.add(switch (rnd.nextInt(12)) {
                    case 0, 1 -> Insn.stmt(LD | W | ABS, 4 * rnd.nextInt(16));
                    case 2 -> Insn.stmt(LDX | IMM, rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(40));
                    case 3 -> Insn.stmt(MISC | (rnd.nextBoolean() ? TAX : TXA), 0);
                    case 4 -> {
                        int slot = rnd.nextInt(MEMWORDS);
                        if (stored[slot]) {
                            yield Insn.stmt((rnd.nextBoolean() ? LD : LDX) | MEM, slot);
                        }
                        stored[slot] = true; // a write before any read: the verifier checks it on every path
                        yield Insn.stmt(rnd.nextBoolean() ? ST : STX, slot);
                    }
                    case 5, 6, 7 -> {
                        int op = ALU_OPS[rnd.nextInt(ALU_OPS.length)];
                        boolean x = rnd.nextBoolean();
                        int k = op == LSH || op == RSH ? rnd.nextInt(32) : op == DIV ? 1 + rnd.nextInt(9) : rnd.nextInt();
                        yield Insn.stmt(ALU | op | (x ? X : K), x ? 0 : k);
                    }
                    case 8 -> Insn.stmt(ALU | NEG, 0);
                    case 9, 10 -> {
                        int op = JUMP_OPS[rnd.nextInt(JUMP_OPS.length)];
                        boolean x = rnd.nextBoolean();
                        yield Insn.jump(JMP | op | (x ? X : K), x ? 0 : rnd.nextInt(8), rnd.nextInt(reach),
                                rnd.nextInt(reach));
                    }
                    default -> rnd.nextInt(4) == 0 ? Insn.stmt(RET | K, RETS[rnd.nextInt(RETS.length)])
                            : Insn.stmt(LD | IMM, rnd.nextInt(4) == 0 ? 0 : rnd.nextInt());
                });
            }
            insns.addAll(tail);
            try {
                return Program.of(insns);
            } catch (InvalidProgramException e) {
                // a memory read the verifier cannot see written on every path: draw again
            }
        }
    }
}
