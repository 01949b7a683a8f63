package dev.jbox.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jbox doctor} on this machine, and with bwrap missing from PATH. */
class DoctorIT {

    @TempDir
    Path cwd;

    @Test
    void thisMachineIsReady() {
        Jbox.Result r = Jbox.raw(List.of("doctor"), Jbox.Options.in(cwd));
        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(r.stdout()).as("%s", r).contains("OK    bubblewrap (bwrap)").contains("OK    a real sandbox")
                .contains("ready: jbox can start sandboxes here").contains("seccomp").contains("JDK")
                .contains("legacy_tiocsti");
    }

    /** Under minimal a nested sandbox fails: doctor names the refused calls and the preset for them. */
    @Test
    void nestedSandboxesPointToTheNestedPreset() {
        Jbox.Result r = Jbox.raw(List.of("doctor"), Jbox.Options.in(cwd));
        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(r.stdout()).as("%s", r).contains("INFO  nested sandboxes")
                .contains("profile 'minimal' (from default) refuses unshare(CLONE_NEWUSER) -> ERRNO(EPERM), "
                        + "clone(CLONE_NEWUSER) -> ERRNO(EPERM), mount -> ERRNO(EPERM)")
                .contains("fix: for such commands use the nested preset")
                .contains("'jbox run --profile nested -- CMD'").contains("'JBOX_PROFILE=nested srt ...'")
                // the trial under nested is real: a bwrap inside a sandbox started
                .contains("started under the nested preset in ");
        Jbox.Result n = Jbox.raw(List.of("doctor"), Jbox.Options.in(cwd).withEnv(Map.of("JBOX_PROFILE", "nested")));
        assertThat(n.exit()).as("%s", n).isZero();
        assertThat(n.stdout()).as("%s", n).contains("OK    nested sandboxes")
                .contains("profile 'nested' (from JBOX_PROFILE) allows unshare(CLONE_NEWUSER), clone(CLONE_NEWUSER) and mount")
                .doesNotContain("use the nested preset");
    }

    @Test
    void jsonIsForMachines() {
        Jbox.Result r = Jbox.raw(List.of("doctor", "--json"), Jbox.Options.in(cwd));
        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(r.stdoutLines()).hasSize(1);
        assertThat(r.stdout()).startsWith("{\"ready\":true,").contains("\"id\":\"trial\",")
                .contains("\"id\":\"userns\",").contains("\"status\":\"ok\"");
    }

    @Test
    void withoutBwrapItNamesThePackageAndFails() throws IOException {
        Path bin = Shell.tools(cwd.resolve("bin"), Shell.SCRIPT_TOOLS);
        Jbox.Result r = Jbox.raw(List.of("doctor"), Jbox.Options.in(cwd).withEnv(Map.of("PATH", bin.toString())));
        assertThat(r.exit()).as("%s", r).isEqualTo(1);
        assertThat(r.stdout()).as("%s", r).contains("FAIL  bubblewrap (bwrap)").contains("apt-get install bubblewrap")
                .contains("not ready");
        // and through the script, as a user runs it
        Jbox.Result s = Shell.bash(Shell.q(Shell.script().toString()) + " doctor --json", cwd, Map.of("PATH", bin.toString()));
        assertThat(s.exit()).as("%s", s).isEqualTo(1);
        assertThat(s.stdout()).as("%s", s).startsWith("{\"ready\":false,").contains("bubblewrap");
    }
}
