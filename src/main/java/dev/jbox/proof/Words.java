package dev.jbox.proof;

import dev.jbox.seccomp.SeccompData;
import java.util.List;
import java.util.Map;

/**
 * The input of a seccomp filter as SMT constants: one {@code (_ BitVec 32)} per 32-bit word
 * of {@code struct seccomp_data} (what {@code BPF_LD|BPF_W|BPF_ABS} can read), so a formula
 * over them covers every number, architecture value, instruction pointer and argument at once.
 */
final class Words {
    private Words() {
    }

    /** Names of the 16 words, by offset / 4: nr, arch, the instruction pointer and the six arguments, low word first. */
    static final List<String> NAMES = List.of("nr", "arch", "ip_lo", "ip_hi",
            "a0_lo", "a0_hi", "a1_lo", "a1_hi", "a2_lo", "a2_hi", "a3_lo", "a3_hi", "a4_lo", "a4_hi", "a5_lo", "a5_hi");

    static final String NR = "nr";
    static final String ARCH = "arch";

    /** The word a load at {@code offset} reads (the verifier lets through only aligned offsets below 64). */
    static String at(int offset) {
        return NAMES.get(offset / 4);
    }

    /** Argument {@code i} as one 64-bit term, the high word first (SMT's concat order). */
    static String arg64(int i) {
        return "(concat a" + i + "_hi a" + i + "_lo)";
    }

    /** The declarations of the 16 words. */
    static String declarations() {
        StringBuilder sb = new StringBuilder();
        for (String n : NAMES) {
            sb.append("(declare-fun ").append(n).append(" () (_ BitVec 32))\n");
        }
        return sb.toString();
    }

    /** The input a model gives: words the model leaves out are free, and read as 0. */
    static SeccompData data(Map<String, Integer> model) {
        int[] w = new int[NAMES.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = model.getOrDefault(NAMES.get(i), 0);
        }
        long[] args = new long[6];
        for (int i = 0; i < 6; i++) {
            args[i] = (w[4 + 2 * i] & 0xFFFFFFFFL) | ((long) w[5 + 2 * i] << 32);
        }
        return new SeccompData(w[0], w[1], (w[2] & 0xFFFFFFFFL) | ((long) w[3] << 32), args);
    }

    static String bv32(int v) {
        return String.format("#x%08x", v);
    }

    static String bv32(long v) {
        return bv32((int) v);
    }

    static String bv64(long v) {
        return String.format("#x%016x", v);
    }
}
