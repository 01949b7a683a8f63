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
