package dev.jbox.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A jbox.toml next to the project decides the sandbox, as a user would write it, once the
 * user trusted it ({@code jbox trust}; a trust store of the test's own).
 */
class ConfigIT {

    Path cwd;
    Path state;

    @BeforeEach
    void setUp() throws Exception {
        cwd = Files.createTempDirectory("jbox-config-it");
        state = Files.createTempDirectory("jbox-config-it-state");
    }

    @AfterEach
    void tearDown() throws Exception {
        Jbox.deleteTree(cwd);
        Jbox.deleteTree(state);
    }

    Jbox.Options options() {
        return Jbox.Options.in(cwd).withEnv(Map.of("XDG_STATE_HOME", state.toString()));
    }

    Jbox.Result jbox(List<String> args) {
        return Jbox.raw(args, options());
    }

    /** Writes ./jbox.toml and trusts it, as its author would. */
    void trusted(String toml) throws Exception {
        Files.writeString(cwd.resolve("jbox.toml"), toml);
        Jbox.Result r = jbox(List.of("trust"));
        assertThat(r.exit()).as("%s", r).isZero();
    }

    @Test
    void aStrictJboxTomlAppliesStrict() throws Exception {
        trusted("[sandbox]\nseccomp = \"strict\"\nhostname = \"box\"\n");
        Jbox.Result cfg = jbox(List.of("config"));
        assertThat(cfg.stdout()).contains("config file: " + cwd.resolve("jbox.toml"), "seccomp:     strict");
        Jbox.Result r = Jbox.run(List.of(), Probe.command(cwd, List.of("status", "vsock:41:40:1:0")), options());
        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(r.stdout()).contains("Seccomp:\t2").contains("vsock ret=-1 errno=EAFNOSUPPORT");
        Jbox.Result h = Jbox.run(List.of(), List.of("hostname"), options());
        assertThat(h.stdout().strip()).isEqualTo("box");
    }

    @Test
    void aCustomProfileExtendingStrictLetsStraceRun() throws Exception {
        trusted("""
                [sandbox]
                seccomp = "tracer"

                [profiles.tracer]
                extends = "strict"
                allow = ["ptrace"]
                """);
        Jbox.Result r = Jbox.run(List.of(), List.of("strace", "-f", "-o", "/dev/null", "true"), options());
        assertThat(r.exit()).as("%s", r).isZero();
        Jbox.Result strict = Jbox.run(List.of("--profile", "strict"), List.of("strace", "-f", "-o", "/dev/null", "true"),
                options());
        assertThat(strict.exit()).as("the command line overrides the file: %s", strict).isNotZero();
    }

    @Test
    void seccompFalseRunsWithoutAFilterAndSaysSoOnce() throws Exception {
        trusted("[sandbox]\nseccomp = false\n");
        Jbox.Result r = Jbox.run(List.of(), List.of("sh", "-c", "grep Seccomp: /proc/self/status"), options());
        assertThat(r.exit()).isZero();
        assertThat(r.stdout()).contains("Seccomp:\t0");
        assertThat(r.stderrLines()).hasSize(1);
        assertThat(r.stderrLines().getFirst()).contains("no seccomp filter").contains("jbox.toml");
    }

    @Test
    void complainModeLetsTheWorkloadRunUnderStrict() {
        Jbox.Result r = Jbox.run(List.of("--complain", "--profile", "strict"),
                Probe.command(cwd, List.of("vsock:41:40:1:0", "status")), options());
        assertThat(r.exit()).as("%s", r).isZero();
        // logged, not refused: the socket is created; the filter is still there
        assertThat(r.stdout()).contains("vsock ret=3 errno=0").contains("Seccomp:\t2");
    }

    @Test
    void aBrokenJboxTomlRunsNothing() throws Exception {
        Files.writeString(cwd.resolve("jbox.toml"), "[sandbox]\nsecomp = \"strict\"\n");
        Jbox.Result r = Jbox.run(List.of(), List.of("touch", "ran"), options());
        assertThat(r.exit()).isEqualTo(125);
        assertThat(r.stderrLines()).containsExactly("jbox: " + cwd.resolve("jbox.toml")
                + ": [sandbox]: unknown key 'secomp' (did you mean seccomp?); nothing was run");
        assertThat(cwd.resolve("ran")).doesNotExist();
    }
}
