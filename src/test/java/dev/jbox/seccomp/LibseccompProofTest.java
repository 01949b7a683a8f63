package dev.jbox.seccomp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jbox.arch.Arch;
import dev.jbox.arch.Syscall;
import dev.jbox.config.Profiles;
import dev.jbox.policy.Action;
import dev.jbox.policy.Policy;
import dev.jbox.proof.Prover;
import dev.jbox.proof.Region;
import dev.jbox.proof.Z3s;
import dev.jbox.testing.Matrix;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * jbox's program for every preset and native architecture proven equivalent, for every input,
 * to libseccomp 2.5.4's program for the same policy (python3-seccomp, the translation of
 * {@link DifferentialLibseccompTest.Translation}, CTL_OPTIMIZE 1 as runc and crun leave it),
 * outside the declared differences; and inside each declared difference, what each side
 * does is proven too, not merely left out:
 * <ul>
 *   <li>{@link Difference#X32}: x86_64's audit value with an x32 number. jbox: ENOSYS, as a
 *       kernel without x32 answers ({@link Policy#X32_ACTION}); libseccomp (no x32 in the
 *       filter): the bad-arch action.
 *   <li>{@link Difference#ABOVE_TABLE}: with {@code future_syscalls}, a number above the ABI's
 *       table that the table does not name. jbox: the future action (ENOSYS); libseccomp has
 *       no notion of "newer than my table": the default action.
 *   <li>{@link Difference#UNNAMED_BY_LIBSECCOMP}: a syscall libseccomp 2.5.4 cannot take a
 *       rule for on a non-host ABI (it translates numbers by name and has no name for calls
 *       newer than itself, e.g. open_tree_attr). jbox: the policy's verdict (the whole
 *       program is proven against the policy); libseccomp: the default action.
 * </ul>
 */
class LibseccompProofTest {

    enum Difference { X32, ABOVE_TABLE, UNNAMED_BY_LIBSECCOMP }

    static Set<String> unaddable;

    @BeforeAll
    static void probeLibseccomp() throws Exception {
        Map<Arch, List<Integer>> nrs = new LinkedHashMap<>();
        for (Arch a : Matrix.NATIVE_AND_COMPAT) {
            nrs.put(a, a.syscalls().all().stream().map(Syscall::nr).toList());
        }
        unaddable = DifferentialLibseccompTest.Libseccomp.unaddable(nrs);
    }

    static Stream<Arguments> presetsAndArches() {
        return Matrix.presets().flatMap(p -> Matrix.NATIVE.stream().map(a -> Arguments.of(p, a)));
    }

    /** One declared difference: where, and what each side is proven to do there. */
    record Declared(Difference kind, Region region, Action jbox, Action libseccomp) {
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("presetsAndArches")
    void equivalentToLibseccompOutsideTheDeclaredDifferences(String preset, Arch arch) throws Exception {
        Prover prover = Z3s.prover();
        Policy policy = Profiles.builtin().resolve(preset);
        Program ours = Compiler.compile(policy, arch);
        var t = DifferentialLibseccompTest.Translation.of(policy, arch, unaddable);
        Program theirs = DifferentialLibseccompTest.Libseccomp.compile(List.of(t.json(1))).getFirst();

        List<Declared> declared = declared(policy, ours, t.excluded);
        List<String> report = new ArrayList<>();
        for (Declared d : declared) {
            if (d.jbox() != null) {
                assertThat(prover.always(ours, arch, d.region(), d.jbox())).as("jbox in %s", d.region().name())
                        .isInstanceOf(Prover.Proven.class);
            }
            assertThat(prover.always(theirs, arch, d.region(), d.libseccomp())).as("libseccomp in %s", d.region().name())
                    .isInstanceOf(Prover.Proven.class);
            report.add(d.region().name() + ": jbox " + (d.jbox() == null ? "as the policy" : d.jbox())
                    + ", libseccomp " + d.libseccomp());
        }
        // jbox's side of UNNAMED_BY_LIBSECCOMP (and everything else): the policy, for every input
        assertThat(prover.prove(policy, arch, ours)).isInstanceOf(Prover.Proven.class);
        Prover.Result r = prover.equivalent(ours, theirs, arch, declared.stream().map(Declared::region).toList());
        assertThat(r).as("%s on %s against libseccomp outside %s", preset, arch.id(), report)
                .isInstanceOf(Prover.Proven.class);
        System.out.println("libseccomp proof: " + preset + " on " + arch.id() + ": equivalent outside "
                + (report.isEmpty() ? "nothing" : String.join("; ", report)) + " (" + r.time().toMillis() + " ms)");
    }

    /** The declared differences that apply to this policy and program. */
    static List<Declared> declared(Policy policy, Program ours, Map<Arch, Map<String, String>> excluded) {
        Arch arch = ours.arches().getFirst();
        List<Declared> out = new ArrayList<>();
        if (arch == Arch.X86_64) {
            out.add(new Declared(Difference.X32, Region.x32(), Policy.X32_ACTION, policy.badArchAction()));
        }
        if (policy.futureAction().isPresent()) {
            for (Arch abi : ours.arches()) {
                out.add(new Declared(Difference.ABOVE_TABLE, Region.aboveTable(abi), policy.futureAction().get(),
                        policy.defaultAction()));
            }
        }
        for (var e : excluded.entrySet()) {
            for (String name : e.getValue().keySet()) {
                out.add(new Declared(Difference.UNNAMED_BY_LIBSECCOMP, Region.syscall(e.getKey(), name), null,
                        policy.defaultAction()));
            }
        }
        return out;
    }
}
