package dev.jbox.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Caller}: bwrap's line and environment byte for byte, whatever the JVM's locale made
 * of them. Byte strings here are written with {@code \\u00XX} for a byte XX.
 */
class CallerTest {

    static Stream<Arguments> commandLines() {
        List<String> jvm = List.of("/usr/bin/java", "-Xint", "-cp", "jbox.jar", "dev.jbox.cli.Main", "bwrap");
        return Stream.of(
                // ASCII: the command line's own entries
                Arguments.of(cat(jvm, List.of("--ro-bind", "/", "/", "true")), List.of("--ro-bind", "/", "/", "true"),
                        List.of("--ro-bind", "/", "/", "true")),
                // a UTF-8 file name decoded as ASCII (no LANG): the bytes, not U+FFFD
                Arguments.of(cat(jvm, List.of("echo", "\u00c3\u00a9")), List.of("echo", "\ufffd\ufffd"),
                        List.of("echo", "\u00c3\u00a9")),
                // bytes that are not UTF-8 (a Latin-1 name), decoded as UTF-8
                Arguments.of(cat(jvm, List.of("cat", "caf\u00e9")), List.of("cat", "caf\ufffd"), List.of("cat", "caf\u00e9")),
                // empty arguments count
                Arguments.of(cat(jvm, List.of("", "x", "")), List.of("", "x", ""), List.of("", "x", "")),
                // not this line (an in-process call): the JVM's strings, as UTF-8 bytes
                Arguments.of(cat(jvm, List.of("--ro-bind", "/", "/", "false")), List.of("--ro-bind", "/", "/", "true"),
                        List.of("--ro-bind", "/", "/", "true")),
                Arguments.of(cat(jvm, List.of("x", "y")), List.of("w", "x", "y"), List.of("w", "x", "y")),
                Arguments.of(cat(jvm, List.of("\u00c3\u00a9")), List.of("\u00e9"), List.of("\u00c3\u00a9")),
                // an ASCII argument where the line has bytes above 0x7f: another line
                Arguments.of(cat(jvm, List.of("\u00e9")), List.of("e"), List.of("e")));
    }

    private static List<String> cat(List<String> a, List<String> b) {
        return Stream.concat(a.stream(), b.stream()).toList();
    }

    @ParameterizedTest
    @MethodSource("commandLines")
    void theArgumentsAreTheCommandLinesBytes(List<String> cmdline, List<String> decoded, List<String> expected) {
        assertThat(Caller.args(decoded, Optional.of(cmdline))).isEqualTo(expected);
    }

    private static String base64(String... entries) {
        StringBuilder sb = new StringBuilder();
        for (String e : entries) {
            sb.append(e).append('\0');
        }
        return Base64.getEncoder().encodeToString(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    static Stream<Arguments> environments() {
        return Stream.of(
                // the launcher's copy wins: the caller's order, names the shell dropped, no PWD/SHLVL of the shell's
                Arguments.of(List.of("PWD=/tmp", "SHLVL=0", "B=2", "A=1", "JBOX_SELF=/j", "JBOX_CALLER_ENV="
                        + base64("A=1", "a.b=3", "B=2", "X=\u00e9")), List.of("A=1", "a.b=3", "B=2", "X=\u00e9")),
                // an empty copy is an empty environment (env -i), not a missing one
                Arguments.of(List.of("PWD=/tmp", "JBOX_CALLER_FDS=0 1 2", "JBOX_CALLER_ENV="), List.of()),
                // no copy (the jar started directly): the JVM's, in order, less the launcher's variables
                Arguments.of(List.of("B=2", "JBOX_CALLER_FDS=0 1 2", "A=1", "JBOX_NOFILE_SOFT=1024", "JBOX_SELF=/j",
                        "JBOX_ARGV0=/x/bwrap", "JBOX_PROFILE=strict"), List.of("B=2", "A=1", "JBOX_PROFILE=strict")),
                // ... with the JVM option variables back under their names, where they were saved
                Arguments.of(List.of("JBOX_SAVED_JAVA_TOOL_OPTIONS=-Dx=1", "PATH=/bin", "JBOX_SAVED_LD_PRELOAD=/x.so"),
                        List.of("JAVA_TOOL_OPTIONS=-Dx=1", "PATH=/bin")),
                Arguments.of(List.of("JAVA_TOOL_OPTIONS=-Djvm", "JBOX_SAVED_JAVA_TOOL_OPTIONS=-Dcaller"),
                        List.of("JAVA_TOOL_OPTIONS=-Dcaller")),
                Arguments.of(List.of("JAVA_TOOL_OPTIONS=-Dk=v"), List.of("JAVA_TOOL_OPTIONS=-Dk=v")),
                // a copy that is not base64 is not the launcher's
                Arguments.of(List.of("A=1", "JBOX_CALLER_ENV=not*base64"), List.of("A=1")));
    }

    @ParameterizedTest
    @MethodSource("environments")
    void theEnvironmentIsTheCallers(List<String> jvmEnv, List<String> expected) {
        assertThat(Caller.environment(jvmEnv)).isEqualTo(expected);
    }
}
