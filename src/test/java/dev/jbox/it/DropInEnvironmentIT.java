package dev.jbox.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code jbox bwrap} with whatever environment its caller gives, as bwrap takes it: an empty one
 * (flatpak starts bwrap so), or one the launcher's shell would change (reorder, drop a name it
 * cannot hold, add PWD or SHLVL). Each case runs the real bwrap and jbox with the same
 * environment and line, and compares what the command sees byte for byte: its environment
 * (`env`), its arguments (bytes that are not UTF-8 included), and the exit status; jbox's
 * runs also show one more seccomp filter. jbox runs three ways: {@code scripts/jbox bwrap}, a
 * link named {@code bwrap} to scripts/jbox, and a link named {@code bwrap} to the installed
 * launcher (src/dist/bin/jbox in a tree laid out as the package's, run by /bin/sh).
 */
class DropInEnvironmentIT {

    @TempDir
    Path dir;

    private Path links;

    /** The installed layout: bin/jbox (the launcher), lib/jbox.jar, runtime (this JDK). */
    @BeforeEach
    void jboxAsBwrap() throws IOException {
        Path tree = dir.resolve("inst");
        Files.createDirectories(tree.resolve("bin"));
        Files.createDirectories(tree.resolve("lib"));
        Files.copy(Probe.repo().resolve("src/dist/bin/jbox"), tree.resolve("bin/jbox"));
        Files.setPosixFilePermissions(tree.resolve("bin/jbox"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createSymbolicLink(tree.resolve("lib/jbox.jar"), Jbox.jar());
        Files.createSymbolicLink(tree.resolve("runtime"), Path.of(System.getProperty("java.home")));
        links = dir.resolve("links");
        Files.createDirectories(links.resolve("script"));
        Files.createDirectories(links.resolve("installed"));
        Files.createSymbolicLink(links.resolve("script/bwrap"), Shell.script());
        Files.createSymbolicLink(links.resolve("installed/bwrap"), tree.resolve("bin/jbox"));
    }

    /** How jbox is run in place of bwrap: the word(s) a snippet's $JB expands to. */
    static Stream<String> ways() {
        return Stream.of("script-bwrap", "link-to-script", "link-to-installed");
    }

    private String jbox(String way) {
        return switch (way) {
            case "script-bwrap" -> Shell.q(Shell.script().toString()) + " bwrap";
            case "link-to-script" -> Shell.q(links.resolve("script/bwrap").toString());
            case "link-to-installed" -> Shell.q(links.resolve("installed/bwrap").toString());
            default -> throw new IllegalArgumentException(way);
        };
    }

    /** Environments, written as `env -i` arguments (bash words). */
    static Stream<Arguments> environments() {
        return Stream.of(
                Arguments.of("empty (flatpak)", ""),
                Arguments.of("small and fixed", "PATH=/usr/bin:/bin HOME=/nonexistent LANG=C.UTF-8 TERM=dumb"),
                // what the launcher's shells change: dash drops names it cannot hold, bash drops an
                // OLDPWD that is no directory and sets SHLVL; both reorder and add PWD
                Arguments.of("what shells change", "ZZ=1 B=2 'a.b=3' 'FOO-BAR=4' OLDPWD=/nonexistent SHLVL=7 _=x A=5"
                        + " \"X=$(printf 'caf\\351')\" $'ML=one\\ntwo' 'BASH_FUNC_f%%=() {  echo; }' PWD=/"),
                // the launchers move these aside or set them for jbox's JVM: the command gets the caller's
                Arguments.of("JVM options and jbox's own names", "JAVA_TOOL_OPTIONS=-Dx=1 _JAVA_OPTIONS= JBOX_SELF=/x"
                        + " JBOX_CALLER_FDS=7 JBOX_ARGV0=/y/bwrap JBOX_CALLER_ENV=QQ== PATH=/usr/bin:/bin"));
    }

    static Stream<Arguments> cases() {
        return environments().flatMap(e -> ways().map(w -> Arguments.of(e.get()[0], e.get()[1], w)));
    }

    /** The same line, real bwrap (by its path: PATH may be unset) and jbox with the same environment. */
    private void same(String env, String way, String command) {
        String line = " --ro-bind / / --setenv SET 1 --unsetenv B " + command + " | od -An -tx1 -v";
        Jbox.Result real = Shell.bash("env -i " + env + " /usr/bin/bwrap" + line, dir, Map.of(), "-o", "pipefail");
        Jbox.Result jbox = Shell.bash("env -i " + env + " " + jbox(way) + line, dir, Map.of(), "-o", "pipefail");
        assertThat(real.exit()).as("%s", real).isZero();
        assertThat(real.stdout()).as("%s", real).isNotBlank();
        assertThat(jbox.exit()).as("jbox %s\nreal %s", jbox, real).isZero();
        assertThat(jbox.stdout()).as("as hex: jbox %s\nreal %s", jbox, real).isEqualTo(real.stdout());
        assertThat(jbox.stderr()).as("%s", jbox).isEqualTo(real.stderr());
    }

    /** env itself, no shell between bwrap and it (a shell would reorder what it prints). */
    @ParameterizedTest(name = "{0}, {2}")
    @MethodSource("cases")
    void theCommandsEnvironmentIsTheOneBwrapGives(String name, String env, String way) {
        same(env, way, "/usr/bin/env -0");
    }

    /** Arguments that are not ASCII, or not UTF-8, with no LANG: byte for byte. */
    @ParameterizedTest
    @MethodSource("ways")
    void theArgumentsArriveByteForByte(String way) {
        same("", way, "/usr/bin/printf '%s\\0' h\u00e9llo \"$(printf 'caf\\351')\" '' \"$(printf '\\377\\001')\"");
    }

    /** The reproduction: a link named bwrap, no environment at all; one filter more than bwrap's. */
    @ParameterizedTest
    @MethodSource("ways")
    void anEmptyEnvironmentRunsUnderJboxsFilter(String way) {
        Jbox.Result t = Shell.bash("env -i " + jbox(way) + " --ro-bind / / /bin/true; echo \"exit $?\"", dir, Map.of());
        assertThat(t.stdout()).as("%s", t).isEqualTo("exit 0\n");
        assertThat(t.stderr()).as("%s", t).isEmpty();
        String grep = " --ro-bind / / /bin/grep ^Seccomp_filters /proc/self/status";
        assertThat(Shell.bash("env -i /usr/bin/bwrap" + grep, dir, Map.of()).stdout()).isEqualTo("Seccomp_filters:\t0\n");
        assertThat(Shell.bash("env -i " + jbox(way) + grep, dir, Map.of()).stdout()).isEqualTo("Seccomp_filters:\t1\n");
    }

    /**
     * jbox takes the bwrap that execvp would run for the same PATH (coreutils' env execs with
     * execvp): an empty entry is the working directory, a relative one is relative to it, and
     * PATH unset is glibc's default. The stand-ins say which one ran.
     */
    static Stream<Arguments> searchPaths() {
        return Stream.of(
                Arguments.of("empty entry first", ":{tools}"),
                Arguments.of("empty entry in the middle", "{dir}/none::{tools}"),
                Arguments.of("empty entry last", "{tools}:"),
                Arguments.of("relative entry", "sub:{tools}"),
                Arguments.of("relative entry with dots", "./sub/../sub:{tools}"),
                Arguments.of("dot", ".:{tools}"),
                Arguments.of("absolute before relative", "{dir}/abs:sub:{tools}"),
                Arguments.of("unset", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("searchPaths")
    void theBwrapIsTheOneExecvpRuns(String name, String path) throws IOException {
        Path tools = Shell.tools(dir.resolve("tools"), Shell.SCRIPT_TOOLS);
        Shell.tools(tools, "base64", "tr", "od", "mkdir", "chmod", "touch", "mv", "rm", "flock");
        for (String where : List.of(".", "sub", "abs")) {
            Path d = Files.createDirectories(dir.resolve(where));
            Path p = Files.writeString(d.resolve("bwrap"), "#!/bin/sh\necho \"stand-in in " + where + "\"\n");
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        String set = path == null ? "env -u PATH" : "env PATH=" + Shell.q(path.replace("{tools}", tools.toString())
                .replace("{dir}", dir.toString()));
        Jbox.Result execvp = Shell.bash(set + " bwrap --version", dir, Map.of());
        Jbox.Result jbox = Shell.bash(set + " " + jbox("script-bwrap") + " --version", dir, Map.of("JBOX_PROFILE", "none"));
        assertThat(execvp.exit()).as("%s", execvp).isZero();
        assertThat(jbox.stdout()).as("jbox %s\nexecvp %s", jbox, execvp).isEqualTo(execvp.stdout());
        assertThat(jbox.exit()).as("%s", jbox).isZero();
    }
}
