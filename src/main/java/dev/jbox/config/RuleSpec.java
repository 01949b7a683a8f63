package dev.jbox.config;

import dev.jbox.policy.Action;
import dev.jbox.policy.Condition;
import java.util.List;
import java.util.Optional;

/**
 * One rule as a profile file writes it: syscall names and {@code @groups}, an action
 * (absent: refuse with the profile's default errno), argument conditions and a reason.
 */
public record RuleSpec(List<String> syscalls, Optional<Action> action, List<Condition> conditions, String reason) {
    public RuleSpec {
        syscalls = List.copyOf(syscalls);
        conditions = List.copyOf(conditions);
    }
}
