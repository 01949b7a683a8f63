package dev.jbox.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code run --report}: the command sees exactly what it sees without the report, and the
 * report (stderr, after the command) names each refused call with its deciding argument,
 * errno, count and executable; bwrap's own set-up never appears; complain mode lets the calls
 * through; killing jbox leaves nothing running and lets nothing through.
 */
class ReportIT {

    /** The executable python3 on PATH really runs (through links and shims such as pyenv's): what /proc/PID/exe names. */
    static final String PYTHON = Probe.pythonExecutable();
    static final String PYTHON_RE = java.util.regex.Pattern.quote(PYTHON);

    @TempDir
    Path cwd;

    @TempDir
    Path elsewhere;

    private static final String VSOCK = "import socket\ntry:\n    socket.socket(40, 1)\n    print('created')\n"
            + "except OSError as e:\n    print('errno', e.errno)\n";

    private Jbox.Result run(List<String> jboxArgs, List<String> cmd) {
        return Jbox.run(jboxArgs, cmd, Jbox.Options.in(cwd));
    }

    /** stderr without the report's lines: what the command itself wrote. */
    private static List<String> commandStderr(Jbox.Result r) {
        return r.stderrLines().stream().filter(l -> !l.startsWith("jbox: ")).toList();
    }

    private static List<String> reportLines(Jbox.Result r) {
        return r.stderrLines().stream().filter(l -> l.startsWith("jbox: ")).toList();
    }

    @Test
    void aVsockSocketUnderStrictIsRefusedAsWithoutTheReportAndReported() {
        Jbox.Result plain = run(List.of("--profile", "strict"), List.of("python3", "-c", VSOCK));
        Jbox.Result r = run(List.of("--profile", "strict", "--report"), List.of("python3", "-c", VSOCK));
        assertThat(plain.stdout()).as("%s", plain).isEqualTo("errno 97\n"); // EAFNOSUPPORT
        assertThat(r.stdout()).as("%s", r).isEqualTo(plain.stdout());
        assertThat(r.exit()).as("%s", r).isEqualTo(plain.exit()).isZero();
        assertThat(reportLines(r)).as("%s", r).hasSize(2);
        assertThat(reportLines(r).get(0)).isEqualTo("jbox: report: profile 'strict' refused 1 call (1 distinct):");
        assertThat(reportLines(r).get(1)).as("%s", r)
                .matches("jbox:   socket\\(AF_VSOCK\\) -> EAFNOSUPPORT, 1 time, by " + PYTHON_RE + " \\(pid \\d+\\)");
    }

    @Test
    void straceUnderMinimalIsRefusedPtraceWithEperm() {
        List<String> cmd = List.of("strace", "-f", "-o", "/dev/null", "true");
        Jbox.Result plain = run(List.of(), cmd);
        Jbox.Result r = run(List.of("--report"), cmd);
        assertThat(r.exit()).as("%s", r).isEqualTo(plain.exit()).isNotZero();
        assertThat(r.stdout()).isEqualTo(plain.stdout());
        assertThat(commandStderr(r)).as("%s", r).isEqualTo(commandStderr(plain));
        assertThat(reportLines(r)).as("%s", r).anySatisfy(l -> assertThat(l)
                .matches("jbox:   ptrace -> EPERM, \\d+ times?, by /usr/bin/strace \\(pid \\d+\\)"));
        assertThat(reportLines(r)).as("only ptrace: %s", r).hasSize(2);
    }

    @Test
    void ioUringSetupUnderStrictIsRefusedWithEnosys() {
        List<String> cmd = Probe.command(cwd, List.of("io_uring_setup:425:4:0"));
        Jbox.Result plain = run(List.of("--profile", "strict"), cmd);
        Jbox.Result r = run(List.of("--profile", "strict", "--report"), cmd);
        assertThat(plain.stdout()).as("%s", plain).isEqualTo("io_uring_setup ret=-1 errno=ENOSYS\n");
        assertThat(r.stdout()).as("%s", r).isEqualTo(plain.stdout());
        assertThat(reportLines(r)).as("%s", r).containsExactly(
                "jbox: report: profile 'strict' refused 1 call (1 distinct):",
                "jbox:   io_uring_setup -> ENOSYS, 1 time, by " + cmd.getFirst() + " (pid 2)");
    }

    @Test
    void bwrapsOwnSetUpNeverAppears() {
        Jbox.Result r = run(List.of("--report"), List.of("true"));
        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(r.stderr()).as("%s", r).isEqualTo("jbox: report: profile 'minimal' refused nothing\n");
    }

    @Test
    void complainModeLetsTheCallThroughAndListsItAsWouldRefuse() {
        Jbox.Result r = run(List.of("--profile", "strict", "--complain", "--report"), List.of("python3", "-c", VSOCK));
        assertThat(r.stdout()).as("%s", r).isEqualTo("created\n");
        assertThat(reportLines(r)).as("%s", r).hasSize(2);
        assertThat(reportLines(r).get(0)).isEqualTo(
                "jbox: report: profile 'strict' would refuse 1 call (1 distinct); complain mode let them through:");
        assertThat(reportLines(r).get(1)).matches(
                "jbox:   socket\\(AF_VSOCK\\) -> would refuse EAFNOSUPPORT, 1 time, by " + PYTHON_RE + " \\(pid \\d+\\)");
    }

    @Test
    void reportJsonWritesTheSameForMachinesAndKeepsStderrQuiet() throws IOException {
        Path json = elsewhere.resolve("report.json");
        Jbox.Result r = run(List.of("--profile", "strict", "--report-json", json.toString()), List.of("python3", "-c", VSOCK));
        assertThat(r.stderr()).as("%s", r).isEmpty();
        assertThat(r.stdout()).isEqualTo("errno 97\n");
        String text = Files.readString(json);
        assertThat(text).contains("\"profile\": \"strict\"", "\"mode\": \"enforce\"", "\"syscall\": \"socket\"",
                "\"argument\": \"AF_VSOCK\"", "\"answer\": \"EAFNOSUPPORT\"", "\"errno\": 97", "\"count\": 1",
                "\"let_through\": false", "\"executable\": \"" + PYTHON);
    }

    @Test
    void theReportKeepsTheCommandsExitStatus() {
        Jbox.Result r = run(List.of("--report"), List.of("sh", "-c", "exit 7"));
        assertThat(r.exit()).as("%s", r).isEqualTo(7);
    }

    @Test
    void aTimeLimitStillEndsWithTheReport() {
        // The refused call must come before the limit: python's start under a loaded machine
        // once took longer than a 2 s limit (stdout empty). 15 s is far beyond any start-up,
        // and the command would sleep well past it: what is checked is the report, not a speed.
        Jbox.Result r = run(List.of("--profile", "strict", "--report", "--timeout", "15s"),
                // -u: the line must be out before the time limit's SIGTERM, which flushes nothing
                List.of("python3", "-u", "-c", VSOCK + "import time\ntime.sleep(600)\n"));
        assertThat(r.exit()).as("%s", r).isEqualTo(124);
        assertThat(r.stdout()).isEqualTo("errno 97\n");
        assertThat(reportLines(r)).as("%s", r).hasSize(2);
        assertThat(reportLines(r).get(1)).startsWith("jbox:   socket(AF_VSOCK) -> EAFNOSUPPORT, 1 time, by " + PYTHON);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "--report --dry-run|jbox: --report runs the command; --dry-run runs nothing: choose one; nothing was run",
            "--report --no-namespaces|jbox: --report cannot be combined with --no-namespaces: jbox becomes the command; nothing was run",
            "--report --no-seccomp|jbox: --report needs a profile, not --no-seccomp; nothing was run",
            "--report-json x.json --no-seccomp|jbox: --report-json needs a profile, not --no-seccomp; nothing was run"})
    void badCombinationsAreRefused(String args, String message) {
        Jbox.Result r = run(List.of(args.split(" ")), List.of("true"));
        assertThat(r.exit()).as("%s", r).isEqualTo(125);
        assertThat(r.stderr()).isEqualTo(message + "\n");
    }

    @Test
    void aRawBpfProgramCannotBeReported() throws IOException {
        Path bpf = elsewhere.resolve("allow.bpf");
        // one instruction: RET ALLOW
        Files.write(bpf, new byte[] {6, 0, 0, 0, 0, 0, (byte) 0xff, 0x7f});
        Jbox.Result r = run(List.of("--report", "--bpf", bpf.toString()), List.of("true"));
        assertThat(r.exit()).as("%s", r).isEqualTo(125);
        assertThat(r.stderr()).isEqualTo(
                "jbox: --report needs a profile: a raw --bpf program has no rules to report; nothing was run\n");
    }

    @Test
    void aSetuidBwrapIsRefusedWithOneLine() throws IOException {
        Path bwrap = elsewhere.resolve("bwrap");
        Files.copy(bwrap(), bwrap);
        Files.setPosixFilePermissions(bwrap, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setAttribute(bwrap, "unix:mode", 04755);
        Jbox.Result r = Jbox.run(List.of("--report"), List.of("true"),
                Jbox.Options.in(cwd).withEnv(Map.of("JBOX_BWRAP", bwrap.toString())));
        assertThat(r.exit()).as("%s", r).isEqualTo(125);
        assertThat(r.stderr()).isEqualTo("jbox: --report needs a bwrap that is not setuid (" + bwrap + " is): it runs"
                + " bwrap under no_new_privs, which keeps a setuid bwrap from setting up the sandbox; nothing was run\n");
    }

    @Test
    void killingJboxLetsNothingThroughAndLeavesNothingRunning() throws Exception {
        String marker = "jbox-marker-" + UUID.randomUUID();
        // ptrace(PTRACE_SEIZE, 1) again and again: refused (EPERM) while jbox answers, ENOSYS
        // once its listener is gone; never 0
        String loop = "import ctypes, os, time\nlibc = ctypes.CDLL(None, use_errno=True)\n"
                + "with open('out.txt', 'a', buffering=1) as f:\n"
                + "    for i in range(600):\n"
                + "        r = libc.syscall(101, 0x4206, 1, 0, 0)\n"
                + "        f.write('%d %d %s\\n' % (i, r, os.strerror(ctypes.get_errno())))\n"
                + "        time.sleep(0.02)\n";
        Path out = cwd.resolve("out.txt");
        List<String> argv = new ArrayList<>(List.of(Jbox.java(), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-XX:-MaxFDLimit", "-jar", Jbox.jar().toString(), "run", "--report", "--", "python3", "-c", loop, marker));
        ProcessBuilder pb = new ProcessBuilder(argv).directory(cwd.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("JBOX_"));
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while ((!Files.exists(out) || Files.readAllLines(out).size() < 5) && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertThat(Files.readAllLines(out)).as("the loop ran").hasSizeGreaterThanOrEqualTo(5);
        p.destroyForcibly(); // SIGKILL
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        long gone = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Jbox.processesWith(marker).isEmpty() && System.nanoTime() < gone) {
            Thread.sleep(50);
        }
        assertThat(Jbox.processesWith(marker)).as("left behind").isEmpty();
        List<String> lines = Files.readAllLines(out);
        assertThat(lines).as("never let through").allSatisfy(l -> assertThat(l)
                .matches("\\d+ -1 (Operation not permitted|Function not implemented)"));
    }

    /** The bwrap on PATH, as jbox would find it. */
    static Path bwrap() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, "bwrap");
            if (dir.startsWith("/") && Files.isExecutable(p)) {
                return p;
            }
        }
        return Path.of("/usr/bin/bwrap");
    }
}
