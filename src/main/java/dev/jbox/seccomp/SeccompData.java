package dev.jbox.seccomp;

import dev.jbox.arch.Arch;

/**
 * {@code struct seccomp_data} as a filter sees it: nr at offset 0, arch at 4, the
 * instruction pointer at 8 and the six arguments at 16 + 8*i, little-endian (every
 * architecture jbox targets is little-endian).
 */
public record SeccompData(int nr, int arch, long ip, long[] args) {

    public static final int SIZE = 64;
    public static final int OFFSET_NR = 0;
    public static final int OFFSET_ARCH = 4;

    public SeccompData {
        if (args.length != 6) {
            throw new IllegalArgumentException("seccomp_data has exactly 6 arguments");
        }
        args = args.clone();
    }

    public static SeccompData of(Arch arch, int nr, long... args) {
        long[] a = new long[6];
        System.arraycopy(args, 0, a, 0, Math.min(args.length, 6));
        return new SeccompData(nr, arch.auditArch(), 0, a);
    }

    /** Offset of the low 32-bit word of argument {@code i}. */
    public static int argLow(int i) {
        return 16 + 8 * i;
    }

    /** Offset of the high 32-bit word of argument {@code i}. */
    public static int argHigh(int i) {
        return 20 + 8 * i;
    }

    @Override
    public long[] args() {
        return args.clone();
    }

    /** The 32-bit word a {@code BPF_LD|BPF_W|BPF_ABS} at {@code offset} reads (aligned, < 64). */
    public int word(int offset) {
        return switch (offset) {
            case 0 -> nr;
            case 4 -> arch;
            case 8 -> (int) ip;
            case 12 -> (int) (ip >>> 32);
            default -> {
                long a = args[(offset - 16) / 8];
                yield (offset & 4) == 0 ? (int) a : (int) (a >>> 32);
            }
        };
    }
}
