package dev.jbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import dev.jbox.cli.SessionBypassFixture;
import dev.jbox.policy.ArchitectureViolationFixture;
import dev.jbox.unlayered.OutsideEveryLayer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import java.util.stream.Stream;

/**
 * Each rule of {@link ArchitectureRules} fails on a class that breaks it (the fixtures in
 * {@code dev.jbox.policy}, {@code dev.jbox.cli} and {@code dev.jbox.unlayered}, test classes only), naming the
 * offending dependency; and the main classes pass ({@link ArchitectureTest}).
 */
class ArchitectureRulesTest {

    /**
     * The fixtures and the classes they reach into (a layer rule looks at the classes of the
     * layer that is used, so those must be imported too).
     */
    static final JavaClasses FIXTURES = new ClassFileImporter()
            .importClasses(ArchitectureViolationFixture.class, OutsideEveryLayer.class, dev.jbox.config.Profiles.class,
                    dev.jbox.nativ.Posix.class, dev.jbox.nativ.gen.Libc.class, SessionBypassFixture.class,
                    dev.jbox.seccomp.Compiler.class, dev.jbox.seccomp.Program.class, dev.jbox.config.Trust.class,
                    dev.jbox.config.Trust.Gate.class, dev.jbox.launch.Sandbox.class, dev.jbox.launch.Sandbox.Layout.class,
                    dev.jbox.seccomp.ReferenceViolationFixture.class, dev.jbox.policy.ArgWidths.class,
                    dev.jbox.arch.ArgTypes.class);

    static Stream<Arguments> rules() {
        return Stream.of(
                Arguments.of("layers", ArchitectureRules.LAYERS,
                        List.of("ArchitectureViolationFixture.upwards()", "dev.jbox.config.Profiles.builtin()")),
                Arguments.of("every package", ArchitectureRules.EVERY_PACKAGE_IN_A_LAYER,
                        List.of("dev.jbox.unlayered.OutsideEveryLayer")),
                Arguments.of("foreign", ArchitectureRules.ONLY_NATIV_TOUCHES_FOREIGN,
                        List.of("ArchitectureViolationFixture.foreign()", "java.lang.foreign.Arena.ofConfined()")),
                Arguments.of("nativ.gen", ArchitectureRules.ONLY_NATIV_USES_GEN,
                        List.of("ArchitectureViolationFixture.generated()", "dev.jbox.nativ.gen.Libc.EINTR()")),
                Arguments.of("processes", ArchitectureRules.ONLY_LAUNCH_STARTS_PROCESSES,
                        List.of("java.lang.ProcessBuilder.<init>(", "java.lang.ProcessBuilder.start()",
                                "java.lang.Runtime.exec(", "dev.jbox.nativ.Posix.spawn(")),
                Arguments.of("reference apart from the compiler", ArchitectureRules.REFERENCE_SHARES_NOTHING_WITH_THE_COMPILER,
                        List.of("ArchitectureViolationFixture.compilersWidths()", "dev.jbox.arch.ArgTypes.width(")),
                Arguments.of("compiler apart from the reference", ArchitectureRules.COMPILER_SHARES_NOTHING_WITH_THE_REFERENCE,
                        List.of("ReferenceViolationFixture.referencesWidths()", "dev.jbox.policy.ArgWidths.of(")),
                Arguments.of("compile", ArchitectureRules.ONLY_THE_SESSION_COMPILES,
                        List.of("SessionBypassFixture.compiles()", "dev.jbox.seccomp.Compiler.compile(")),
                Arguments.of("trust", ArchitectureRules.ONLY_THE_SESSION_DECIDES_TRUST,
                        List.of("SessionBypassFixture.trusts()", "dev.jbox.config.Trust.verify(",
                                "dev.jbox.config.Trust$Gate.<init>(")),
                Arguments.of("layout", ArchitectureRules.ONLY_THE_SESSION_LAYS_OUT,
                        List.of("SessionBypassFixture.laysOut()", "dev.jbox.launch.Sandbox$Layout.<init>(",
                                "dev.jbox.launch.Sandbox.standard(")),
                Arguments.of("cli", ArchitectureRules.CLI_SEES_ONLY_MAPPED_ERRORS,
                        List.of("SessionBypassFixture.compiles()", "dev.jbox.seccomp.Program")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void eachRuleCatchesItsViolation(String what, ArchRule rule, List<String> mentioned) {
        EvaluationResult r = rule.evaluate(FIXTURES);
        assertThat(r.hasViolation()).as(what).isTrue();
        String report = String.join("\n", r.getFailureReport().getDetails());
        for (String m : mentioned) {
            assertThat(report).as(what).contains(m);
        }
    }

    @Test
    void theLayersRuleSeesOnlyTheUpwardArrow() {
        // foreign, gen and process uses are other rules' business; policy -> nativ is an upward arrow too
        String report = String.join("\n", ArchitectureRules.LAYERS.evaluate(FIXTURES).getFailureReport().getDetails());
        assertThat(report).contains("dev.jbox.config.Profiles", "dev.jbox.nativ.gen.Libc", "dev.jbox.nativ.Posix")
                .doesNotContain("java.lang.foreign", "ProcessBuilder");
    }
}
