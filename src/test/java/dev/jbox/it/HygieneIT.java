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
        List<String> java = new ArrayList<>(javaFlags);
        java.addAll(List.of("-jar", Jbox.jar().toString()));
        java.addAll(jboxArgs);
        return shellJava(before, java);
    }

    /** As {@link #shell}, started as jbox's launcher starts it: {@code -cp JAR dev.jbox.cli.Main}. */
    String shellAsLauncher(String before, List<String> javaFlags, List<String> jboxArgs) throws Exception {
        List<String> java = new ArrayList<>(javaFlags);
        java.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-cp", Jbox.jar().toString(), "dev.jbox.cli.Main"));
        java.addAll(jboxArgs);
        return shellJava(before, java);
    }

    private String shellJava(String before, List<String> javaArgs) throws Exception {
        List<String> java = new ArrayList<>(List.of(Jbox.java()));
        java.addAll(javaArgs);
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
    void noFdTheJvmOpensLateReachesTheCommand() throws Exception {
        // An AOT cache trained on a path without JBOX_NOFILE_SOFT: a launch that sets it (every
        // launcher does) needs the open-files limit's classes, which are not in the cache, after
        // jbox marked its fds close-on-exec, so the class loader opens the jar only then, without
        // O_CLOEXEC. That fd reached the sandboxed command until execve did the marking last.
        Path aot = cwd.resolve("late.aot");
        shellAsLauncher("unset JBOX_NOFILE_SOFT", List.of("-XX:-MaxFDLimit", "-XX:AOTCacheOutput=" + aot, "-Xlog:all=off"),
                List.of("run", "--dry-run", "--", "true"));
        assertThat(aot).as("the AOT cache trained").isRegularFile();
        List<String> flags = List.of("-XX:-MaxFDLimit", "-XX:AOTCache=" + aot, "-Xlog:aot=off", "-Xlog:cds=off");
        Path classes = cwd.resolve("classes.log");
        shellAsLauncher("export JBOX_NOFILE_SOFT=$(ulimit -Sn)",
                List.of(flags.get(0), flags.get(1), "-Xlog:class+load=info:file=" + classes, "-Xlog:aot=off", "-Xlog:cds=off"),
                List.of("run", "--dry-run", "--", "true"));
        assertThat(Files.readString(classes)).as("control: a class comes from the jar, not the cache")
                .containsPattern("source: (file|jar):");
        String out = shellAsLauncher("export JBOX_NOFILE_SOFT=$(ulimit -Sn)", flags,
                List.of("run", "--profile", "strict", "--", "ls", "-l", "/proc/self/fd"));
        assertThat(out).doesNotContain(".jar").doesNotContain("memfd");
        assertThat(out.lines().filter(l -> l.contains(" -> ")).count()).as(out).isEqualTo(4); // 0-2 and ls's own
        String direct = shellAsLauncher("export JBOX_NOFILE_SOFT=$(ulimit -Sn)", flags,
                List.of("run", "--no-namespaces", "--profile", "strict", "--", "ls", "-l", "/proc/self/fd"));
        assertThat(direct).doesNotContain(".jar");
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
