package dev.jbox.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SupervisorTest {

    @Test
    void durationsAreReadAsTimeoutReadsThem() {
        assertThat(Supervisor.parseDuration("30")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Supervisor.parseDuration("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Supervisor.parseDuration("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Supervisor.parseDuration("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Supervisor.parseDuration("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Supervisor.parseDuration("2d")).isEqualTo(Duration.ofDays(2));
        assertThat(Supervisor.parseDuration("0")).isEqualTo(Duration.ZERO);
        for (String bad : new String[] {"", "s", "-1", "5x", "1m30s", "abc"}) {
            assertThatThrownBy(() -> Supervisor.parseDuration(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid duration");
        }
        assertThat(Supervisor.format(Duration.ofMinutes(5))).isEqualTo("5m");
        assertThat(Supervisor.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    }

    private static Supervisor.State state(ByteArrayOutputStream err) {
        return new Supervisor.State(false, new PrintStream(err, true));
    }

    @Test
    void waitStatusesBecomeExitStatuses() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Supervisor.State s = state(err);
        s.commandStarted = true;
        assertThat(Supervisor.exitStatus(7 << 8, s)).isEqualTo(7);
        assertThat(Supervisor.exitStatus(143 << 8, s)).isEqualTo(143);
        assertThat(Supervisor.exitStatus(9, s)).isEqualTo(137);   // bwrap itself killed by SIGKILL
        assertThat(Supervisor.exitStatus(1 << 8, s)).isEqualTo(1); // the command's own exit 1
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void aSetupFailureIsJboxsErrorAndPointsToDoctor() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Supervisor.State s = state(err);
        assertThat(Supervisor.exitStatus(1 << 8, s)).isEqualTo(125);
        assertThat(err.toString()).contains("jbox doctor").contains("never started");
    }

    @Test
    void aTimeoutWinsOverTheStatus() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Supervisor.State s = state(err);
        s.timedOut = true;
        assertThat(Supervisor.exitStatus(137 << 8, s)).isEqualTo(124);
        assertThat(Supervisor.exitStatus(0, s)).isEqualTo(124);
    }

    @Test
    void theInitOfThisProcessIsFoundByNsPid() {
        int self = (int) ProcessHandle.current().pid();
        assertThat(Supervisor.nsPids(self)).isNotEmpty().first().isEqualTo(self);
        assertThat(Supervisor.nsPids(Integer.MAX_VALUE)).isEmpty();
        long parent = ProcessHandle.current().parent().orElseThrow().pid();
        assertThat(Supervisor.children((int) parent)).contains(self);
    }
}
