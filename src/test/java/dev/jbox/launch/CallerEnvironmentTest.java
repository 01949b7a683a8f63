package dev.jbox.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The launcher moves JAVA_TOOL_OPTIONS, _JAVA_OPTIONS and JDK_JAVA_OPTIONS to JBOX_SAVED_*;
 * {@link Launcher#callerEnvironment} hands them back exactly as the caller had them.
 */
class CallerEnvironmentTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                // a value comes back under its own name, the saved copy is gone
                Arguments.of(Map.of("PATH", "/bin", "JBOX_SAVED_JAVA_TOOL_OPTIONS", "-Duser.name=nobody"),
                        Map.of("PATH", "/bin", "JAVA_TOOL_OPTIONS", "-Duser.name=nobody")),
                // empty stays empty
                Arguments.of(Map.of("JBOX_SAVED__JAVA_OPTIONS", ""), Map.of("_JAVA_OPTIONS", "")),
                Arguments.of(Map.of("JBOX_SAVED_JDK_JAVA_OPTIONS", "-Xmx1g -Da=b c"),
                        Map.of("JDK_JAVA_OPTIONS", "-Xmx1g -Da=b c")),
                // unset stays unset: nothing saved, nothing made up
                Arguments.of(Map.of("PATH", "/bin"), Map.of("PATH", "/bin")),
                // all three at once, with their exact bytes
                Arguments.of(Map.of("JBOX_SAVED_JAVA_TOOL_OPTIONS", " a  b ", "JBOX_SAVED__JAVA_OPTIONS", "x=\"y\"",
                                "JBOX_SAVED_JDK_JAVA_OPTIONS", "$HOME"),
                        Map.of("JAVA_TOOL_OPTIONS", " a  b ", "_JAVA_OPTIONS", "x=\"y\"", "JDK_JAVA_OPTIONS", "$HOME")),
                // started without the launcher (java -jar): the variable passes as it is
                Arguments.of(Map.of("JAVA_TOOL_OPTIONS", "-Dk=v"), Map.of("JAVA_TOOL_OPTIONS", "-Dk=v")),
                // the saved copy is the caller's: it wins over one set for jbox's JVM
                Arguments.of(Map.of("JAVA_TOOL_OPTIONS", "-Dk=jvm", "JBOX_SAVED_JAVA_TOOL_OPTIONS", "-Dk=caller"),
                        Map.of("JAVA_TOOL_OPTIONS", "-Dk=caller")),
                // other JBOX_SAVED_ names are dropped, never turned into variables
                Arguments.of(Map.of("JBOX_SAVED_LD_PRELOAD", "/tmp/x.so", "JBOX_SAVED_", "v"), Map.of()));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void theCallersVariablesComeBackExactly(Map<String, String> env, Map<String, String> expected) {
        assertThat(Launcher.callerEnvironment(new HashMap<>(env))).containsExactlyInAnyOrderEntriesOf(expected);
    }
}
