package dev.jbox.proof;

import static dev.jbox.seccomp.Bpf.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.jbox.arch.Arch;
import dev.jbox.config.Profiles;
import dev.jbox.policy.Action;
import dev.jbox.policy.Policy;
import dev.jbox.policy.Reference;
import dev.jbox.seccomp.Compiler;
import dev.jbox.seccomp.DecisionTables;
import dev.jbox.seccomp.Emulator;
import dev.jbox.seccomp.Insn;
import dev.jbox.seccomp.InvalidProgramException;
import dev.jbox.seccomp.Program;
import dev.jbox.seccomp.Ret;
import dev.jbox.seccomp.SeccompData;
import dev.jbox.testing.Matrix;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The prover against random single-instruction mutants of every compiled preset: a flipped
 * jump (jt and jf swapped), a changed constant (a comparison's value, an ALU operand, a
 * load's offset) or a changed return value. Every mutant the prover refutes comes with a
 * counterexample that the emulator confirms (the mutant decides it differently from the
 * policy, the unmutated program as the policy). Every mutant it proves equivalent must
 * really be: it passes the preset's decision table and agrees with the unmutated program on
 * every syscall of every ABI and thousands of sampled inputs, so a mutant that changes
 * behaviour and slips past the prover fails this test. The seed is printed; replay it with
 * {@code -Djbox.mutation.seed=N}.
 */
class MutationProofTest {

    static final int MUTANTS_PER_PROGRAM = 6;
    static final int SAMPLES = 4_000;
    static final AtomicInteger CAUGHT = new AtomicInteger();
    static final AtomicInteger EQUIVALENT = new AtomicInteger();
    static final long BASE = Long.getLong("jbox.mutation.seed", System.nanoTime());

    static Stream<Arguments> presetsAndArches() {
        System.out.println("mutation proof: seed " + BASE + " (replay with -Djbox.mutation.seed=" + BASE + ")");
        return Matrix.presets().flatMap(p -> Matrix.NATIVE.stream().map(a -> Arguments.of(p, a)));
    }

    /** One mutant: the program and what was changed. */
    record Mutant(Program program, String change) {
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("presetsAndArches")
    void everyMutantThatChangesBehaviourIsCaught(String preset, Arch arch) throws Exception {
        Policy policy = Profiles.builtin().resolve(preset);
        Program good = Compiler.compile(policy, arch);
        long seed = BASE ^ (preset + "/" + arch.id()).hashCode();
        SplittableRandom rnd = new SplittableRandom(seed);
        Prover prover = Z3s.prover();
        String where = preset + " on " + arch.id() + " (seed " + BASE + ")";
        // a mutant is judged against the unmutated program's verdicts: those must be the policy's
        assertThat(prover.prove(policy, arch, good)).as("%s: the compiled program", where)
                .isInstanceOf(Prover.Proven.class);
        for (int i = 0; i < MUTANTS_PER_PROGRAM; i++) {
            Mutant m = mutate(good, i % 3, rnd);
            Prover.Result r = prover.prove(policy, arch, m.program());
            if (r instanceof Prover.Refuted ref) {
                Counterexample c = ref.counterexample();
                SeccompData d = c.input();
                Action mutant = Ret.decode(Emulator.run(m.program(), d));
                Action want = Reference.decide(policy, arch, d.arch(), d.nr(), d.args()).action();
                assertThat(mutant).as("%s, %s: the emulator on the counterexample %s", where, m.change(), c.call())
                        .isEqualTo(c.right()).isNotEqualTo(want);
                assertThat(Ret.decode(Emulator.run(good, d))).as("%s: the unmutated program on %s", where, c.call())
                        .isEqualTo(want);
                CAUGHT.incrementAndGet();
                System.out.println("mutation proof: " + where + ", " + m.change() + ": caught, " + c.call()
                        + ": policy " + c.left() + ", mutant " + c.right());
            } else {
                List<String> differences = differences(preset, arch, good, m.program(), rnd);
                if (!differences.isEmpty()) {
                    fail("%s, %s: the prover called the mutant equivalent, but it changes behaviour:%n%s", where,
                            m.change(), String.join("\n", differences));
                }
                EQUIVALENT.incrementAndGet();
                System.out.println("mutation proof: " + where + ", " + m.change() + ": equivalent (proven, and the"
                        + " decision table and " + SAMPLES + "+ samples agree)");
            }
        }
    }

    @AfterAll
    static void summary() {
        System.out.println("mutation proof: " + CAUGHT.get() + " mutants caught with a confirmed counterexample, "
                + EQUIVALENT.get() + " proven equivalent and confirmed so by sampling (seed " + BASE + ")");
    }

    /** A mutant of {@code kind} (0 jump flip, 1 constant, 2 return value) that the kernel would load. */
    static Mutant mutate(Program p, int kind, SplittableRandom rnd) {
        List<Insn> insns = p.insns();
        for (int attempt = 0; attempt < 1000; attempt++) {
            int pc = rnd.nextInt(insns.size());
            Insn in = insns.get(pc);
            Insn out = switch (kind) {
                case 0 -> in.isConditionalJump() && in.jt() != in.jf() ? Insn.jump(in.code(), in.k(), in.jf(), in.jt()) : null;
                case 1 -> constant(in, rnd);
                default -> in.isReturn() && cls(in.code()) == RET && rval(in.code()) == K ? ret(in, rnd) : null;
            };
            if (out == null || out.equals(in)) {
                continue;
            }
            List<Insn> copy = new ArrayList<>(insns);
            copy.set(pc, out);
            try {
                return new Mutant(Program.of(copy, p.arches()), String.format("%s at %04d: %s -> %s",
                        List.of("jump flipped", "constant changed", "return changed").get(kind), pc, text(in), text(out)));
            } catch (InvalidProgramException e) {
                // the verifier refuses it (a shift by 32, a load past the end): not a program the kernel runs
            }
        }
        throw new IllegalStateException("no mutant of kind " + kind + " in 1000 attempts");
    }

    private static Insn constant(Insn in, SplittableRandom rnd) {
        int code = in.code();
        if (code == (LD | W | ABS)) {
            return Insn.stmt(code, 4 * rnd.nextInt(16)); // another word of seccomp_data
        }
        boolean jumpK = in.isConditionalJump() && src(code) == K;
        boolean aluK = cls(code) == ALU && src(code) == K && op(code) != NEG;
        if (!jumpK && !aluK) {
            return null;
        }
        int k = switch (rnd.nextInt(3)) {
            case 0 -> in.k() + 1;
            case 1 -> in.k() - 1;
            default -> in.k() ^ (1 << rnd.nextInt(32));
        };
        return new Insn(code, in.jt(), in.jf(), k);
    }

    private static Insn ret(Insn in, SplittableRandom rnd) {
        int[] choices = {Ret.ALLOW, Ret.KILL_PROCESS, Ret.KILL_THREAD, Ret.TRAP, Ret.LOG, Ret.ERRNO | 1, Ret.ERRNO | 38,
                in.k() + 1, in.k() | 0x0000FFFF, Ret.ALLOW | 1};
        return Insn.stmt(in.code(), choices[rnd.nextInt(choices.length)]);
    }

    private static String text(Insn in) {
        return String.format("{0x%02x, %d, %d, 0x%08x}", in.code(), in.jt(), in.jf(), in.k());
    }

    /**
     * Where {@code mutant} decides differently from {@code good}, looked for without the
     * prover: the preset's decision table, then every syscall number of every ABI (and the
     * x32 numbers, the boundaries and foreign arch values) with zero, all-ones and random
     * arguments, and random inputs.
     */
    static List<String> differences(String preset, Arch arch, Program good, Program mutant, SplittableRandom rnd)
            throws Exception {
        List<String> out = new ArrayList<>(DecisionTables.run(preset, arch, mutant, false).failures());
        List<Arch> abis = new ArrayList<>(List.of(arch));
        arch.compat().ifPresent(abis::add);
        if (arch == Arch.X86_64) {
            abis.add(Arch.X32);
        }
        List<SeccompData> inputs = new ArrayList<>();
        for (Arch abi : abis) {
            List<Integer> nrs = new ArrayList<>();
            abi.syscalls().all().forEach(s -> nrs.add(s.nr()));
            int max = abi.syscalls().maxNumber();
            nrs.addAll(List.of(max + 1, max + 2, 0x3FFFFFFF, 0x40000000, 0x7FFFFFFF, 0xFFFFFFFE, 0xFFFFFFFF));
            for (int nr : nrs) {
                inputs.add(new SeccompData(nr, abi.auditArch(), 0, new long[6]));
                inputs.add(new SeccompData(nr, abi.auditArch(), -1, new long[] {-1, -1, -1, -1, -1, -1}));
                inputs.add(new SeccompData(nr, abi.auditArch(), rnd.nextLong(), randomArgs(rnd)));
            }
        }
        for (int i = 0; i < SAMPLES; i++) {
            Arch abi = abis.get(rnd.nextInt(abis.size()));
            int archWord = rnd.nextInt(20) == 0 ? rnd.nextInt() : abi.auditArch();
            int nr = rnd.nextBoolean() ? rnd.nextInt(abi.syscalls().maxNumber() + 8) : rnd.nextInt();
            inputs.add(new SeccompData(nr, archWord, rnd.nextLong(), randomArgs(rnd)));
        }
        for (SeccompData d : inputs) {
            Action g = Ret.decode(Emulator.run(good, d));
            Action m = Ret.decode(Emulator.run(mutant, d));
            if (!g.equals(m) && out.size() < 20) {
                out.add(String.format("arch 0x%08x nr 0x%x args %s: unmutated %s, mutant %s", d.arch(), d.nr(),
                        java.util.Arrays.toString(d.args()), g, m));
            }
        }
        return out;
    }

    private static long[] randomArgs(SplittableRandom rnd) {
        long[] a = new long[6];
        for (int i = 0; i < 6; i++) {
            a[i] = switch (rnd.nextInt(4)) {
                case 0 -> rnd.nextLong();
                case 1 -> rnd.nextLong() & 0xFFFFFFFFL;
                case 2 -> rnd.nextInt(0x40);
                default -> (long) rnd.nextInt(0x30000) | ((long) rnd.nextInt(2) << 32);
            };
        }
        return a;
    }
}
