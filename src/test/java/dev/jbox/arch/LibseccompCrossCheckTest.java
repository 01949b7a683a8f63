package dev.jbox.arch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compares jbox's tables with libseccomp's (Debian's python3-seccomp, libseccomp 2.5.4):
 * every (name, number) libseccomp knows must be in jbox's table with the same number.
 * libseccomp 2.5.4 predates the newest calls, so names only jbox has are reported, not
 * asserted. Numbers the kernel table lists without an entry point (reserved, ENOSYS) are
 * not entries in jbox's tables but are kept in their "#reserved" comments; libseccomp
 * names some of them, and those count as agreement.
 */
class LibseccompCrossCheckTest {

    private static final Path PYTHON = Path.of("/usr/bin/python3");

    /** libseccomp's arch names, as printed by libseccomp_names.py. */
    private static final Map<String, Arch> ARCHES = Map.of(
            "x86_64", Arch.X86_64, "x32", Arch.X32, "x86", Arch.I386,
            "arm", Arch.ARM, "aarch64", Arch.AARCH64, "riscv64", Arch.RISCV64);

    @Test
    void everyNameLibseccompKnowsHasTheSameNumber(@TempDir Path tmp) throws Exception {
        if (!Files.isExecutable(PYTHON)) {
            fail(PYTHON + " is missing: run scripts/test, which installs python3 and python3-seccomp");
        }
        Path script = tmp.resolve("libseccomp_names.py");
        try (InputStream in = getClass().getResourceAsStream("libseccomp_names.py")) {
            assertThat(in).as("test resource dev/jbox/arch/libseccomp_names.py").isNotNull();
            Files.copy(in, script);
        }
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        Process p = new ProcessBuilder(PYTHON.toString(), script.toString())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("libseccomp_names.py did not finish within 120 s");
        }
        String stderr = Files.readString(err);
        if (p.exitValue() == 3) {
            fail("the python3 'seccomp' module (python3-seccomp) is missing: run scripts/test, which installs it ("
                    + stderr.strip() + ")");
        }
        assertThat(p.exitValue()).as("libseccomp_names.py exit status; stderr: " + stderr).isZero();

        Map<Arch, Map<String, Integer>> theirs = new TreeMap<>();
        for (String line : Files.readAllLines(out, StandardCharsets.US_ASCII)) {
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split("\t");
            assertThat(f).as("line %s", line).hasSize(3);
            Arch arch = ARCHES.get(f[0]);
            assertThat(arch).as("arch of line %s", line).isNotNull();
            theirs.computeIfAbsent(arch, a -> new HashMap<>()).put(f[2], Integer.parseInt(f[1]));
        }
        assertThat(theirs.keySet()).containsExactlyInAnyOrderElementsOf(ARCHES.values());

        List<String> mismatches = new ArrayList<>();
        StringBuilder report = new StringBuilder("libseccomp 2.5.4 cross-check:\n");
        for (Map.Entry<Arch, Map<String, Integer>> e : theirs.entrySet()) {
            Arch arch = e.getKey();
            SyscallTable table = arch.syscalls();
            Map<Integer, String> reserved = reservedNumbers(arch);
            int agree = 0;
            List<String> reservedAgree = new ArrayList<>();
            for (Map.Entry<String, Integer> s : new TreeMap<>(e.getValue()).entrySet()) {
                String name = s.getKey();
                int nr = s.getValue();
                var ours = table.number(name);
                if (ours.isPresent() && ours.getAsInt() == nr) {
                    agree++;
                } else if (ours.isEmpty() && name.equals(reserved.get(nr - arch.nrBase()))) {
                    reservedAgree.add(name);
                } else {
                    mismatches.add(arch.id() + ": " + name + " libseccomp " + hex(nr) + ", jbox "
                            + (ours.isPresent() ? hex(ours.getAsInt()) : "absent")
                            + table.name(nr).map(n -> " (jbox has " + n + " at " + hex(nr) + ")").orElse(""));
                }
            }
            Set<String> newer = new HashSet<>();
            for (Syscall s : table.all()) {
                if (!e.getValue().containsKey(s.name())) {
                    newer.add(s.name());
                }
            }
            report.append(String.format("  %-8s %d agree, %d reserved in the kernel table %s, %d only in jbox: %s%n",
                    arch.id(), agree, reservedAgree.size(), reservedAgree, newer.size(), new java.util.TreeSet<>(newer)));
        }
        System.out.print(report);
        assertThat(mismatches).as("(name, number) pairs where libseccomp 2.5.4 and jbox disagree").isEmpty();
    }

    private static String hex(int nr) {
        return nr >= 0x1000 ? "0x" + Integer.toHexString(nr) : Integer.toString(nr);
    }

    /** Table number -> name of the "#reserved" comment lines of the arch's resource. */
    private static Map<Integer, String> reservedNumbers(Arch arch) throws IOException {
        Map<Integer, String> m = new HashMap<>();
        try (InputStream in = SyscallTable.class.getResourceAsStream(SyscallTable.resourceName(arch))) {
            assertThat(in).isNotNull();
            for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
                if (line.startsWith("#reserved\t")) {
                    String[] f = line.split("\t");
                    m.put(Integer.parseInt(f[1]), f[2]);
                }
            }
        }
        return m;
    }
}
