package dev.jbox.launch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jbox.config.Account;
import dev.jbox.nativ.Posix;
import org.junit.jupiter.api.Test;

/**
 * {@link Launcher#runningAsRoot} reads the effective uid from /proc/self/status (a downcall
 * there would wait for the native warm-up); it must say what geteuid(2) says. (How the status
 * text is read: {@code config.AccountTest}.)
 */
class RunningAsRootTest {

    @Test
    void agreesWithGeteuid() {
        assertThat(Launcher.runningAsRoot()).isEqualTo(Posix.geteuid() == 0);
        assertThat(Account.current()).map(Account.Uids::effective).hasValue((long) Posix.geteuid());
    }
}
