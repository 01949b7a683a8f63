package dev.jbox.proof;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jbox.arch.Arch;
import dev.jbox.config.Profiles;
import dev.jbox.policy.Policy;
import dev.jbox.seccomp.Compiler;
import dev.jbox.seccomp.Program;
import dev.jbox.testing.Matrix;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every preset on every native architecture, proven to decide exactly as its policy for every
 * input (nr, arch, instruction pointer, six 64-bit arguments): the compiled program against
 * the policy model, by z3.
 */
class PresetProofTest {

    static Stream<Arguments> presetsAndArches() {
        return Matrix.presets().flatMap(p -> Matrix.NATIVE.stream().map(a -> Arguments.of(p, a)));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("presetsAndArches")
    void everyPresetIsProven(String preset, Arch arch) throws Exception {
        Policy policy = Profiles.builtin().resolve(preset);
        Program program = Compiler.compile(policy, arch);
        Prover.Result r = Z3s.prover().prove(policy, arch, program);
        System.out.println("proof: " + preset + " on " + program.arches() + ", " + program.length()
                + " instructions: " + r);
        assertThat(r).isInstanceOf(Prover.Proven.class);
    }
}
