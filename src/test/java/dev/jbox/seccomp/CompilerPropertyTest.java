package dev.jbox.seccomp;

import dev.jbox.testing.Matrix;

import dev.jbox.arch.Arch;
import dev.jbox.policy.Action;
import dev.jbox.policy.Policy;
import dev.jbox.policy.Reference;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzzing the compiler: random policies must compile to programs the kernel's verifier
 * accepts, and for random inputs the emulated program must give the verdict that the
 * reference evaluator reads straight from the policy. 10,000 policies x 100 inputs per
 * run, in 20 seeded batches; a failure prints its seed so it can be replayed
 * ({@code -Djbox.fuzz.seed=N} runs only that seed).
 *
 * <p>(Not jqwik: its 1.10 engine prints a message asking AI agents not to use it, and we
 * respect that; seeded generators under JUnit's parameterised tests do the same job.)
 */
class CompilerPropertyTest {

    static final int BATCHES = 20;
    static final int POLICIES_PER_BATCH = 500;
    static final int INPUTS = 100;
    static final AtomicLong POLICIES = new AtomicLong();
    static final AtomicLong INPUTS_RUN = new AtomicLong();


    static LongStream seeds() {
        String fixed = System.getProperty("jbox.fuzz.seed");
        if (fixed != null) {
            return LongStream.of(Long.parseLong(fixed));
        }
        long base = Long.getLong("jbox.fuzz.base", System.nanoTime());
        System.out.println("compiler fuzz: base seed " + base + " (replay a batch with -Djbox.fuzz.seed=<batch seed>)");
        return LongStream.range(0, BATCHES).map(i -> base * 31 + i);
    }

    @ParameterizedTest(name = "batch seed {0}")
    @MethodSource("seeds")
    void compiledProgramsAgreeWithTheModel(long seed) throws Exception {
        RandomPolicies gen = new RandomPolicies(seed);
        for (int i = 0; i < POLICIES_PER_BATCH; i++) {
            Arch nativeArch = Matrix.NATIVE.get(i % Matrix.NATIVE.size()); // every native arch in turn
            Policy p = gen.policy(nativeArch);
            Program prog = Compiler.compile(p, nativeArch); // verifies, or throws
            for (int j = 0; j < INPUTS; j++) {
                SeccompData d = gen.input(p, nativeArch);
                Action got = Ret.decode(Emulator.run(prog, d));
                Action want = Reference.decide(p, nativeArch, d.arch(), d.nr(), d.args()).action();
                if (!got.equals(want)) { // the check: the first disagreement fails the batch, with its seed
                    throw new AssertionError(String.format(
                            "seed %d, policy %d: for arch 0x%x nr %d args %s the filter says %s, the policy says %s%npolicy: %s",
                            seed, i, d.arch(), d.nr(), java.util.Arrays.toString(d.args()), got, want, p));
                }
            }
            POLICIES.incrementAndGet();
            INPUTS_RUN.addAndGet(INPUTS);
        }
    }

    @AfterAll
    static void summary() {
        System.out.println("compiler fuzz: " + POLICIES.get() + " random policies compiled and verified, "
                + INPUTS_RUN.get() + " inputs agreed with the reference evaluator");
    }
}
