package dev.jbox.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jbox run --seccomp-profile} with Docker's own default profile, the real bwrap and the
 * packaged jar: ordinary work runs, and what Docker refuses (a new user namespace) is refused.
 */
class OciIT {

    @TempDir
    Path cwd;

    static Path dockerDefault() {
        Path p = Path.of("").toAbsolutePath().resolve("../shared/data/profiles/docker-default.json").normalize();
        Assumptions.assumeTrue(Files.isRegularFile(p),
                "../shared/data/profiles/docker-default.json (upstream data) is not beside the repository");
        return p;
    }

    @Test
    void dockerDefaultRunsAShell() {
        Jbox.Result r = Jbox.run(List.of("--seccomp-profile", dockerDefault().toString()),
                List.of("sh", "-c", "echo ok; grep Seccomp: /proc/self/status"), Jbox.Options.in(cwd));
        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(r.stdoutLines()).as("%s", r).containsExactly("ok", "Seccomp:\t2");
        assertThat(r.stderrLines()).as("%s", r).isEmpty();
    }

    @Test
    void dockerDefaultRefusesANewUserNamespace() {
        Jbox.Result r = Jbox.run(List.of("--seccomp-profile", dockerDefault().toString()),
                List.of("unshare", "-U", "true"), Jbox.Options.in(cwd));
        assertThat(r.exit()).as("%s", r).isNotZero();
        assertThat(r.stderr()).as("%s", r).contains("Operation not permitted");
    }

    @Test
    void badProfileRunsNothing() throws Exception {
        // outside the working directory: under it (bound read-write) it would need trust first
        Path bad = Files.createTempFile("jbox-oci-bad-", ".json");
        bad.toFile().deleteOnExit();
        Files.writeString(bad, "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALOW\"}]}");
        Path marker = cwd.resolve("ran");
        Jbox.Result r = Jbox.run(List.of("--seccomp-profile", bad.toString()), List.of("touch", marker.toString()),
                Jbox.Options.in(cwd));
        assertThat(r.exit()).as("%s", r).isEqualTo(125);
        assertThat(r.stderrLines()).as("%s", r).hasSize(1);
        assertThat(r.stderrLines().getFirst()).startsWith("jbox: " + bad + ":1:80: syscalls[0].action: unknown action"
                + " 'SCMP_ACT_ALOW'").endsWith("; nothing was run");
        assertThat(marker).doesNotExist();
    }
}
