package dev.jbox.seccomp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jbox.arch.Arch;
import dev.jbox.config.Profiles;
import dev.jbox.policy.Policy;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The {@link DecisionTables} of every preset, checked against the compiled program in the
 * emulator and against the reference reading of the policy; and each table pins every
 * syscall of every ABI its program decides.
 */
class DecisionTableTest {

    @TestFactory
    Stream<DynamicNode> presets() throws IOException {
        List<DynamicNode> out = new ArrayList<>();
        for (String preset : Profiles.PRESETS) {
            out.add(DynamicContainer.dynamicContainer(preset, table(preset)));
        }
        return out.stream();
    }

    private Stream<DynamicNode> table(String preset) throws IOException {
        Policy policy = DecisionTables.policy(preset);
        List<DynamicNode> tests = new ArrayList<>();
        Map<Arch, ?> byProgram = DecisionTables.parse(preset);
        // A new native architecture (or a new preset) fails here until its table says what it does.
        tests.add(DynamicTest.dynamicTest(preset + ": a section for every native architecture", () ->
                assertThat(byProgram.keySet()).as("@program sections of " + preset + ".tests")
                        .containsExactlyInAnyOrder(Arrays.stream(Arch.values()).filter(Arch::isNativeCapable)
                                .toArray(Arch[]::new))));
        for (Arch nativeArch : byProgram.keySet()) {
            tests.add(DynamicTest.dynamicTest(preset + " on " + nativeArch.id(), () -> {
                Program p = Compiler.compile(policy, nativeArch);
                DecisionTables.Outcome o = DecisionTables.run(preset, nativeArch, p, true);
                assertThat(o.failures()).as(preset + " on " + nativeArch.id()).isEmpty();
                // every syscall of every ABI the program lets run has its verdict pinned
                Set<String> every = new TreeSet<>();
                for (Arch abi : p.arches()) {
                    abi.syscalls().all().forEach(s -> every.add(abi.id() + ":" + s.name()));
                }
                assertThat(o.covered()).as("syscalls %s.tests checks for the %s program (%d verdicts)", preset,
                        nativeArch.id(), o.checks()).containsAll(every);
            }));
        }
        return tests.stream();
    }
}
