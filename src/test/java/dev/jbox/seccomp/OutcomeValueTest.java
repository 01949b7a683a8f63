package dev.jbox.seccomp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jbox.policy.Action;
import dev.jbox.policy.Condition;
import dev.jbox.policy.Op;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Outcome's written-out equals and hashCode (see Outcome) keep value semantics. */
class OutcomeValueTest {

    private static Outcome.CheckedRule rule(long value, int width, Action a) {
        return new Outcome.CheckedRule(List.of(Condition.of(1, Op.EQ, value)), List.of(width), a);
    }

    @Test
    void fixedOutcomesCompareByAction() {
        assertThat(new Outcome.Fixed(Action.errno(1))).isEqualTo(new Outcome.Fixed(Action.errno(1)))
                .hasSameHashCodeAs(new Outcome.Fixed(Action.errno(1)))
                .isNotEqualTo(new Outcome.Fixed(Action.errno(2)))
                .isNotEqualTo(new Outcome.Checked(List.of(), Action.errno(1)));
    }

    @Test
    void checkedOutcomesCompareByRulesAndFallback() {
        Outcome a = new Outcome.Checked(List.of(rule(5, 32, Action.errno(1))), Action.ALLOW);
        Outcome same = new Outcome.Checked(List.of(rule(5, 32, Action.errno(1))), Action.ALLOW);
        assertThat(a).isEqualTo(same).hasSameHashCodeAs(same);
        assertThat(a).isNotEqualTo(new Outcome.Checked(List.of(rule(6, 32, Action.errno(1))), Action.ALLOW));
        assertThat(a).isNotEqualTo(new Outcome.Checked(List.of(rule(5, 64, Action.errno(1))), Action.ALLOW));
        assertThat(a).isNotEqualTo(new Outcome.Checked(List.of(rule(5, 32, Action.errno(2))), Action.ALLOW));
        assertThat(a).isNotEqualTo(new Outcome.Checked(List.of(rule(5, 32, Action.errno(1))), Action.LOG));
        assertThat(a).isNotEqualTo(new Outcome.Fixed(Action.ALLOW));
    }
}
