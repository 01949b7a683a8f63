package dev.jbox.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** jbox doctor's findings about the walls: the host sockets a default sandbox still shows, and Landlock. */
class DoctorWallsTest {

    /** Outside /tmp: the sandbox's private /tmp would hide what lies under the host's. */
    Path dir;

    @BeforeEach
    void setUp() throws Exception {
        dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "doctor-").toRealPath();
    }

    @AfterEach
    void tearDown() throws Exception {
        try (var w = Files.walk(dir)) {
            for (Path p : w.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    Doctor.Check sockets(boolean scoped) throws Exception {
        Path proj = Files.createDirectories(dir.resolve("proj"));
        Path runtime = Files.createDirectories(dir.resolve("rt"));
        Files.writeString(proj.resolve("app.sock"), "");
        Files.writeString(runtime.resolve("bus"), "");
        Path proc = Files.createDirectories(dir.resolve("proc/net")).getParent();
        Files.writeString(proc.resolve("net/unix"), String.join("\n",
                "Num       RefCount Protocol Flags    Type St Inode Path",
                "0000000000000000: 00000002 00000000 00010000 0001 01 12345 " + proj.resolve("app.sock"),
                "0000000000000000: 00000002 00000000 00010000 0001 01 12346 " + runtime.resolve("bus"),
                "0000000000000000: 00000002 00000000 00010000 0001 01 12347 " + dir.resolve("gone.sock"),
                "0000000000000000: 00000002 00000000 00010000 0001 01 12348 @/tmp/.X11-unix/X0",
                "0000000000000000: 00000003 00000000 00000000 0001 03 12349", ""));
        Sandbox s = Sandbox.standard(new Sandbox.Layout(proj, Optional.of(dir.resolve("home")), List.of(), List.of(),
                false, false, Optional.empty(), Optional.empty(), List.of(), List.of(runtime), Optional.empty()));
        return Doctor.sockets(proc, s, scoped);
    }

    @Test
    void aSocketTheSandboxStillShowsIsNamedAndOneItHidesIsNot() throws Exception {
        Doctor.Check c = sockets(true);
        assertThat(c.status()).isEqualTo(Doctor.Status.WARN);
        assertThat(c.detail()).startsWith("1 of 2 pathname sockets show in a default sandbox from " + dir.resolve("proj")
                + ", so a command can connect to the service behind each: " + dir.resolve("proj/app.sock") + ";")
                .endsWith("1 abstract socket (out of reach: Landlock scopes them)");
        assertThat(sockets(false).detail()).endsWith("1 abstract socket (reachable with --share-net: no Landlock scope here)");
    }

    @Test
    void landlockSaysWhyItIsOff() {
        assertThat(new LandlockScope(7, false).applies()).isTrue();
        assertThat(new LandlockScope(7, false).describe())
                .isEqualTo("Landlock ABI 7: abstract unix sockets and signals are scoped to the sandbox");
        assertThat(new LandlockScope(5, false).applies()).isFalse();
        assertThat(new LandlockScope(5, false).describe())
                .isEqualTo("Landlock ABI 5 has no scopes (they need ABI 6, Linux 6.12)");
        assertThat(new LandlockScope(0, false).describe())
                .isEqualTo("the kernel has no Landlock (not built in, or not enabled at boot)");
        assertThat(new LandlockScope(7, true).applies()).isFalse();
        assertThat(new LandlockScope(7, true).describe()).startsWith("bwrap is setuid");
    }
}
