package dev.jbox.launch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jbox.nativ.Posix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Launcher#runningAsRoot} reads the effective uid from /proc/self/status (a downcall
 * there would wait for the native warm-up); it must say what geteuid(2) says, and a status
 * text it cannot read for certain must not be taken for an answer.
 */
class RunningAsRootTest {

    @Test
    void agreesWithGeteuid() throws Exception {
        assertThat(Launcher.runningAsRoot()).isEqualTo(Posix.geteuid() == 0);
        assertThat(Launcher.effectiveUid(Files.readString(Path.of("/proc/self/status"))))
                .hasValue(Posix.geteuid());
    }

    static Stream<Arguments> statusTexts() {
        return Stream.of(
                // real, effective, saved, filesystem: the second one counts
                Arguments.of("Name:\tjava\nUmask:\t0022\nState:\tR (running)\nUid:\t1000\t0\t0\t0\nGid:\t0\t0\t0\t0\n", OptionalLong.of(0)),
                Arguments.of("Name:\tsudo\nUid:\t0\t1000\t1000\t1000\nGid:\t0\t0\t0\t0\n", OptionalLong.of(1000)),
                Arguments.of("Uid:\t65534\t65534\t65534\t65534\n", OptionalLong.of(65534)),
                Arguments.of("Uid:\t4294967294\t4294967294\t0\t0", OptionalLong.of(4294967294L)),
                // spaces instead of tabs, no newline at the end
                Arguments.of("Uid:  7  8  9  10", OptionalLong.of(8)),
                // no Uid: line, or one that only looks like it
                Arguments.of("Name:\tjava\nGid:\t0\t0\t0\t0\n", OptionalLong.empty()),
                Arguments.of("Name:\tjava\nXUid:\t0\t0\t0\t0\n", OptionalLong.empty()),
                Arguments.of("", OptionalLong.empty()),
                // not numbers, too few, too long
                Arguments.of("Uid:\t\t\n", OptionalLong.empty()),
                Arguments.of("Uid:\t1000\n", OptionalLong.empty()),
                Arguments.of("Uid:\t1000\t0x0\t0\t0\n", OptionalLong.empty()),
                Arguments.of("Uid:\t1000\t-0\t0\t0\n", OptionalLong.empty()),
                Arguments.of("Uid:\t1000\t00000000000\t0\t0\n", OptionalLong.empty()),
                Arguments.of("Uid:\tx\t0\t0\t0\n", OptionalLong.empty()));
    }

    @ParameterizedTest
    @MethodSource("statusTexts")
    void effectiveUidIsTheUidLinesSecondField(String status, OptionalLong expected) {
        assertThat(Launcher.effectiveUid(status)).isEqualTo(expected);
    }
}
