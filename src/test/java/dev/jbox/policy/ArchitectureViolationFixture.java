package dev.jbox.policy;

import java.util.List;

/**
 * Breaks every rule of {@link dev.jbox.ArchitectureRules} on purpose, from the policy layer:
 * only {@code ArchitectureRulesTest} imports it (the architecture test imports main classes
 * only), and nothing calls it.
 */
public final class ArchitectureViolationFixture {
    private ArchitectureViolationFixture() {
    }

    /** An arrow upwards (policy -> config). */
    static Object upwards() throws Exception {
        return dev.jbox.config.Profiles.builtin();
    }

    /** The FFM API outside nativ. */
    static Object foreign() {
        return java.lang.foreign.Arena.ofConfined();
    }

    /** The generated bindings outside nativ. */
    static int generated() {
        return dev.jbox.nativ.gen.Libc.EINTR();
    }

    /** Processes started outside launch, three ways. */
    static Object processes() throws Exception {
        new ProcessBuilder("true").start();
        Runtime.getRuntime().exec(new String[] {"true"});
        return dev.jbox.nativ.Posix.spawn("/bin/true", List.of("true"), List.of());
    }

    /** The compiler's width table read by the reference's layer. */
    static int compilersWidths() {
        return dev.jbox.arch.ArgTypes.width(dev.jbox.arch.Arch.X86_64, "socket", 0);
    }
}
