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
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The rows of docs/COMPAT.md that must hold, checked with the same workload scripts
 * ({@code src/test/resources/dev/jbox/it/compat/}) that {@code scripts/compat} runs: the
 * standard workloads work under {@code minimal} and {@code strict}; strace and gdb are refused
 * ptrace (EPERM) under {@code strict} and work under {@code dev}; the real clients that build
 * sandboxes of their own (srt from npm, bwrap inside {@code jbox bwrap}) work under
 * {@code nested}, with jbox's filter still in force inside them, and fail under {@code minimal}
 * with the refused call named. A representative subset, to stay fast; {@code scripts/compat}
 * runs them all, on every profile.
 *
 * <p>A missing tool fails the test (never skips it): {@code scripts/test} installs them. The
 * srt tests are the exception: they skip, saying why, without node, npm, socat or ripgrep, or
 * when the npm registry cannot be reached and no earlier install is cached.
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

    @Test
    void srtWorksUnderNestedAndJboxsFilterHoldsInsideIt() throws Exception {
        Jbox.Result r = client("srt", "nested");
        assertThat(r.exit()).as("srt.sh under nested: %s", r).isZero();
        assertThat(r.stdout()).as("%s", r).contains("ok: srt -c 'echo hello'", "ok: srt reads a file",
                "ok: srt writes in the working directory", "ok: srt blocks the network")
                .contains("inside srt: ptrace EPERM, bpf EPERM, keyctl EPERM, ioctl EPERM");
    }

    @Test
    void srtFailsUnderMinimalNamingTheRefusedCall() throws Exception {
        Jbox.Result r = client("srt", "minimal");
        assertThat(r.exit()).as("srt.sh under minimal: %s", r).isNotZero();
        assertThat(r.stderr()).as("%s", r).contains("apply-seccomp: unshare(CLONE_NEWUSER): Operation not permitted");
        assertThat(r.stdout()).doesNotContain("ok: srt -c");
    }

    @ParameterizedTest(name = "bwrap inside jbox bwrap under {0}")
    @CsvSource({"nested, 0", "minimal, 1"})
    void aNestedBwrapNeedsTheNestedPreset(String profile, int exit) throws Exception {
        Jbox.Result r = client("nested-bwrap", profile);
        assertThat(r.exit()).as("nested-bwrap.sh under %s: %s", profile, r).isEqualTo(exit);
        if (exit == 0) {
            assertThat(r.stdout()).contains("ok: bwrap inside jbox bwrap under nested");
        } else {
            // bwrap blames the kernel (unprivileged) or its mount (root): the refusal is jbox's
            assertThat(r.stderr()).as("%s", r).containsAnyOf("bwrap: No permissions to create new namespace",
                    "bwrap: Failed to make / slave: Operation not permitted");
        }
    }

    /**
     * A client workload ({@code # via: path}): run on the host as {@code bash ./WORKLOAD.sh} with
     * a directory holding {@code bwrap -> scripts/jbox} first on PATH and JBOX_PROFILE set, as a
     * user runs a client with jbox installed as bwrap.
     */
    private Jbox.Result client(String name, String profile) throws IOException, InterruptedException {
        if (name.equals("srt")) {
            List<String> missing = new ArrayList<>();
            for (String tool : List.of("node", "npm", "socat", "rg", "python3", "curl")) {
                if (java.util.Arrays.stream(PATH.split(":")).noneMatch(d -> Files.isExecutable(Path.of(d, tool)))) {
                    missing.add(tool);
                }
            }
            Assumptions.assumeTrue(missing.isEmpty(), "srt needs " + String.join(", ", missing)
                    + " (scripts/test installs nodejs, npm, socat and ripgrep)");
        }
        Path dir = Files.createDirectory(cwd.resolve(name + "-" + profile));
        try (InputStream in = CompatIT.class.getResourceAsStream("compat/" + name + ".sh")) {
            if (in == null) {
                throw new AssertionError("no workload script compat/" + name + ".sh on the test classpath");
            }
            Files.copy(in, dir.resolve(name + ".sh"));
        }
        Path bin = Files.createDirectories(cwd.resolve("bwrap-bin"));
        if (!Files.exists(bin.resolve("bwrap"), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Files.createSymbolicLink(bin.resolve("bwrap"), Shell.script());
        }
        // npm installs are cached in the repository's target/ where this user may write
        Path target = Probe.repo().resolve("target");
        Path cache = Files.isWritable(target) ? target.resolve("clients") : cwd.resolve("clients");
        ProcessBuilder pb = new ProcessBuilder("/bin/bash", "./" + name + ".sh").directory(dir.toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("JBOX_"));
        env.remove("JAVA_TOOL_OPTIONS");
        env.remove("JDK_JAVA_OPTIONS");
        env.remove("_JAVA_OPTIONS");
        env.putAll(env());
        env.put("PATH", bin + ":" + PATH);
        env.put("JBOX_PROFILE", profile);
        env.put("JBOX_JAR", Jbox.jar().toString());
        env.put("JBOX_CLIENT_CACHE", cache.toString());
        Path out = dir.resolve(".stdout");
        Path err = dir.resolve(".stderr");
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        // npm's registry query and install, then six srt runs, each starting jbox and node
        if (!p.waitFor(300, java.util.concurrent.TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError(name + ".sh under " + profile + " did not finish in 300 s: "
                    + Files.readString(err));
        }
        Jbox.Result r = new Jbox.Result(p.exitValue(), Files.readString(out), Files.readString(err));
        Assumptions.assumeFalse(r.stderr().contains("(registry unreachable?)"),
                "the npm registry is unreachable and no srt is cached in " + cache + ": " + r.stderr().strip());
        return r;
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
