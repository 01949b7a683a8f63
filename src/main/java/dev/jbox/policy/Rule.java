package dev.jbox.policy;

import java.util.List;

/**
 * One rule of a policy: when {@code syscall} is called and every condition holds, the
 * action applies. Rules of the same syscall are tried in order; the first that matches
 * wins; when none matches, the policy's default action applies.
 *
 * @param reason why the rule exists, shown by {@code jbox explain}; may be empty
 * @param origin where the rule came from (a preset, group or profile file), for explain
 */
public record Rule(String syscall, Action action, List<Condition> conditions, String reason, String origin) {

    public Rule {
        conditions = List.copyOf(conditions);
        reason = reason == null ? "" : reason;
        origin = origin == null ? "" : origin;
    }

    public static Rule of(String syscall, Action action, Condition... conditions) {
        return new Rule(syscall, action, List.of(conditions), "", "");
    }

    public boolean unconditional() {
        return conditions.isEmpty();
    }
}
