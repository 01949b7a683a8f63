package dev.jbox.seccomp;

import dev.jbox.policy.Action;
import dev.jbox.policy.Condition;
import java.util.List;

/**
 * What one syscall number leads to on one ABI, after the policy's names were resolved:
 * either a fixed action (decided from {@code nr} and {@code arch} alone, so the kernel can
 * cache it) or a list of argument checks tried in order, with a fallback.
 */
sealed interface Outcome {

    record Fixed(Action action) implements Outcome {
    }

    /** One rule with the width (16, 32 or 64 bits) of each condition's argument. */
    record CheckedRule(List<Condition> conditions, List<Integer> widths, Action action) {
        public CheckedRule {
            conditions = List.copyOf(conditions);
            widths = List.copyOf(widths);
        }
    }

    record Checked(List<CheckedRule> rules, Action fallback) implements Outcome {
        public Checked {
            rules = List.copyOf(rules);
        }
    }
}
