package dev.jbox.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Bwrap#locate} finds bwrap as {@code execvp} would (glibc's rules), skipping jbox
 * itself. The working directory of a unit test is the checkout, so relative entries name the
 * test's directories relative to it ({@code dev.jbox.it.DropInEnvironmentIT} runs jbox in a
 * directory of its own to check the empty and relative entries against execvp itself).
 */
class BwrapLookupTest {

    @TempDir
    Path tmp;

    private Path a;
    private Path b;
    private Path notExecutable;
    private Path dirNamedBwrap;
    private Path self;

    private static Path bwrapIn(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path p = Files.writeString(dir.resolve("bwrap"), "#!/bin/sh\n", StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    @BeforeEach
    void layout() throws IOException {
        a = bwrapIn(tmp.resolve("a"));
        b = bwrapIn(tmp.resolve("b"));
        notExecutable = Files.writeString(Files.createDirectories(tmp.resolve("nx")).resolve("bwrap"), "x");
        dirNamedBwrap = Files.createDirectories(tmp.resolve("d/bwrap"));
        self = Files.createDirectories(tmp.resolve("self"));
        Files.createSymbolicLink(self.resolve("bwrap"), b); // "jbox" linked in as bwrap
    }

    /** {@code dir} relative to the working directory, as a relative PATH entry names it. */
    private static String relative(Path dir) {
        return Path.of("").toAbsolutePath().relativize(dir).toString();
    }

    static Stream<Arguments> paths() {
        return Stream.of(
                Arguments.of("first entry with an executable bwrap", "{a}:{b}", "a"),
                Arguments.of("skips a missing one", "{missing}:{b}", "b"),
                Arguments.of("skips a file that is not executable", "{nx}:{a}", "a"),
                Arguments.of("skips a directory named bwrap", "{dir}:{b}", "b"),
                Arguments.of("a relative entry is relative to the working directory", "{rel-a}:{b}", "a"),
                Arguments.of("an empty entry is the working directory (none here), then the next", ":{a}", "a"),
                Arguments.of("a trailing colon is an empty entry too", "{missing}:", null),
                Arguments.of("PATH set but empty: the working directory only", "", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("paths")
    void followsExecvp(String name, String path, String expected) throws Exception {
        String p = path.replace("{rel-a}", relative(a.getParent())).replace("{missing}", tmp.resolve("missing").toString())
                .replace("{nx}", notExecutable.getParent().toString()).replace("{dir}", dirNamedBwrap.getParent().toString())
                .replace("{a}", a.getParent().toString()).replace("{b}", b.getParent().toString());
        if (expected == null) {
            assertThatThrownBy(() -> Bwrap.locate(p, null, null)).isInstanceOf(LaunchException.class)
                    .hasMessageStartingWith("bwrap not found in PATH: install bubblewrap");
        } else {
            Path found = Bwrap.locate(p, null, null);
            assertThat(found).isAbsolute();
            assertThat(found.toRealPath()).isEqualTo(tmp.resolve(expected).resolve("bwrap").toRealPath());
        }
    }

    @Test
    void skipsJboxItselfWhereverItIsLinked() throws Exception {
        // self/bwrap is a link to b/bwrap, which JBOX_SELF names: both are jbox, a is the real one
        String path = self + ":" + b.getParent() + ":" + a.getParent();
        assertThat(Bwrap.locate(path, null, b.toString())).isEqualTo(a);
        assertThat(Bwrap.locate(path, null, null)).isEqualTo(self.resolve("bwrap"));
        assertThatThrownBy(() -> Bwrap.locate(self + ":" + b.getParent(), null, b.toString()))
                .hasMessageStartingWith("bwrap not found in PATH");
    }

    @Test
    void jboxBwrapNamesOneExplicitly() throws Exception {
        assertThat(Bwrap.locate("", a.toString(), null)).isEqualTo(a);
        assertThatThrownBy(() -> Bwrap.locate(a.getParent().toString(), notExecutable.toString(), null))
                .isInstanceOf(LaunchException.class).hasMessage("JBOX_BWRAP=" + notExecutable + " is not an executable file");
    }

    /** PATH unset: glibc's default search path, which is what {@code getconf PATH} (confstr(_CS_PATH)) prints. */
    @Test
    void pathUnsetIsConfstrsSearchPath() throws Exception {
        Process p = new ProcessBuilder("getconf", "PATH").start();
        String confstr = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        assertThat(p.waitFor()).isZero();
        assertThat(Bwrap.DEFAULT_PATH).isEqualTo(confstr);
        Path real = Bwrap.locate(Bwrap.DEFAULT_PATH, null, null);
        assertThat(Bwrap.locate(null, null, null)).isEqualTo(real);
    }
}
