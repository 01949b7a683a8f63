package dev.jbox.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code jbox learn}: a workload with files, threads, a subprocess and a loopback socket is
 * learned once; the learned profile (TOML and OCI) runs it again, and refuses what it never
 * made with the stated errno, in the real kernel and in {@code jbox check} alike. The learned
 * files are written outside the working directory (a config file there would need trust).
 */
class LearnIT {

    /** The executable python3 on PATH really runs (through links and shims such as pyenv's): what /proc/PID/exe names. */
    static final String PYTHON = Probe.pythonExecutable();
    static final String PYTHON_RE = java.util.regex.Pattern.quote(PYTHON);

    @TempDir
    static Path work;

    @TempDir
    static Path out;

    static Path toml;
    static Path oci;
    static Jbox.Result learned;
    static Jbox.Result learnedOci;

    /** Calls the workload never makes: the learned profile must refuse them with ENOSYS. */
    static final List<String> NEVER_MADE = List.of("getpriority:140:0:0", "times:100:0", "setpriority:141:0:0:0",
            "getitimer:36:0:0");

    @BeforeAll
    static void learn() throws IOException {
        try (InputStream in = LearnIT.class.getResourceAsStream("learn/workload.py")) {
            Files.write(work.resolve("workload.py"), in.readAllBytes());
        }
        toml = out.resolve("l.toml");
        oci = out.resolve("l.json");
        learned = Jbox.raw(List.of("learn", "-o", toml.toString(), "--", "python3", "workload.py"),
                Jbox.Options.in(work));
        learnedOci = Jbox.raw(List.of("learn", "--format", "oci", "-o", oci.toString(), "--", "python3", "workload.py"),
                Jbox.Options.in(work));
    }

    @Test
    void learningRunsTheWorkloadAndSaysWhatItWrote() {
        assertThat(learned.exit()).as("%s", learned).isZero();
        assertThat(learned.stdout()).isEqualTo("workload ok\n");
        assertThat(learned.stderrLines()).as("%s", learned).hasSize(1);
        assertThat(learned.stderrLines().getFirst()).matches(
                "jbox: learned \\d+ distinct calls beyond the core from \\d+ notifications; wrote " + toml + " \\(toml\\)");
    }

    @Test
    void theLearnedFileIsAnAnnotatedAllowListOverTheBase() throws IOException {
        String text = Files.readString(toml);
        assertThat(text).contains("[sandbox]\nseccomp = \"learned\"\n", "[profiles.learned]\n",
                "extends = \"minimal\"\n", "default_action = \"errno\"\n", "default_errno = \"ENOSYS\"\n",
                "# core", "bwrap needs it");
        // the calls the workload made are annotated with the executable and a count
        assertThat(text).containsPattern("\"bind\",  # " + PYTHON_RE + " x\\d+");
        assertThat(text).containsPattern("\"connect\",  # " + PYTHON_RE + " x\\d+");
        // the base's refusals stay, ahead of the allow rule for the same call
        assertThat(text).contains("syscall = \"clone\"\nerrno = \"EPERM\"\nargs = [{ arg = 0, op = \"masked_eq\","
                + " value = \"0x10000000\", mask = \"0x10000000\" }]");
        assertThat(text).contains("reason = \"AF_INET: " + PYTHON);
        for (String call : NEVER_MADE) {
            assertThat(text).doesNotContain("\"" + call.split(":")[0] + "\"");
        }
    }

    @Test
    void theLearnedProfileRunsTheWorkload() {
        Jbox.Result r = Jbox.run(List.of("--config", toml.toString()), List.of("python3", "workload.py"),
                Jbox.Options.in(work));
        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(r.stdout()).isEqualTo("workload ok\n");
    }

    @Test
    void theOciProfileRunsTheWorkload() {
        assertThat(learnedOci.exit()).as("%s", learnedOci).isZero();
        Jbox.Result r = Jbox.run(List.of("--seccomp-profile", oci.toString()), List.of("python3", "workload.py"),
                Jbox.Options.in(work));
        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(r.stdout()).isEqualTo("workload ok\n");
    }

    @Test
    void callsTheWorkloadNeverMadeAreRefusedWithEnosysByTheKernel() {
        for (List<String> filter : List.of(List.of("--config", toml.toString()),
                List.of("--seccomp-profile", oci.toString()))) {
            Jbox.Result r = Jbox.run(filter, Probe.command(work, NEVER_MADE), Jbox.Options.in(work));
            assertThat(r.exit()).as("%s", r).isZero();
            List<String> expected = new ArrayList<>();
            for (String c : NEVER_MADE) {
                expected.add(c.split(":")[0] + " ret=-1 errno=ENOSYS");
            }
            assertThat(r.stdoutLines()).as("%s %s", filter, r).containsExactlyElementsOf(expected);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"getpriority, ERRNO(ENOSYS)", "times, ERRNO(ENOSYS)", "ptrace, ERRNO(EPERM)", "bind, ALLOW",
            "socket AF_INET, ALLOW", "socket AF_VSOCK, ERRNO(EAFNOSUPPORT)", "clone CLONE_NEWUSER, ERRNO(EPERM)",
            "ioctl 1 TIOCSTI, ERRNO(EPERM)", "read, ALLOW"})
    void jboxCheckGivesTheSameVerdictForTomlAndOci(String call, String verdict) {
        List<String> args = List.of(call.split(" "));
        List<String> t = new ArrayList<>(List.of("check", "--config", toml.toString(), "--profile", "learned"));
        t.addAll(args);
        List<String> o = new ArrayList<>(List.of("check", "--seccomp-profile", oci.toString()));
        o.addAll(args);
        Jbox.Result rt = Jbox.raw(t, Jbox.Options.in(work));
        Jbox.Result ro = Jbox.raw(o, Jbox.Options.in(work));
        assertThat(rt.stdoutLines().getFirst()).as("%s", rt).endsWith("under 'learned' (from --profile): " + verdict);
        assertThat(ro.stdoutLines().getFirst()).as("%s", ro).endsWith("under '" + oci + "' (from --seccomp-profile): " + verdict);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "--format xml|jbox: unknown --format 'xml': use toml or oci; nothing was run",
            "--base mine|jbox: --base must be a preset (minimal, strict, dev, nested), not 'mine': the learned file extends it"
                    + " by name; nothing was run"})
    void badOptionsAreRefused(String opts, String message) {
        List<String> args = new ArrayList<>(List.of("learn"));
        args.addAll(List.of(opts.split(" ")));
        args.addAll(List.of("-o", out.resolve("never.toml").toString(), "--", "true"));
        Jbox.Result r = Jbox.raw(args, Jbox.Options.in(work));
        assertThat(r.exit()).as("%s", r).isEqualTo(125);
        assertThat(r.stderr()).isEqualTo(message + "\n");
        assertThat(out.resolve("never.toml")).doesNotExist();
    }

    @Test
    void learningWithoutAnOutputFileIsAUsageError() {
        Jbox.Result r = Jbox.raw(List.of("learn", "--", "true"), Jbox.Options.in(work));
        assertThat(r.exit()).as("%s", r).isEqualTo(125);
        assertThat(r.stderr()).isEqualTo(
                "jbox learn: Missing required option: '--output=FILE' (see 'jbox learn --help')\n");
    }
}
