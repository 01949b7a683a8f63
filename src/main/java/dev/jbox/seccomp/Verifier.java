package dev.jbox.seccomp;

import static dev.jbox.seccomp.Bpf.*;

import java.util.Arrays;
import java.util.List;

/**
 * The kernel's checks on a seccomp filter, rule for rule, in the kernel's order, so that a
 * program passes here exactly when {@code seccomp(SECCOMP_SET_MODE_FILTER)} (or
 * {@code prctl(PR_SET_SECCOMP)}) would load it. Followed: Linux 6.18, read from
 * torvalds/linux: {@code seccomp_prepare_filter} and {@code seccomp_check_filter}
 * (kernel/seccomp.c), {@code bpf_check_basics_ok}, {@code chk_code_allowed},
 * {@code bpf_check_classic} and {@code check_load_and_stores} (net/core/filter.c),
 * {@code bpf_anc_helper} (include/linux/filter.h). The kernel runs bpf_check_classic
 * first (every instruction, then the last-RET rule, then the scratch-memory walk) and
 * seccomp_check_filter after it; the first rule broken in that order is the one reported.
 * The kernel says only EINVAL; {@link InvalidProgramException} says which rule and where.
 *
 * <p>The only way to a {@link Program} is through here ({@link Program#of}), so everything
 * that runs, prints or audits a program knows the kernel would load it.
 */
public final class Verifier {
    private Verifier() {
    }

    /** One rule of the kernel's, named after the function that enforces it. */
    public enum Rule {
        RECORD_SIZE("struct sock_filter", "a raw program is a whole number of 8-byte instructions"),
        LENGTH("seccomp_prepare_filter", "a program has 1 to " + MAXINSNS + " instructions"),
        OPCODE("bpf_check_classic", "every opcode is one classic BPF defines"),
        DIVISION_BY_ZERO("bpf_check_classic", "no division or remainder by the constant 0"),
        SHIFT_RANGE("bpf_check_classic", "a shift by a constant shifts by 0 to 31"),
        SCRATCH_INDEX("bpf_check_classic", "scratch memory has the slots 0 to " + (MEMWORDS - 1)),
        JA_RANGE("bpf_check_classic", "a JA lands inside the program"),
        JUMP_RANGE("bpf_check_classic", "both targets of a conditional jump are inside the program"),
        ANCILLARY("bpf_check_classic", "an absolute load at SKF_AD_OFF or above names a known ancillary field"),
        LAST_RET("bpf_check_classic", "the last instruction is a RET"),
        SCRATCH_UNWRITTEN("check_load_and_stores", "every path writes a scratch slot before reading it"),
        SECCOMP_LOAD("seccomp_check_filter", "an absolute load is 32 bits wide, 4-aligned and inside"
                + " struct seccomp_data"),
        SECCOMP_OPCODE("seccomp_check_filter", "only the opcodes seccomp lists");

        private final String source;
        private final String text;

        Rule(String source, String text) {
            this.source = source;
            this.text = text;
        }

        /** The kernel function (or, for {@link #RECORD_SIZE}, the structure) that enforces the rule. */
        public String source() {
            return source;
        }

        /** The rule in one line. */
        public String text() {
            return text;
        }
    }

    /** {@code SKF_AD_OFF}: absolute loads from here up are "ancillary" packet metadata. */
    static final int SKF_AD_OFF = -0x1000;
    /** {@code SKF_AD_MAX}: every 4-aligned offset below it (after SKF_AD_OFF) is a known field. */
    static final int SKF_AD_MAX = 64;

    /** chk_code_allowed: the opcodes classic BPF defines. */
    private static final boolean[] CLASSIC = codes(
            ALU | ADD | K, ALU | ADD | X, ALU | SUB | K, ALU | SUB | X, ALU | MUL | K, ALU | MUL | X,
            ALU | DIV | K, ALU | DIV | X, ALU | MOD | K, ALU | MOD | X, ALU | AND | K, ALU | AND | X,
            ALU | OR | K, ALU | OR | X, ALU | XOR | K, ALU | XOR | X, ALU | LSH | K, ALU | LSH | X,
            ALU | RSH | K, ALU | RSH | X, ALU | NEG,
            LD | W | ABS, LD | H | ABS, LD | B | ABS, LD | W | LEN, LD | W | IND, LD | H | IND, LD | B | IND,
            LD | IMM, LD | MEM, LDX | W | LEN, LDX | B | MSH, LDX | IMM, LDX | MEM,
            ST, STX, MISC | TAX, MISC | TXA, RET | K, RET | A,
            JMP | JA, JMP | JEQ | K, JMP | JEQ | X, JMP | JGE | K, JMP | JGE | X, JMP | JGT | K, JMP | JGT | X,
            JMP | JSET | K, JMP | JSET | X);

    /** seccomp_check_filter: the subset seccomp takes (LD|W|ABS and the LENs with their own checks). */
    private static final boolean[] SECCOMP = codes(
            LD | W | ABS, LD | W | LEN, LDX | W | LEN, RET | K, RET | A,
            ALU | ADD | K, ALU | ADD | X, ALU | SUB | K, ALU | SUB | X, ALU | MUL | K, ALU | MUL | X,
            ALU | DIV | K, ALU | DIV | X, ALU | AND | K, ALU | AND | X, ALU | OR | K, ALU | OR | X,
            ALU | XOR | K, ALU | XOR | X, ALU | LSH | K, ALU | LSH | X, ALU | RSH | K, ALU | RSH | X, ALU | NEG,
            LD | IMM, LDX | IMM, MISC | TAX, MISC | TXA, LD | MEM, LDX | MEM, ST, STX,
            JMP | JA, JMP | JEQ | K, JMP | JEQ | X, JMP | JGE | K, JMP | JGE | X, JMP | JGT | K, JMP | JGT | X,
            JMP | JSET | K, JMP | JSET | X);

    private static boolean[] codes(int... allowed) {
        boolean[] out = new boolean[0x100];
        for (int c : allowed) {
            out[c] = true;
        }
        return out;
    }

    private static boolean in(boolean[] set, int code) {
        return code < set.length && set[code];
    }

    /** Throws the first rule the kernel would find broken; returns when it would load the program. */
    static void check(List<Insn> p) throws InvalidProgramException {
        int n = p.size();
        if (n == 0) {
            throw new InvalidProgramException(Rule.LENGTH, -1, "the program is empty");
        }
        if (n > MAXINSNS) {
            throw new InvalidProgramException(Rule.LENGTH, -1, "the program has " + n
                    + " instructions; the kernel accepts at most " + MAXINSNS);
        }
        for (int pc = 0; pc < n; pc++) {
            classic(p.get(pc), pc, n);
        }
        if (!p.get(n - 1).isReturn()) {
            throw new InvalidProgramException(Rule.LAST_RET, n - 1, "is the last one but is not a RET");
        }
        loadsAndStores(p);
        for (int pc = 0; pc < n; pc++) {
            seccomp(p.get(pc), pc);
        }
    }

    /** One instruction against bpf_check_classic's per-instruction rules. */
    private static void classic(Insn in, int pc, int n) throws InvalidProgramException {
        int code = in.code();
        int k = in.k();
        if (!in(CLASSIC, code)) {
            throw new InvalidProgramException(Rule.OPCODE, pc, String.format("has opcode 0x%04x, which classic BPF"
                    + " does not define", code));
        }
        switch (code) {
            case ALU | DIV | K, ALU | MOD | K -> {
                if (k == 0) {
                    throw new InvalidProgramException(Rule.DIVISION_BY_ZERO, pc, "divides by the constant 0");
                }
            }
            case ALU | LSH | K, ALU | RSH | K -> {
                if (Integer.compareUnsigned(k, 32) >= 0) {
                    throw new InvalidProgramException(Rule.SHIFT_RANGE, pc, "shifts by " + Integer.toUnsignedString(k)
                            + "; a constant shift must be 0 to 31");
                }
            }
            case LD | MEM, LDX | MEM, ST, STX -> {
                if (Integer.compareUnsigned(k, MEMWORDS) >= 0) {
                    throw new InvalidProgramException(Rule.SCRATCH_INDEX, pc, "uses scratch slot "
                            + Integer.toUnsignedString(k) + " (only 0.." + (MEMWORDS - 1) + " exist)");
                }
            }
            case JMP | JA -> {
                // k is unsigned: a "negative" k is a jump far past the end, not backwards
                if (Integer.compareUnsigned(k, n - pc - 1) >= 0) {
                    throw new InvalidProgramException(Rule.JA_RANGE, pc, "jumps past the end of the program");
                }
            }
            case LD | W | ABS, LD | H | ABS, LD | B | ABS -> {
                boolean ancillary = Integer.compareUnsigned(k - SKF_AD_OFF, SKF_AD_MAX) < 0 && (k & 3) == 0;
                if (!ancillary && Integer.compareUnsigned(k, SKF_AD_OFF) >= 0) {
                    throw new InvalidProgramException(Rule.ANCILLARY, pc, String.format("loads from offset 0x%x,"
                            + " which is no ancillary field", k));
                }
            }
            default -> {
                if (in.isConditionalJump() && (pc + in.jt() + 1 >= n || pc + in.jf() + 1 >= n)) {
                    throw new InvalidProgramException(Rule.JUMP_RANGE, pc, "jumps past the end of the program");
                }
            }
        }
    }

    /**
     * check_load_and_stores, step for step: a scratch slot may be read only if every path
     * that reaches the read wrote it first. Like the kernel, a jump hands its state to its
     * targets and the walk then continues with "all valid", which the targets' masks
     * narrow again.
     */
    private static void loadsAndStores(List<Insn> p) throws InvalidProgramException {
        int n = p.size();
        int[] masks = new int[n];
        Arrays.fill(masks, 0xFFFF);
        int memvalid = 0;
        for (int pc = 0; pc < n; pc++) {
            memvalid &= masks[pc];
            Insn in = p.get(pc);
            switch (in.code()) {
                case ST, STX -> memvalid |= 1 << in.k();
                case LD | MEM, LDX | MEM -> {
                    if ((memvalid & (1 << in.k())) == 0) {
                        throw new InvalidProgramException(Rule.SCRATCH_UNWRITTEN, pc, "reads scratch slot " + in.k()
                                + " before any write to it");
                    }
                }
                case JMP | JA -> {
                    masks[pc + 1 + in.k()] &= memvalid;
                    memvalid = 0xFFFF;
                }
                default -> {
                    if (in.isConditionalJump()) {
                        masks[pc + 1 + in.jt()] &= memvalid;
                        masks[pc + 1 + in.jf()] &= memvalid;
                        memvalid = 0xFFFF;
                    }
                }
            }
        }
    }

    /** One instruction against seccomp_check_filter. */
    private static void seccomp(Insn in, int pc) throws InvalidProgramException {
        int code = in.code();
        int k = in.k();
        if (!in(SECCOMP, code)) {
            throw new InvalidProgramException(Rule.SECCOMP_OPCODE, pc, String.format("has opcode 0x%04x, which seccomp"
                    + " does not allow", code));
        }
        if (code == (LD | W | ABS) && ((k & 3) != 0 || Integer.compareUnsigned(k, SeccompData.SIZE) >= 0)) {
            throw new InvalidProgramException(Rule.SECCOMP_LOAD, pc, String.format("loads from offset 0x%x: seccomp"
                    + " allows only aligned 32-bit loads below %d", k, SeccompData.SIZE));
        }
    }
}
