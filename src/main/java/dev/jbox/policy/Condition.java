package dev.jbox.policy;

/**
 * A test on one system call argument: {@code args[arg] op value}, or for {@link Op#MASKED_EQ}
 * {@code (args[arg] & mask) == value}. How many bits of the argument take part is not part
 * of the condition: it follows from the syscall's C signature on the target architecture
 * (an {@code int} is compared on its low 32 bits, because the kernel ignores the rest).
 */
public record Condition(int arg, Op op, long value, long mask) {

    public Condition {
        if (arg < 0 || arg > 5) {
            throw new IllegalArgumentException("argument index must be 0..5, got " + arg);
        }
        if (op != Op.MASKED_EQ) {
            mask = -1L;
        } else if ((value & ~mask) != 0) {
            // A masked compare whose value has bits outside the mask can never match:
            // almost certainly a mistake in the profile, so refuse it.
            throw new IllegalArgumentException(String.format(
                    "masked_eq value 0x%x has bits outside mask 0x%x", value, mask));
        }
    }

    public static Condition of(int arg, Op op, long value) {
        return new Condition(arg, op, value, -1L);
    }

    public static Condition masked(int arg, long mask, long value) {
        return new Condition(arg, Op.MASKED_EQ, value, mask);
    }

    /** This condition with its value and mask cut to the given width (32 or 64 bits). */
    public Condition truncated(int bits) {
        if (bits >= 64) {
            return this;
        }
        long m = (1L << bits) - 1;
        return new Condition(arg, op, value & m, mask & m);
    }

    // Spelled out, not generated: see Action (invokedynamic bootstraps on the launch path).
    @Override
    public boolean equals(Object o) {
        return o instanceof Condition c && c.arg == arg && c.op == op && c.value == value && c.mask == mask;
    }

    @Override
    public int hashCode() {
        return ((arg * 31 + op.hashCode()) * 31 + Long.hashCode(value)) * 31 + Long.hashCode(mask);
    }

    @Override
    public String toString() {
        return op == Op.MASKED_EQ
                ? String.format("(arg%d & 0x%x) == 0x%x", arg, mask, value)
                : String.format("arg%d %s 0x%x", arg, op.symbol(), value);
    }
}
