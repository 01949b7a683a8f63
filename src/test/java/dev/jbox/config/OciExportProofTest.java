package dev.jbox.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jbox.arch.Arch;
import dev.jbox.policy.Action;
import dev.jbox.policy.Policy;
import dev.jbox.policy.Rule;
import dev.jbox.proof.Prover;
import dev.jbox.proof.Region;
import dev.jbox.proof.UserProfile;
import dev.jbox.proof.Z3s;
import dev.jbox.seccomp.Compiler;
import dev.jbox.seccomp.Program;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The scale path, proven: {@code jbox export}'s OCI JSON for every preset and for a user
 * profile with argument conditions, compiled by libseccomp 2.5.4 the way runc and crun compile
 * it ({@code oci_libseccomp.py}), decides as jbox's own program for every input outside the
 * declared differences (docs/OCI.md, "What OCI cannot say"); and inside each, what both sides do
 * is proven:
 * <ul>
 *   <li>X32: x32 numbers. jbox: ENOSYS. libseccomp: the export lists no x32, so its x86_64
 *       section sends them to the bad-arch action (runc's: kill the thread).
 *   <li>ABOVE_TABLE: with future_syscalls, numbers above the table. jbox: the future action;
 *       libseccomp: the default.
 *   <li>UNKNOWN_TO_LIBSECCOMP: a rule's syscall libseccomp 2.5.4 has no name for (newer than
 *       it): runc skips the name. jbox: the policy; libseccomp: the default.
 *   <li>RESERVED_NUMBER: a number the kernel's table only reserves (no entry point: the kernel
 *       answers ENOSYS) for a name a rule refuses (nfsservctl, uselib, ... in strict). jbox's
 *       tables do not name it, so jbox gives the default (and the kernel then ENOSYS);
 *       libseccomp names it and applies the rule. Found by this proof.
 *   <li>FOREIGN_LISTED: an architecture of another machine the export lists (aarch64, and arm
 *       when the compat ABI is in scope, on x86_64). jbox compiles for this machine: the bad-arch action. libseccomp
 *       adds a section: there it decides as jbox's own program compiled for that machine.
 *   <li>BAD_ARCH: any other architecture value. jbox: the policy's bad-arch action
 *       (kill-process); libseccomp: runc's (kill the thread).
 * </ul>
 */
class OciExportProofTest {

    enum Difference { X32, ABOVE_TABLE, UNKNOWN_TO_LIBSECCOMP, RESERVED_NUMBER, FOREIGN_LISTED, BAD_ARCH }

    @TempDir
    Path dir;

    static Stream<String> profiles() {
        return Stream.concat(dev.jbox.testing.Matrix.presets(), Stream.of(UserProfile.NAME));
    }

    static Policy policy(String name) throws Exception {
        return name.equals(UserProfile.NAME) ? UserProfile.policy() : Profiles.builtin().resolve(name);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("profiles")
    void exportCompiledByLibseccompIsProvenEquivalent(String name) throws Exception {
        Prover prover = Z3s.prover();
        Arch arch = Arch.X86_64; // the runtime runs here, and oci_libseccomp.py builds for amd64
        Policy policy = policy(name);
        Program ours = Compiler.compile(policy, arch);
        Path json = dir.resolve(name + ".json");
        Files.writeString(json, OciExport.export(policy, arch));
        Program theirs = OciLibseccomp.compile(json, 1);
        Action runcBadArch = Action.KILL_THREAD;

        List<Region> declared = new ArrayList<>();
        List<String> report = new ArrayList<>();
        // X32
        Region x32 = Region.x32();
        assertThat(prover.always(ours, arch, x32, Policy.X32_ACTION)).isInstanceOf(Prover.Proven.class);
        assertThat(prover.always(theirs, arch, x32, runcBadArch)).isInstanceOf(Prover.Proven.class);
        declared.add(x32);
        report.add(Difference.X32 + ": jbox " + Policy.X32_ACTION + ", libseccomp " + runcBadArch);
        // ABOVE_TABLE
        if (policy.futureAction().isPresent()) {
            for (Arch abi : ours.arches()) {
                Region r = Region.aboveTable(abi);
                assertThat(prover.always(ours, arch, r, policy.futureAction().get())).isInstanceOf(Prover.Proven.class);
                assertThat(prover.always(theirs, arch, r, policy.defaultAction())).isInstanceOf(Prover.Proven.class);
                declared.add(r);
                report.add(Difference.ABOVE_TABLE + " " + abi.id() + ": jbox " + policy.futureAction().get()
                        + ", libseccomp " + policy.defaultAction());
            }
        }
        // UNKNOWN_TO_LIBSECCOMP (jbox's side: the policy, proven below for every input)
        for (Arch abi : ours.arches()) {
            for (String n : unknownToLibseccomp(policy, abi)) {
                Region r = Region.syscall(abi, n);
                assertThat(prover.always(theirs, arch, r, policy.defaultAction())).isInstanceOf(Prover.Proven.class);
                declared.add(r);
                report.add(Difference.UNKNOWN_TO_LIBSECCOMP + " " + abi.id() + " " + n + ": libseccomp "
                        + policy.defaultAction());
            }
        }
        // RESERVED_NUMBER: jbox the default (an unassigned number), libseccomp the rule's action
        for (Arch abi : ours.arches()) {
            for (var res : abi.syscalls().reserved()) {
                List<Rule> rules = policy.rulesFor(res.name());
                if (rules.isEmpty() || !OciLibseccomp.unknown(lsArch(abi), List.of(res.nr() - abi.nrBase())).isEmpty()) {
                    continue;
                }
                assertThat(rules.getFirst().conditions()).as("a conditional rule for reserved %s", res.name()).isEmpty();
                Region r = Region.number(abi, res.nr(), res.name());
                assertThat(prover.always(ours, arch, r, policy.defaultAction())).isInstanceOf(Prover.Proven.class);
                assertThat(prover.always(theirs, arch, r, rules.getFirst().action())).isInstanceOf(Prover.Proven.class);
                declared.add(r);
                report.add(Difference.RESERVED_NUMBER + " " + abi.id() + " " + res.nr() + " (" + res.name() + "): jbox "
                        + policy.defaultAction() + ", libseccomp " + rules.getFirst().action());
            }
        }
        // FOREIGN_LISTED: libseccomp decides as jbox's program for that machine
        Set<Arch> known = new LinkedHashSet<>(ours.arches());
        String listed = Files.readString(json).lines().filter(l -> l.contains("\"architectures\"")).findFirst().orElseThrow();
        for (Arch other : dev.jbox.testing.Matrix.NATIVE) {
            if (other == arch || !listed.contains("\"" + other.libseccompName() + "\"")) {
                continue;
            }
            Program theirsNative = Compiler.compile(policy, other);
            for (Arch abi : theirsNative.arches()) {
                Region r = Region.arch(abi);
                assertThat(prover.always(ours, arch, r, policy.badArchAction())).isInstanceOf(Prover.Proven.class);
                List<Region> outside = new ArrayList<>(List.of(r.complement()));
                if (policy.futureAction().isPresent()) {
                    outside.add(Region.aboveTable(abi));
                }
                unknownToLibseccomp(policy, abi).forEach(n -> outside.add(Region.syscall(abi, n)));
                assertThat(prover.equivalent(theirsNative, theirs, other, outside)).as("libseccomp on %s", abi.id())
                        .isInstanceOf(Prover.Proven.class);
                declared.add(r);
                known.add(abi);
                report.add(Difference.FOREIGN_LISTED + " " + abi.id() + ": jbox " + policy.badArchAction()
                        + ", libseccomp as jbox's " + other.id() + " program");
            }
        }
        // BAD_ARCH
        Region bad = Region.archOtherThan(known);
        assertThat(prover.always(ours, arch, bad, policy.badArchAction())).isInstanceOf(Prover.Proven.class);
        assertThat(prover.always(theirs, arch, bad, runcBadArch)).isInstanceOf(Prover.Proven.class);
        declared.add(bad);
        report.add(Difference.BAD_ARCH + ": jbox " + policy.badArchAction() + ", libseccomp " + runcBadArch);

        assertThat(prover.prove(policy, arch, ours)).isInstanceOf(Prover.Proven.class);
        Prover.Result r = prover.equivalent(ours, theirs, arch, declared);
        assertThat(r).as("export of %s through libseccomp, outside %s", name, report).isInstanceOf(Prover.Proven.class);
        System.out.println("oci export proof: " + name + " on " + arch.id() + ": equivalent outside "
                + String.join("; ", report) + " (" + r.time().toMillis() + " ms)");
    }

    /** The names of the policy's rules that libseccomp 2.5.4 cannot resolve on {@code abi}. */
    static List<String> unknownToLibseccomp(Policy policy, Arch abi) throws Exception {
        Set<String> names = new LinkedHashSet<>();
        policy.rules().stream().map(Rule::syscall).filter(n -> abi.syscalls().number(n).isPresent()).forEach(names::add);
        List<Integer> nrs = names.stream().map(n -> abi.syscalls().number(n).getAsInt() - abi.nrBase()).toList();
        List<Integer> unknown = OciLibseccomp.unknown(lsArch(abi), nrs);
        return names.stream().filter(n -> unknown.contains(abi.syscalls().number(n).getAsInt() - abi.nrBase())).toList();
    }

    static String lsArch(Arch abi) {
        return abi.libseccompName().substring("SCMP_ARCH_".length()).toLowerCase(java.util.Locale.ROOT);
    }
}
