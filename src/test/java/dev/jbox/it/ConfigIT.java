package dev.jbox.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A jbox.toml next to the project decides the sandbox, as a user would write it. */
class ConfigIT {

    Path cwd;

    @BeforeEach
    void setUp() throws Exception {
        cwd = Files.createTempDirectory("jbox-config-it");
    }

    @AfterEach
    void tearDown() throws Exception {
        Jbox.deleteTree(cwd);
    }

    Jbox.Result jbox(List<String> args) {
        return Jbox.raw(args, Jbox.Options.in(cwd));
    }

    @Test
    void aStrictJboxTomlAppliesStrict() throws Exception {
        Files.writeString(cwd.resolve("jbox.toml"), "[sandbox]\nseccomp = \"strict\"\nhostname = \"box\"\n");
        Jbox.Result cfg = jbox(List.of("config"));
        assertThat(cfg.stdout()).contains("config file: " + cwd.resolve("jbox.toml"), "seccomp:     strict");
        Jbox.Result r = Jbox.run(List.of(), Probe.command(cwd, List.of("status", "vsock:41:40:1:0")), Jbox.Options.in(cwd));
        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(r.stdout()).contains("Seccomp:\t2").contains("vsock ret=-1 errno=EAFNOSUPPORT");
        Jbox.Result h = Jbox.run(List.of(), List.of("hostname"), Jbox.Options.in(cwd));
        assertThat(h.stdout().strip()).isEqualTo("box");
    }

    @Test
    void aCustomProfileExtendingStrictLetsStraceRun() throws Exception {
        Files.writeString(cwd.resolve("jbox.toml"), """
                [sandbox]
                seccomp = "tracer"

                [profiles.tracer]
                extends = "strict"
                allow = ["ptrace"]
                """);
        Jbox.Result r = Jbox.run(List.of(), List.of("strace", "-f", "-o", "/dev/null", "true"), Jbox.Options.in(cwd));
        assertThat(r.exit()).as("%s", r).isZero();
        Jbox.Result strict = Jbox.run(List.of("--profile", "strict"), List.of("strace", "-f", "-o", "/dev/null", "true"),
                Jbox.Options.in(cwd));
        assertThat(strict.exit()).as("the command line overrides the file: %s", strict).isNotZero();
    }

    @Test
    void seccompFalseRunsWithoutAFilterAndSaysSoOnce() throws Exception {
        Files.writeString(cwd.resolve("jbox.toml"), "[sandbox]\nseccomp = false\n");
        Jbox.Result r = Jbox.run(List.of(), List.of("sh", "-c", "grep Seccomp: /proc/self/status"), Jbox.Options.in(cwd));
        assertThat(r.exit()).isZero();
        assertThat(r.stdout()).contains("Seccomp:\t0");
        assertThat(r.stderrLines()).hasSize(1);
        assertThat(r.stderrLines().getFirst()).contains("no seccomp filter").contains("jbox.toml");
    }

    @Test
    void complainModeLetsTheWorkloadRunUnderStrict() {
        Jbox.Result r = Jbox.run(List.of("--complain", "--profile", "strict"),
                Probe.command(cwd, List.of("vsock:41:40:1:0", "status")), Jbox.Options.in(cwd));
        assertThat(r.exit()).as("%s", r).isZero();
        // logged, not refused: the socket is created; the filter is still there
        assertThat(r.stdout()).contains("vsock ret=3 errno=0").contains("Seccomp:\t2");
    }

    @Test
    void aBrokenJboxTomlRunsNothing() throws Exception {
        Files.writeString(cwd.resolve("jbox.toml"), "[sandbox]\nsecomp = \"strict\"\n");
        Jbox.Result r = Jbox.run(List.of(), List.of("touch", "ran"), Jbox.Options.in(cwd));
        assertThat(r.exit()).isEqualTo(125);
        assertThat(r.stderrLines()).containsExactly("jbox: " + cwd.resolve("jbox.toml")
                + ": [sandbox]: unknown key 'secomp' (did you mean seccomp?); nothing was run");
        assertThat(cwd.resolve("ran")).doesNotExist();
    }
}
