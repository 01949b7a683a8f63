package dev.jbox.policy;

/** Comparison operators of an argument condition; all comparisons are unsigned, as in the kernel. */
public enum Op {
    EQ("=="), NE("!="), LT("<"), LE("<="), GT(">"), GE(">="), MASKED_EQ("&");

    private final String symbol;

    Op(String symbol) {
        this.symbol = symbol;
    }

    public String symbol() {
        return symbol;
    }

    /** Evaluates {@code (arg op value)} on already-truncated unsigned values. */
    public boolean test(long arg, long value, long mask) {
        return switch (this) {
            case EQ -> arg == value;
            case NE -> arg != value;
            case LT -> Long.compareUnsigned(arg, value) < 0;
            case LE -> Long.compareUnsigned(arg, value) <= 0;
            case GT -> Long.compareUnsigned(arg, value) > 0;
            case GE -> Long.compareUnsigned(arg, value) >= 0;
            case MASKED_EQ -> (arg & mask) == value;
        };
    }
}
