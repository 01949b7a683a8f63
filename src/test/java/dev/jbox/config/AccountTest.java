package dev.jbox.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Who runs jbox without asking the environment: the uids from /proc/self/status, the home
 * from the password database, and the user's directories built on it when HOME is unset or
 * unusable (a bwrap client such as flatpak gives jbox no environment).
 */
class AccountTest {

    static Stream<Arguments> statusTexts() {
        return Stream.of(
                // real, effective, saved, filesystem
                Arguments.of("Name:\tjava\nUmask:\t0022\nState:\tR (running)\nUid:\t1000\t0\t0\t0\nGid:\t0\t0\t0\t0\n",
                        Optional.of(new Account.Uids(1000, 0))),
                Arguments.of("Name:\tsudo\nUid:\t0\t1000\t1000\t1000\nGid:\t0\t0\t0\t0\n", Optional.of(new Account.Uids(0, 1000))),
                Arguments.of("Uid:\t65534\t65534\t65534\t65534\n", Optional.of(new Account.Uids(65534, 65534))),
                Arguments.of("Uid:\t4294967294\t4294967294\t0\t0", Optional.of(new Account.Uids(4294967294L, 4294967294L))),
                // spaces instead of tabs, no newline at the end
                Arguments.of("Uid:  7  8  9  10", Optional.of(new Account.Uids(7, 8))),
                // no Uid: line, or one that only looks like it
                Arguments.of("Name:\tjava\nGid:\t0\t0\t0\t0\n", Optional.empty()),
                Arguments.of("Name:\tjava\nXUid:\t0\t0\t0\t0\n", Optional.empty()),
                Arguments.of("", Optional.empty()),
                // not numbers, too few, too long
                Arguments.of("Uid:\t\t\n", Optional.empty()),
                Arguments.of("Uid:\t1000\n", Optional.empty()),
                Arguments.of("Uid:\t1000\t0x0\t0\t0\n", Optional.empty()),
                Arguments.of("Uid:\t1000\t-0\t0\t0\n", Optional.empty()),
                Arguments.of("Uid:\t1000\t00000000000\t0\t0\n", Optional.empty()),
                Arguments.of("Uid:\tx\t0\t0\t0\n", Optional.empty()));
    }

    @ParameterizedTest
    @MethodSource("statusTexts")
    void theUidsAreTheUidLinesFirstTwoFields(String status, Optional<Account.Uids> expected) {
        assertThat(Account.uids(status)).isEqualTo(expected);
    }

    static Stream<Arguments> passwdFiles() {
        String file = "root:x:0:0:root:/root:/bin/bash\n"
                + "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
                + "+::::::\n"                                   // NIS compat: no uid, skipped
                + "broken:x:1000:1000:no shell field:/broken\n" // 6 fields: not an entry
                + "odd:x:01000:1000::/home/odd:/bin/sh\n"      // the first entry with uid 1000
                + "ann:x:1000:1000:Ann,,,:/home/ann:/bin/bash\n"
                + "nohome:x:1001:1001:::/bin/sh\n"
                + "big:x:4294967294:1:::\n";
        return Stream.of(
                Arguments.of(0L, file, Optional.of("/root")),
                Arguments.of(1L, file, Optional.of("/usr/sbin")),
                Arguments.of(1000L, file, Optional.of("/home/odd")),
                Arguments.of(1001L, file, Optional.of("")),
                Arguments.of(4294967294L, file, Optional.of("")),
                Arguments.of(2000L, file, Optional.empty()),
                Arguments.of(0L, "", Optional.empty()),
                Arguments.of(0L, "root:x:0:0:root:/root:/bin/bash", Optional.of("/root")));
    }

    @ParameterizedTest
    @MethodSource("passwdFiles")
    void theHomeIsTheSixthFieldOfTheFirstEntryWithTheUid(long uid, String passwd, Optional<String> expected) {
        assertThat(Account.homeOf(uid, passwd)).isEqualTo(expected);
    }

    /** The answer getent (glibc's getpwuid, through the name service) gives for this user. */
    @Test
    void passwdHomeIsWhatTheNameServiceSaysForTheEffectiveUser() throws Exception {
        long euid = Account.current().orElseThrow().effective();
        Process p = new ProcessBuilder("getent", "passwd", Long.toString(euid)).start();
        String line = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor()).isZero();
        assertThat(Account.passwdHome()).hasValue(Path.of(line.split(":", -1)[5]));
    }

    static Stream<Arguments> environments() {
        Optional<Path> pw = Optional.of(Path.of("/pw/home"));
        return Stream.of(
                // HOME wins when it is an absolute path
                Arguments.of(Map.of("HOME", "/h"), pw, "/h", "/h/.config/jbox", "/h/.local/state/jbox", "/h/.cache/jbox"),
                // unset, empty or relative: the password database's home
                Arguments.of(Map.of(), pw, "/pw/home", "/pw/home/.config/jbox", "/pw/home/.local/state/jbox",
                        "/pw/home/.cache/jbox"),
                Arguments.of(Map.of("HOME", ""), pw, "/pw/home", "/pw/home/.config/jbox", "/pw/home/.local/state/jbox",
                        "/pw/home/.cache/jbox"),
                Arguments.of(Map.of("HOME", "h"), pw, "/pw/home", "/pw/home/.config/jbox", "/pw/home/.local/state/jbox",
                        "/pw/home/.cache/jbox"),
                // XDG variables win over either; relative ones are invalid and ignored
                Arguments.of(Map.of("XDG_CONFIG_HOME", "/c", "XDG_STATE_HOME", "s", "XDG_CACHE_HOME", "/k/"), pw,
                        "/pw/home", "/c/jbox", "/pw/home/.local/state/jbox", "/k/jbox"),
                // no home anywhere: nothing but what XDG names
                Arguments.of(Map.of("XDG_STATE_HOME", "/s"), Optional.empty(), null, null, "/s/jbox", null),
                Arguments.of(Map.of(), Optional.empty(), null, null, null, null));
    }

    @ParameterizedTest
    @MethodSource("environments")
    void userDirsFallBackToThePasswordDatabase(Map<String, String> env, Optional<Path> passwd, String home, String config,
                                               String state, String cache) {
        UserDirs d = UserDirs.of(env, () -> passwd);
        assertThat(d.home()).isEqualTo(Optional.ofNullable(home).map(Path::of));
        assertThat(d.configDir()).isEqualTo(Optional.ofNullable(config).map(Path::of));
        assertThat(d.stateDir()).isEqualTo(Optional.ofNullable(state).map(Path::of));
        assertThat(d.cacheDir()).isEqualTo(Optional.ofNullable(cache).map(Path::of));
    }

    @Test
    void thePasswordDatabaseIsAskedOnlyWithoutAUsableHome() {
        UserDirs.of(Map.of("HOME", "/h"), () -> {
            throw new AssertionError("asked although HOME is set");
        });
    }
}
