package dev.jbox.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code run --no-namespaces}: no bwrap, the same filter, applied by jbox itself. */
class NoNamespacesIT {

    @TempDir
    Path cwd;

    private Jbox.Result run(List<String> jboxArgs, List<String> cmd) {
        return Jbox.run(jboxArgs, cmd, Jbox.Options.in(cwd));
    }

    @Test
    void theCommandRunsUnderTheFilterAndSaysSoOnce() {
        Jbox.Result r = run(List.of("--no-namespaces", "--profile", "strict"),
                List.of("sh", "-c", "grep Seccomp: /proc/self/status"));
        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(r.stdoutLines()).as("%s", r).containsExactly("Seccomp:\t2");
        assertThat(r.stderrLines()).as("%s", r).hasSize(1);
        assertThat(r.stderrLines().getFirst()).contains("no namespaces");
    }

    @Test
    void deniedCallsFailWithTheProfilesErrno() {
        int setns = "aarch64".equals(System.getProperty("os.arch")) ? 268 : 308;
        int socket = "aarch64".equals(System.getProperty("os.arch")) ? 198 : 41;
        List<String> specs = List.of("setns:" + setns + ":-1:0", "socket:" + socket + ":17:3:0", "status");
        Jbox.Result filtered = run(List.of("--no-namespaces", "--profile", "strict"), Probe.command(cwd, specs));
        Map<String, Probe.Answer> f = Probe.parse(filtered.stdout());
        assertThat(filtered.exit()).as("%s", filtered).isZero();
        assertThat(f.get("setns").errno()).as("%s", filtered).isEqualTo("EPERM");
        assertThat(f.get("socket").errno()).as("%s", filtered).isEqualTo("EAFNOSUPPORT");
        assertThat(filtered.stdoutLines()).contains("Seccomp_filters:\t1");
        // the same probe on the host, unfiltered: setns(-1) is just a bad fd
        Jbox.Result host = Shell.bash(Shell.q(Probe.path().toString()) + " setns:" + setns + ":-1:0", cwd, Map.of());
        assertThat(Probe.parse(host.stdout()).get("setns").errno()).as("%s", host).isEqualTo("EBADF");
    }

    @Test
    void exitStatusesAndMissingCommandsAreAsUsual() {
        assertThat(run(List.of("--no-namespaces"), List.of("sh", "-c", "exit 7")).exit()).isEqualTo(7);
        Jbox.Result missing = run(List.of("--no-namespaces"), List.of("no-such-command-xyz"));
        assertThat(missing.exit()).as("%s", missing).isEqualTo(127);
    }

    @Test
    void withoutAFilterItRefuses() {
        Jbox.Result r = run(List.of("--no-namespaces", "--no-seccomp"), List.of("true"));
        assertThat(r.exit()).as("%s", r).isEqualTo(125);
        assertThat(r.stderr()).contains("unconfined");
    }

    @Test
    void noFdsOfTheJvmReachTheCommand() {
        Jbox.Result r = Jbox.run(List.of("--no-namespaces"), Probe.command(cwd, List.of("fds")),
                Jbox.Options.in(cwd).withExtraFds());
        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(r.stdoutLines().getFirst()).as("%s", r).isEqualTo("fds 0,1,2");
    }
}
