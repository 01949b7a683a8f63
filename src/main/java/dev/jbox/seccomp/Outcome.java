package dev.jbox.seccomp;

import dev.jbox.policy.Action;
import dev.jbox.policy.Condition;
import java.util.List;

/**
 * What one syscall number leads to on one ABI, after the policy's names were resolved:
 * either a fixed action (decided from {@code nr} and {@code arch} alone, so the kernel can
 * cache it) or a list of argument checks tried in order, with a fallback.
 *
 * <p>equals and hashCode are spelled out: the compiler uses outcomes as map keys on every
 * launch, and generated record methods cost an invokedynamic bootstrap each at first use
 * (see {@link Action}).
 */
sealed interface Outcome {

    record Fixed(Action action) implements Outcome {
        @Override
        public boolean equals(Object o) {
            return o instanceof Fixed f && f.action.equals(action);
        }

        @Override
        public int hashCode() {
            return action.hashCode();
        }
    }

    /** One rule with the width (16, 32 or 64 bits) of each condition's argument. */
    record CheckedRule(List<Condition> conditions, List<Integer> widths, Action action) {
        public CheckedRule {
            conditions = List.copyOf(conditions);
            widths = List.copyOf(widths);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof CheckedRule r && r.conditions.equals(conditions) && r.widths.equals(widths)
                    && r.action.equals(action);
        }

        @Override
        public int hashCode() {
            return (conditions.hashCode() * 31 + widths.hashCode()) * 31 + action.hashCode();
        }
    }

    record Checked(List<CheckedRule> rules, Action fallback) implements Outcome {
        public Checked {
            rules = List.copyOf(rules);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Checked c && c.rules.equals(rules) && c.fallback.equals(fallback);
        }

        @Override
        public int hashCode() {
            return rules.hashCode() * 31 + fallback.hashCode() + 7;
        }
    }
}
