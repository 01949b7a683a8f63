package dev.jbox.seccomp;

import static dev.jbox.seccomp.Bpf.*;

/**
 * The kernel's checks for a seccomp filter: {@code bpf_check_classic} (length, jump
 * ranges, division by a constant zero, scratch-slot indexes, last instruction a RET,
 * no read of a scratch slot before it is written) and {@code seccomp_check_filter}
 * (only the opcodes seccomp allows; absolute loads are 32-bit, aligned and inside
 * {@code struct seccomp_data}). A program that passes is one the kernel loads.
 */
public final class Verifier {
    private Verifier() {
    }

    public static void verify(Program p) throws InvalidProgramException {
        int n = p.length();
        if (n == 0 || n > MAXINSNS) {
            throw new InvalidProgramException("length " + n + " is outside 1.." + MAXINSNS);
        }
        for (int pc = 0; pc < n; pc++) {
            checkInsn(p.get(pc), pc, n);
        }
        if (!p.get(n - 1).isReturn()) {
            throw new InvalidProgramException("instruction " + (n - 1) + " is the last one but is not a RET");
        }
        checkLoadsAndStores(p);
    }

    private static void checkInsn(Insn in, int pc, int n) throws InvalidProgramException {
        int code = in.code();
        int k = in.k();
        switch (code) {
            case LD | W | ABS -> {
                if ((k & 3) != 0 || Integer.compareUnsigned(k, SeccompData.SIZE) >= 0) {
                    throw bad(pc, String.format("loads from offset 0x%x: seccomp allows only aligned 32-bit loads below 64", k));
                }
            }
            case LD | W | LEN, LDX | W | LEN, RET | K, RET | A,
                 ALU | ADD | K, ALU | ADD | X, ALU | SUB | K, ALU | SUB | X,
                 ALU | MUL | K, ALU | MUL | X, ALU | DIV | X,
                 ALU | AND | K, ALU | AND | X, ALU | OR | K, ALU | OR | X,
                 ALU | XOR | K, ALU | XOR | X, ALU | LSH | K, ALU | LSH | X,
                 ALU | RSH | K, ALU | RSH | X, ALU | NEG,
                 LD | IMM, LDX | IMM, MISC | TAX, MISC | TXA -> {
                // allowed as is
            }
            case ALU | DIV | K -> {
                if (k == 0) {
                    throw bad(pc, "divides by the constant 0");
                }
            }
            case LD | MEM, LDX | MEM, ST, STX -> {
                if (Integer.compareUnsigned(k, MEMWORDS) >= 0) {
                    throw bad(pc, "uses scratch slot " + Integer.toUnsignedString(k) + " (only 0..15 exist)");
                }
            }
            case JMP | JA -> {
                if (Integer.compareUnsigned(k, n - pc - 1) >= 0) {
                    throw bad(pc, "jumps past the end of the program");
                }
            }
            case JMP | JEQ | K, JMP | JEQ | X, JMP | JGE | K, JMP | JGE | X,
                 JMP | JGT | K, JMP | JGT | X, JMP | JSET | K, JMP | JSET | X -> {
                if (pc + in.jt() + 1 >= n || pc + in.jf() + 1 >= n) {
                    throw bad(pc, "jumps past the end of the program");
                }
            }
            default -> throw bad(pc, String.format("has opcode 0x%04x, which seccomp does not allow", code));
        }
    }

    /**
     * The kernel's {@code check_load_and_stores}, step for step: a scratch slot may be read
     * only if every path that reaches the read wrote it first. Like the kernel, a jump
     * hands its state to its targets and the walk then continues with "all valid", which
     * the target masks narrow again.
     */
    private static void checkLoadsAndStores(Program p) throws InvalidProgramException {
        int n = p.length();
        int[] masks = new int[n];
        java.util.Arrays.fill(masks, 0xFFFF);
        int memvalid = 0;
        for (int pc = 0; pc < n; pc++) {
            memvalid &= masks[pc];
            Insn in = p.get(pc);
            switch (in.code()) {
                case ST, STX -> memvalid |= 1 << in.k();
                case LD | MEM, LDX | MEM -> {
                    if ((memvalid & (1 << in.k())) == 0) {
                        throw bad(pc, "reads scratch slot " + in.k() + " before any write to it");
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

    private static InvalidProgramException bad(int pc, String what) {
        return new InvalidProgramException("instruction " + pc + " " + what);
    }
}
