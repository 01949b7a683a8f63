package dev.jbox.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The process state the command inherits is the caller's, not the JVM's: open-files limit,
 * blocked signals, file descriptors; the filter's memfd does not survive into the command.
 */
class HygieneIT {

    Path cwd;

    @BeforeEach
    void setUp() throws Exception {
        cwd = Files.createTempDirectory("jbox-hygiene-it");
    }

    @AfterEach
    void tearDown() throws Exception {
        Jbox.deleteTree(cwd);
    }

    /** Runs {@code sh -c SCRIPT} where SCRIPT ends by exec'ing the JVM with jbox's args. */
    String shell(String before, List<String> javaFlags, List<String> jboxArgs) throws Exception {
        List<String> java = new ArrayList<>(List.of(Jbox.java()));
        java.addAll(javaFlags);
        java.addAll(List.of("-jar", Jbox.jar().toString()));
        java.addAll(jboxArgs);
        StringBuilder script = new StringBuilder(before).append("; exec");
        for (String a : java) {
            script.append(" '").append(a.replace("'", "'\\''")).append('\'');
        }
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", script.toString()).directory(cwd.toFile())
                .redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("JBOX_"));
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    static final List<String> INSIDE = List.of("run", "--profile", "strict", "--", "sh", "-c",
            "ulimit -n; grep -E '^(SigBlk|Seccomp):' /proc/self/status; ls /proc/self/fd | tr '\\n' ' '");

    @Test
    void openFilesLimitIsTheCallersWithMaxFdLimitOff() throws Exception {
        String out = shell("ulimit -Sn 777", List.of("-XX:-MaxFDLimit"), INSIDE);
        assertThat(out).startsWith("777\n");
    }

    @Test
    void openFilesLimitIsRestoredWhenTheJvmRaisedIt() throws Exception {
        // without -XX:-MaxFDLimit HotSpot raises the soft limit to the hard one; scripts/jbox
        // passes the caller's value in JBOX_NOFILE_SOFT and jbox puts it back before exec
        String out = shell("ulimit -Sn 777; export JBOX_NOFILE_SOFT=777", List.of(), INSIDE);
        assertThat(out).startsWith("777\n");
        String raised = shell("ulimit -Sn 777", List.of(), INSIDE);
        assertThat(raised).as("control: the JVM does raise it when not told the caller's value").doesNotStartWith("777\n");
    }

    @Test
    void signalMaskIsEmptyAndOnlyStdioReachesTheCommand() throws Exception {
        String out = shell("exec 5</dev/null 9</etc/hostname", List.of("-XX:-MaxFDLimit"), INSIDE);
        assertThat(out).contains("SigBlk:\t0000000000000000\n").contains("Seccomp:\t2\n");
        // fds 0-2 and the one `ls` opens for /proc/self/fd: no memfd, no jar, no 5 or 9
        assertThat(out.strip()).endsWith("0 1 2 3");
    }

    @Test
    void theMemfdIsGoneInsideAndSealedBeforeThat() throws Exception {
        String out = shell("true", List.of("-XX:-MaxFDLimit"),
                List.of("run", "--", "sh", "-c", "ls -l /proc/self/fd/ /proc/1/fd/ 2>&1 | grep -c memfd || true"));
        assertThat(out.strip()).as("no memfd open in the command or in bwrap's pid 1").isEqualTo("0");
        String dry = shell("true", List.of("-XX:-MaxFDLimit"), List.of("run", "--dry-run", "--", "true"));
        assertThat(dry).contains("sealed memfd");
    }
}
