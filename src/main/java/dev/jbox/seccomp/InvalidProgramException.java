package dev.jbox.seccomp;

/**
 * A BPF program the kernel would refuse to load: which of the kernel's rules it breaks
 * ({@link #rule()}), at which instruction ({@link #pc()}, -1 when the rule is about the
 * whole program), and a sentence for people.
 */
public final class InvalidProgramException extends Exception {
    private final Verifier.Rule rule;
    private final int pc;

    InvalidProgramException(Verifier.Rule rule, int pc, String what) {
        super((pc >= 0 ? "instruction " + pc + " " : "") + what + " (" + rule.source() + ")");
        this.rule = rule;
        this.pc = pc;
    }

    public Verifier.Rule rule() {
        return rule;
    }

    /** The instruction that breaks the rule, or -1 for a rule about the whole program. */
    public int pc() {
        return pc;
    }
}
