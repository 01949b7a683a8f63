package dev.jbox.seccomp;

/**
 * Breaks {@link dev.jbox.ArchitectureRules#COMPILER_SHARES_NOTHING_WITH_THE_REFERENCE} on
 * purpose: the compiler's package reading the reference's width table. Only
 * {@code ArchitectureRulesTest} imports it, and nothing calls it.
 */
public final class ReferenceViolationFixture {
    private ReferenceViolationFixture() {
    }

    static int referencesWidths() {
        return dev.jbox.policy.ArgWidths.of(dev.jbox.arch.Arch.X86_64, "socket", 0);
    }
}
