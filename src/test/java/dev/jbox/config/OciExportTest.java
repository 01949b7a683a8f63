package dev.jbox.config;

import org.junit.jupiter.params.provider.MethodSource;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jbox.arch.Arch;
import dev.jbox.arch.Syscall;
import dev.jbox.policy.Condition;
import dev.jbox.policy.Op;
import dev.jbox.policy.Policy;
import dev.jbox.policy.Rule;
import dev.jbox.seccomp.Compiler;
import dev.jbox.seccomp.Emulator;
import dev.jbox.seccomp.Program;
import dev.jbox.seccomp.Ret;
import dev.jbox.seccomp.SeccompData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;

/**
 * {@code jbox export --format oci}: the exported JSON, read back with {@code --seccomp-profile},
 * decides every call as the preset does (jbox's emulator over a grid that includes the upper
 * halves of int arguments, since the export masks them); and libseccomp's compilation of the
 * exported JSON agrees with both (see {@link OciDifferentialTest} for the classes excluded).
 * Excluded here by design: numbers above the tables under a preset with future_syscalls (OCI
 * has no such notion), and foreign architectures (OCI's bad-arch action is libseccomp's).
 */
class OciExportTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.jbox.testing.Matrix#presets")
    void roundTripDecidesAsThePreset(String preset) throws Exception {
        Policy original = Profiles.builtin().resolve(preset);
        Path json = dir.resolve(preset + ".json");
        Files.writeString(json, OciExport.export(original, Arch.X86_64));
        OciProfile.Loaded back = OciProfile.load(json, OciDifferentialTest.host());
        assertThat(back.warnings()).isEmpty();
        assertThat(back.policy().scope()).isEqualTo(original.scope());
        Program a = Compiler.compile(original, Arch.X86_64);
        Program b = Compiler.compile(back.policy(), Arch.X86_64);
        long seed = 0x0C1E7L ^ preset.hashCode();
        SplittableRandom rnd = new SplittableRandom(seed);
        int compared = 0;
        List<String> bad = new ArrayList<>();
        List<Arch> abis = new ArrayList<>(List.of(Arch.X86_64));
        if (original.scope() == dev.jbox.policy.ArchScope.NATIVE_COMPAT) {
            abis.add(Arch.I386);
        }
        for (Arch abi : abis) {
            for (Syscall s : abi.syscalls().all()) {
                List<Rule> rules = original.rulesFor(s.name());
                int n = rules.stream().anyMatch(r -> !r.unconditional()) ? 3000 : 20;
                List<Set<Long>> vals = values(rules);
                for (int i = 0; i < n; i++) {
                    long[] args = new long[6];
                    for (int k = 0; k < 6; k++) {
                        List<Long> v = new ArrayList<>(vals.get(k));
                        args[k] = i % 4 == 0 ? rnd.nextLong() : v.get(rnd.nextInt(v.size()));
                    }
                    SeccompData d = new SeccompData(s.nr(), abi.auditArch(), 0, args);
                    int x = Emulator.run(a, d);
                    int y = Emulator.run(b, d);
                    compared++;
                    if (x != y && bad.size() < 20) {
                        bad.add(String.format("%s %s%s: preset %s, exported %s", abi.id(), s.name(),
                                OciDifferentialTest.hex(args), Ret.describe(x), Ret.describe(y)));
                    }
                }
            }
        }
        System.out.printf("export %s -> --seccomp-profile: %,d inputs compared (seed %x)%n", preset, compared, seed);
        assertThat(bad).as("disagreements (seed %x)", seed).isEmpty();
        assertThat(compared).isGreaterThan(10_000);
    }

    /** libseccomp compiling the exported JSON agrees with jbox reading it. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.jbox.testing.Matrix#presets")
    void exportAgreesWithLibseccomp(String preset) throws Exception {
        Path json = dir.resolve(preset + ".json");
        Files.writeString(json, OciExport.export(Profiles.builtin().resolve(preset), Arch.X86_64));
        OciDifferentialTest.differential(json);
    }

    @Test
    void orderedCompareOfAnIntArgumentBecomesMaskedBlocks() throws Exception {
        Policy p = new Policy("t", dev.jbox.policy.Action.ALLOW, List.of(
                new Rule("socket", dev.jbox.policy.Action.errno(97), List.of(Condition.of(0, Op.GE, 40)), "", ""),
                new Rule("socket", dev.jbox.policy.Action.errno(1), List.of(Condition.of(0, Op.EQ, 45)), "", "")),
                dev.jbox.policy.ArchScope.NATIVE, java.util.Optional.empty(), dev.jbox.policy.Action.KILL_PROCESS);
        String json = OciExport.export(p, Arch.X86_64);
        // family >= 40 on 32 bits: blocks 40-47, 48-63, 64-127, ... 2^31..2^32-1 (28 entries); the EQ 45 rule is
        // shadowed by the first (first match), so no EPERM entry exists.
        assertThat(json).contains("\"value\": 4294967288, \"valueTwo\": 40, \"op\": \"SCMP_CMP_MASKED_EQ\"")
                .doesNotContain("\"errnoRet\": 1,");
        assertThat(json.lines().filter(l -> l.contains("\"names\"")).count()).isEqualTo(28);
    }

    static List<Set<Long>> values(List<Rule> rules) {
        List<Set<Long>> per = new ArrayList<>();
        for (int a = 0; a < 6; a++) {
            per.add(new LinkedHashSet<>(List.of(0L, 1L, 0xFFFFFFFFL, 1L << 32, -1L, 0x80000000L)));
        }
        for (Rule r : rules) {
            for (Condition c : r.conditions()) {
                long v = c.value();
                per.get(c.arg()).addAll(List.of(v, v + 1, v - 1, v | (1L << 32), v | (1L << 63), c.mask(), v ^ 0x10));
            }
        }
        return per;
    }
}
