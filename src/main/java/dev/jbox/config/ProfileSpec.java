package dev.jbox.config;

import dev.jbox.policy.Action;
import dev.jbox.policy.ArchScope;
import java.util.List;
import java.util.Optional;

/**
 * A profile as written in a preset or a user's file, before {@code extends} and groups are
 * resolved. Absent settings are inherited from the parent.
 *
 * @param origin         where it was defined ("preset" or a file name), for messages
 * @param defaultAction  default_action as written
 * @param futureSyscalls errno name for syscall numbers newer than jbox's tables, or "none"
 */
public record ProfileSpec(
        String name,
        String origin,
        String description,
        Optional<String> parent,
        Optional<DefaultAction> defaultAction,
        Optional<Integer> defaultErrno,
        Optional<ArchScope> arches,
        Optional<String> futureSyscalls,
        List<String> allow,
        List<String> deny,
        List<RuleSpec> rules) {

    /**
     * A {@code default_action} as written. "errno" names no number: it takes the
     * {@code default_errno} in effect where it was written (that profile's own, else the nearest
     * ancestor's, else EPERM), which only the resolved {@code extends} chain knows.
     */
    public sealed interface DefaultAction {
        /** Any action but "errno". */
        record Given(Action action) implements DefaultAction {
        }

        /** "errno", with the default_errno in effect. */
        record ErrnoInEffect() implements DefaultAction {
        }
    }

    public ProfileSpec {
        allow = List.copyOf(allow);
        deny = List.copyOf(deny);
        rules = List.copyOf(rules);
    }
}
