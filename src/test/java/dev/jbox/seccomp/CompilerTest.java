package dev.jbox.seccomp;

import org.junit.jupiter.params.provider.MethodSource;
import dev.jbox.testing.Matrix;
import static dev.jbox.seccomp.Bpf.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jbox.arch.Arch;
import dev.jbox.config.Profiles;
import dev.jbox.policy.Action;
import dev.jbox.policy.ArchScope;
import dev.jbox.policy.Condition;
import dev.jbox.policy.Op;
import dev.jbox.policy.Policy;
import dev.jbox.policy.Reference;
import dev.jbox.policy.Rule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.api.Test;

class CompilerTest {

    static Policy policy(List<Rule> rules) {
        return new Policy("t", Action.ALLOW, rules, ArchScope.NATIVE, Optional.empty(), Action.KILL_PROCESS);
    }

    /** Every allowed native syscall whose rules have no argument condition is kernel-cacheable. */
    @ParameterizedTest
    @MethodSource("dev.jbox.testing.Matrix#presets")
    void everyAllowedSyscallWithoutConditionsIsCacheable(String preset) throws Exception {
        Policy p = Profiles.builtin().resolve(preset);
        for (Arch arch : Matrix.NATIVE) {
            Program prog = Compiler.compile(p, arch);
            int cacheable = 0;
            List<String> missed = new ArrayList<>();
            for (var s : arch.syscalls().all()) {
                boolean conditional = reachableConditions(p.rulesFor(s.name()));
                Action a = Reference.decide(p, arch, arch.auditArch(), s.nr(), new long[6]).action();
                boolean cached = Emulator.isConstAllow(prog, arch, s.nr());
                if (a.equals(Action.ALLOW) && !conditional) {
                    if (cached) {
                        cacheable++;
                    } else {
                        missed.add(s.name());
                    }
                } else {
                    assertThat(cached).as(s.name() + " must not be cached as allowed").isFalse();
                }
            }
            assertThat(missed).as(preset + " on " + arch.id() + ": allowed but not cacheable").isEmpty();
            System.out.println("cache: " + preset + " on " + arch.id() + ": " + cacheable + " syscalls always allowed without running the filter");
        }
    }

    /**
     * Whether a conditional rule can decide: one behind an unconditional rule never does
     * (nested's allow for clone shadows minimal's CLONE_NEWUSER rule).
     */
    static boolean reachableConditions(List<Rule> rules) {
        // the first rule decides whether any condition is reachable: an unconditional one
        // ends the list, a conditional one is reachable itself
        return !rules.isEmpty() && !rules.getFirst().unconditional();
    }

    /** Argument words are loaded only on the paths of syscalls that have conditions. */
    @Test
    void argumentLoadsOnlyWhereConditionsAre() throws Exception {
        Program p = Compiler.compile(Profiles.builtin().resolve("strict"), Arch.X86_64);
        for (var s : Arch.X86_64.syscalls().all()) {
            boolean conditional = Profiles.builtin().resolve("strict").rulesFor(s.name()).stream()
                    .anyMatch(r -> !r.unconditional());
            Emulator.Result r = Emulator.trace(p, SeccompData.of(Arch.X86_64, s.nr()));
            // a path without argument loads runs: ld arch, jeq, ld nr, the search, ret
            if (!conditional) {
                assertThat(r.executed()).as(s.name()).isLessThanOrEqualTo(4 + 10);
            }
        }
    }

    /** Far targets need JA trampolines or RET copies: still a valid, correct program. */
    @Test
    void longJumpsAreBridged() throws Exception {
        List<Rule> rules = new ArrayList<>();
        int i = 0;
        for (var s : Arch.X86_64.syscalls().all()) {
            // distinct actions and conditions so nothing can be shared
            rules.add(Rule.of(s.name(), Action.errno(1 + (i % 4000)), Condition.of(0, Op.GT, i), Condition.of(1, Op.NE, i)));
            i++;
        }
        Policy p = policy(rules);
        Program prog = Compiler.compile(p, Arch.X86_64);
        assertThat(prog.length()).isGreaterThan(256);
        assertThat(prog.insns()).anyMatch(in -> in.code() == (JMP | JA));
        for (var s : Arch.X86_64.syscalls().all()) {
            for (long a0 : new long[] {0, s.nr(), s.nr() + 1L, 1L << 40}) {
                long[] args = {a0, s.nr(), 0, 0, 0, 0};
                assertThat(Ret.decode(Emulator.run(prog, new SeccompData(s.nr(), Arch.X86_64.auditArch(), 0, args))))
                        .isEqualTo(Reference.decide(p, Arch.X86_64, Arch.X86_64.auditArch(), s.nr(), args).action());
            }
        }
    }

    @Test
    void tooLongAPolicyIsAnErrorNotATruncation() {
        List<Rule> rules = new ArrayList<>();
        for (var s : Arch.X86_64.syscalls().all()) {
            for (int k = 0; k < 4; k++) {
                rules.add(Rule.of(s.name(), Action.errno(1 + k), Condition.of(k, Op.EQ, s.nr() * 7L + k)));
            }
        }
        assertThatThrownBy(() -> Compiler.compile(policy(rules), Arch.X86_64))
                .isInstanceOf(CompileException.class)
                .hasMessageMatching("profile 't' compiles to \\d+ instructions for x86_64; the kernel accepts at most 4096");
    }

    @Test
    void compatAbisAreNotNative() {
        assertThatThrownBy(() -> Compiler.compile(policy(List.of()), Arch.I386))
                .isInstanceOf(CompileException.class)
                .hasMessage("'i386' is a compat ABI, not a native architecture; compile for x86_64 instead");
    }

    @Test
    void identicalTailsAreShared() throws Exception {
        // 30 syscalls with the same action: one RET for all of them
        List<Rule> rules = new ArrayList<>();
        for (var s : Arch.X86_64.syscalls().all().subList(0, 30)) {
            rules.add(Rule.of(s.name(), Action.errno(1)));
        }
        Program prog = Compiler.compile(policy(rules), Arch.X86_64);
        long rets = prog.insns().stream().filter(in -> in.isReturn() && in.k() == (Ret.ERRNO | 1)).count();
        assertThat(rets).isEqualTo(1);
        // 0..29 is one range: one comparison decides it
        assertThat(prog.length()).isLessThanOrEqualTo(10);
    }

    /** The reference evaluator must not lean on what it checks. */
    @Test
    void referenceEvaluatorImportsNothingFromTheCompilerOrEmulator() throws Exception {
        Path policyPkg = Path.of("src/main/java/dev/jbox/policy");
        try (var files = Files.list(policyPkg)) {
            for (Path f : files.toList()) {
                String src = Files.readString(f);
                assertThat(src).as(f + " must not use dev.jbox.seccomp").doesNotContain("dev.jbox.seccomp");
            }
        }
        assertThat(Files.readString(policyPkg.resolve("Reference.java"))).doesNotContain("dev.jbox.config");
    }
}
