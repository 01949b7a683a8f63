package dev.jbox.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The rows of docs/COMPAT.md that must hold, checked with the same workload scripts
 * ({@code src/test/resources/dev/jbox/it/compat/}) that {@code scripts/compat} runs: the
 * standard workloads work under {@code minimal} and {@code strict}; strace and gdb are refused
 * ptrace (EPERM) under {@code strict} and work under {@code dev}. A representative subset, to
 * stay fast; {@code scripts/compat} runs them all, on every profile.
 *
 * <p>A missing tool fails the test (never skips it): {@code scripts/test} installs them.
 */
class CompatIT {

    /** The system's tools, not the caller's shims (pyenv, nvm), and untranslated messages. */
    private static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /** What the workloads below run, by command name. */
    private static final List<String> TOOLS = List.of("bash", "script", "cp", "mv", "tar", "gzip", "sort", "find",
            "xargs", "git", "python3", "gcc", "make", "strace", "gdb");

    @TempDir
    Path cwd;

    @BeforeAll
    static void toolsAreInstalled() {
        List<String> missing = new ArrayList<>();
        for (String tool : TOOLS) {
            boolean found = false;
            for (String dir : PATH.split(":")) {
                if (Files.isExecutable(Path.of(dir, tool))) {
                    found = true;
                    break;
                }
            }
            if (!found) {
                missing.add(tool);
            }
        }
        if (!missing.isEmpty()) {
            fail("CompatIT needs " + String.join(", ", missing) + " (not found in " + PATH
                    + "): run scripts/test, which installs the integration tests' tools");
        }
    }

    @ParameterizedTest(name = "{0} under {1}")
    @CsvSource({
        "bash, minimal", "bash, strict",
        "coreutils, minimal", "coreutils, strict",
        "git, minimal", "git, strict",
        "python, minimal", "python, strict",
        "c, minimal", "c, strict",
    })
    void standardWorkloadsWork(String workload, String profile) throws IOException {
        Jbox.Result r = workload(workload, profile);
        assertThat(r.exit()).as("%s.sh under %s: %s", workload, profile, r).isZero();
        assertThat(r.stdout()).as("%s", r).contains("ok: ");
    }

    @ParameterizedTest(name = "java -version under {0}")
    @CsvSource({"minimal", "strict"})
    void theJvmStarts(String profile) {
        Jbox.Result r = Jbox.run(List.of("--profile", profile), List.of(Jbox.java(), "-version"), options());
        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(r.stderr()).as("%s", r).contains("version \"" + Runtime.version().feature());
    }

    @Test
    void straceAndGdbAreRefusedPtraceUnderStrict() throws IOException {
        for (String workload : List.of("strace", "gdb")) {
            Jbox.Result r = workload(workload, "strict");
            assertThat(r.exit()).as("%s.sh under strict: %s", workload, r).isNotZero();
            assertThat(r.stderr()).as("%s.sh under strict: EPERM from ptrace", workload)
                    .containsIgnoringCase("ptrace").contains("Operation not permitted");
        }
    }

    @Test
    void straceAndGdbWorkUnderDev() throws IOException {
        for (String workload : List.of("strace", "gdb")) {
            Jbox.Result r = workload(workload, "dev");
            assertThat(r.exit()).as("%s.sh under dev: %s", workload, r).isZero();
            assertThat(r.stdout()).as("%s", r).contains("ok: ");
        }
    }

    /** {@code jbox run --profile PROFILE -- bash ./WORKLOAD.sh} in a fresh directory of its own. */
    private Jbox.Result workload(String name, String profile) throws IOException {
        Path dir = Files.createDirectory(cwd.resolve(name + "-" + profile));
        try (InputStream in = CompatIT.class.getResourceAsStream("compat/" + name + ".sh")) {
            if (in == null) {
                throw new AssertionError("no workload script compat/" + name + ".sh on the test classpath");
            }
            Files.copy(in, dir.resolve(name + ".sh"));
        }
        return Jbox.run(List.of("--profile", profile), List.of("bash", "./" + name + ".sh"),
                new Jbox.Options(dir, env(), false));
    }

    private Jbox.Options options() {
        return new Jbox.Options(cwd, env(), false);
    }

    private static Map<String, String> env() {
        return Map.of("PATH", PATH, "LC_ALL", "C", "JAVA_HOME", System.getProperty("java.home"));
    }
}
