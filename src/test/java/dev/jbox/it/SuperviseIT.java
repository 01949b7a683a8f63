package dev.jbox.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * The supervising mode of {@code run} ({@code --timeout}, {@code --forward-signals}): exit
 * statuses pass through, signals jbox receives reach the command (whose handlers run),
 * the time limit ends the command with 124, and nothing is left running afterwards.
 */
class SuperviseIT {

    @TempDir
    Path cwd;

    private Jbox.Result run(List<String> jboxArgs, List<String> cmd) {
        return Jbox.run(jboxArgs, cmd, Jbox.Options.in(cwd));
    }

    @ParameterizedTest(name = "exit {0}")
    @CsvSource({"0", "1", "7"})
    void exitStatusesPassThrough(int status) {
        Jbox.Result r = run(List.of("--forward-signals"), List.of("sh", "-c", "echo out; echo err >&2; exit " + status));
        assertThat(r.exit()).as("%s", r).isEqualTo(status);
        assertThat(r.stdout()).as("%s", r).isEqualTo("out\n");
        assertThat(r.stderr()).as("no extra lines: %s", r).isEqualTo("err\n");
    }

    @Test
    void aMissingCommandIs127() {
        Jbox.Result r = run(List.of("--forward-signals"), List.of("no-such-command-xyz"));
        assertThat(r.exit()).as("%s", r).isEqualTo(127);
    }

    @ParameterizedTest(name = "SIG{0}")
    @CsvSource({"INT, 130", "TERM, 143"})
    void aCommandKilledByASignalIs128PlusN(String sig, int status) {
        Jbox.Result r = run(List.of("--forward-signals"), List.of("sh", "-c", "kill -" + sig + " $$"));
        assertThat(r.exit()).as("%s", r).isEqualTo(status);
    }

    @Test
    void theFilterIsThereAndOnlyStdioReachesTheCommand() {
        Jbox.Result r = Jbox.run(List.of("--forward-signals"), Probe.command(cwd, List.of("status", "fds")),
                Jbox.Options.in(cwd).withExtraFds());
        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(r.stdoutLines()).as("%s", r).contains("Seccomp:\t2", "Seccomp_filters:\t1", "fds 0,1,2");
    }

    /** Starts jbox (not waiting), with stdout/stderr into files. */
    private Process start(List<String> jboxArgs, List<String> cmd, Path out, Path err) throws IOException {
        List<String> argv = new ArrayList<>(List.of(Jbox.java(), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-XX:-MaxFDLimit", "-jar", Jbox.jar().toString(), "run"));
        argv.addAll(jboxArgs);
        argv.add("--");
        argv.addAll(cmd);
        ProcessBuilder pb = new ProcessBuilder(argv).directory(cwd.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("JBOX_"));
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        return pb.start();
    }

    private static void awaitLine(Path file, String line, Process p) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < end) {
            if (Files.readString(file).contains(line)) {
                return;
            }
            if (!p.isAlive()) {
                throw new AssertionError("ended before printing " + line + ": " + Files.readString(file));
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no '" + line + "' within 30 s: " + Files.readString(file));
    }

    @Test
    void aSigtermToJboxRunsTheCommandsHandler() throws Exception {
        Path out = cwd.resolve("out.txt");
        Path err = cwd.resolve("err.txt");
        Process p = start(List.of("--forward-signals"), List.of("sh", "-c",
                "trap 'echo handler ran; exit 3' TERM; echo ready; while :; do sleep 0.05; done"), out, err);
        awaitLine(out, "ready", p);
        p.destroy(); // SIGTERM to jbox only
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(out)).isEqualTo("ready\nhandler ran\n");
        assertThat(p.exitValue()).as(Files.readString(err)).isEqualTo(3);
        assertThat(Files.readString(err)).isEmpty();
    }

    @Test
    void aSigtermToJboxEndsAnUntrappingCommandWith143() throws Exception {
        Path out = cwd.resolve("out.txt");
        Path err = cwd.resolve("err.txt");
        Process p = start(List.of("--forward-signals"), List.of("sh", "-c", "echo ready; exec sleep 60"), out, err);
        awaitLine(out, "ready", p);
        Thread.sleep(200); // let the exec happen
        p.destroy();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(err)).isEqualTo(143);
    }

    @Test
    void theTimeLimitEndsTheCommandWith124AndLeavesNothingBehind() {
        String marker = "jbox-marker-" + UUID.randomUUID();
        long t0 = System.nanoTime();
        Jbox.Result r = run(List.of("--timeout", "1s"), List.of("sh", "-c",
                "sleep 60 & sleep 61; : " + marker));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertThat(r.exit()).as("%s", r).isEqualTo(124);
        assertThat(r.stderr()).as("%s", r).isEmpty();
        // ended by the limit, not by the command (the test's own wait ends at 60 s): no speed is asserted
        assertThat(ms).as("ended before the command's own sleep 60").isLessThan(55_000);
        assertThat(Jbox.processesWith(marker)).as("left behind").isEmpty();
    }

    @Test
    void aCommandThatIgnoresSigtermIsKilledAfterTheGracePeriod() {
        String marker = "jbox-marker-" + UUID.randomUUID();
        long t0 = System.nanoTime();
        Jbox.Result r = run(List.of("--timeout", "1", "--kill-after", "1s", "--verbose"), List.of("sh", "-c",
                "trap '' TERM; sleep 60 & while :; do sleep 0.1; done; : " + marker));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertThat(r.exit()).as("%s", r).isEqualTo(124);
        // the grace period was given (1 s limit + 1 s); the SIGKILL itself shows in stderr and the exit status
        assertThat(ms).as("%s", r).isGreaterThanOrEqualTo(2_000L);
        assertThat(r.stderr()).as("%s", r).contains("SIGTERM").contains("SIGKILL");
        assertThat(Jbox.processesWith(marker)).as("left behind").isEmpty();
    }

    @Test
    void aCommandWithinItsTimeLimitKeepsItsStatus() {
        Jbox.Result r = run(List.of("--timeout", "30s"), List.of("sh", "-c", "exit 5"));
        assertThat(r.exit()).as("%s", r).isEqualTo(5);
        assertThat(r.stderr()).as("%s", r).isEmpty();
    }

    @Test
    void badDurationsAreJboxErrors() {
        Jbox.Result r = run(List.of("--timeout", "5x"), List.of("true"));
        assertThat(r.exit()).as("%s", r).isEqualTo(125);
        assertThat(r.stderrLines()).as("%s", r).hasSize(1).first().asString().contains("invalid duration");
        Jbox.Result k = run(List.of("--kill-after", "5"), List.of("true"));
        assertThat(k.exit()).as("%s", k).isEqualTo(125);
    }

    @Test
    void aBwrapThatCannotSetUpTheSandboxPointsToDoctor() throws IOException {
        Path fake = cwd.resolve("fake-bwrap");
        Files.writeString(fake, "#!/bin/sh\n[ \"$1\" = --help ] && { echo '    --seccomp FD   Load and use seccomp rules from FD'; exit 0; }\n"
                + "echo 'bwrap: No permissions to creating new namespace, likely because"
                + " the kernel does not allow non-privileged user namespaces.' >&2\nexit 1\n");
        fake.toFile().setExecutable(true);
        Jbox.Result r = Jbox.run(List.of("--forward-signals"), List.of("true"),
                Jbox.Options.in(cwd).withEnv(Map.of("JBOX_BWRAP", fake.toString())));
        assertThat(r.exit()).as("%s", r).isEqualTo(125);
        assertThat(r.stderrLines()).as("%s", r).hasSize(2);
        assertThat(r.stderrLines().get(1)).contains("jbox doctor");
    }
}
