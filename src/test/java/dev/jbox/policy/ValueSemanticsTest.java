package dev.jbox.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The records whose equals and hashCode are written out (to keep invokedynamic bootstraps
 * off the launch path) must still behave as values: equal components, equal objects and
 * hashes; one component different, not equal.
 */
class ValueSemanticsTest {

    static Stream<Arguments> pairs() {
        return Stream.of(
                Arguments.of(new Action.Allow(), new Action.Allow(), Action.LOG),
                Arguments.of(new Action.KillProcess(), Action.KILL_PROCESS, Action.KILL_THREAD),
                Arguments.of(new Action.KillThread(), Action.KILL_THREAD, Action.TRAP),
                Arguments.of(new Action.Trap(), Action.TRAP, Action.ALLOW),
                Arguments.of(new Action.Log(), Action.LOG, Action.ALLOW),
                Arguments.of(new Action.Notify(), Action.NOTIFY, Action.ALLOW),
                Arguments.of(Action.errno(1), new Action.Errno(1), Action.errno(2)),
                Arguments.of(Action.errno(0), new Action.Errno(0), Action.ALLOW),
                Arguments.of(new Action.Trace(7), new Action.Trace(7), new Action.Trace(8)),
                Arguments.of(new Action.Trace(1), new Action.Trace(1), Action.errno(1)),
                Arguments.of(Condition.of(1, Op.EQ, 5), Condition.of(1, Op.EQ, 5), Condition.of(1, Op.EQ, 6)),
                Arguments.of(Condition.of(1, Op.EQ, 5), Condition.of(1, Op.EQ, 5), Condition.of(2, Op.EQ, 5)),
                Arguments.of(Condition.of(1, Op.EQ, 5), Condition.of(1, Op.EQ, 5), Condition.of(1, Op.NE, 5)),
                Arguments.of(Condition.masked(0, 0xff, 0x10), Condition.masked(0, 0xff, 0x10),
                        Condition.masked(0, 0xf0, 0x10)),
                Arguments.of(Condition.of(0, Op.GT, -1L), Condition.of(0, Op.GT, -1L), Condition.of(0, Op.GT, 0xFFFFFFFFL)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pairs")
    void equalValuesAreEqualAndDifferentOnesAreNot(Object a, Object same, Object other) {
        assertThat(a).isEqualTo(same).hasSameHashCodeAs(same);
        assertThat(same).isEqualTo(a);
        assertThat(a).isNotEqualTo(other);
        assertThat(other).isNotEqualTo(a);
        assertThat(a).isNotEqualTo(null).isNotEqualTo("x");
        assertThat(List.of(a)).contains(same);
    }
}
