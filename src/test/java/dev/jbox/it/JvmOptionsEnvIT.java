package dev.jbox.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * JAVA_TOOL_OPTIONS, _JAVA_OPTIONS and JDK_JAVA_OPTIONS are the caller's settings for the
 * command's JVMs, never for jbox's own (an option there could change what jbox decides, e.g.
 * {@code -Duser.name}): the launcher keeps them from jbox's JVM, which therefore prints no
 * "Picked up ..." line, and the command gets them back unchanged, through scripts/jbox as a
 * user runs it.
 */
class JvmOptionsEnvIT {

    @TempDir
    Path cwd;

    @ParameterizedTest
    @ValueSource(strings = {"JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS"})
    void theCommandGetsTheVariableBackAndJboxsJvmIgnoresIt(String name) {
        Jbox.Result r = Shell.bash(Shell.q(Shell.script().toString()) + " run -- sh -c 'echo \"${" + name + "-unset}\"'", cwd,
                Map.of(name, "-Duser.name=nobody"));
        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(r.stdoutLines()).as("%s", r).containsExactly("-Duser.name=nobody");
        assertThat(r.stderr()).as("%s", r).doesNotContain("Picked up");
    }

    @ParameterizedTest
    @CsvSource(delimiterString = "|", value = {
        "unset | unset",
        "empty | ''",
        "spaces | ' -Da=1  -Db=\"two words\" '"})
    void unsetStaysUnsetAndEmptyStaysEmpty(String how, String expected) {
        Map<String, String> env = new HashMap<>();
        switch (how) {
            case "unset" -> env.put("JAVA_TOOL_OPTIONS", null);
            case "empty" -> env.put("JAVA_TOOL_OPTIONS", "");
            default -> env.put("JAVA_TOOL_OPTIONS", " -Da=1  -Db=\"two words\" ");
        }
        Jbox.Result r = Shell.bash(Shell.q(Shell.script().toString())
                + " run -- sh -c 'printf \"[%s]\\n\" \"${JAVA_TOOL_OPTIONS-unset}\"; env | grep -c ^JBOX_SAVED_'", cwd, env);
        assertThat(r.stdoutLines()).as("%s", r).containsExactly("[" + expected + "]", "0");
        assertThat(r.stderr()).as("%s", r).doesNotContain("Picked up");
    }

    @ParameterizedTest
    @ValueSource(strings = {"JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS"})
    void theBwrapAliasHandsItBackToo(String name) {
        Jbox.Result r = Shell.bash(Shell.q(Shell.script().toString()) + " bwrap --ro-bind / / sh -c 'echo \"${" + name + "-unset}\"'", cwd,
                Map.of(name, "-Xmx1g"));
        assertThat(r.exit()).as("%s", r).isZero();
        assertThat(r.stdoutLines()).as("%s", r).containsExactly("-Xmx1g");
        assertThat(r.stderr()).as("%s", r).doesNotContain("Picked up");
    }
}
