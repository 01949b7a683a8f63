package dev.jbox.seccomp;

/** Classic BPF opcode fields ({@code linux/filter.h}, {@code linux/bpf_common.h}). */
public final class Bpf {
    private Bpf() {
    }

    // instruction classes
    public static final int LD = 0x00, LDX = 0x01, ST = 0x02, STX = 0x03, ALU = 0x04, JMP = 0x05, RET = 0x06, MISC = 0x07;
    // load sizes
    public static final int W = 0x00, H = 0x08, B = 0x10;
    // load modes
    public static final int IMM = 0x00, ABS = 0x20, IND = 0x40, MEM = 0x60, LEN = 0x80, MSH = 0xa0;
    // ALU operations
    public static final int ADD = 0x00, SUB = 0x10, MUL = 0x20, DIV = 0x30, OR = 0x40, AND = 0x50, LSH = 0x60,
            RSH = 0x70, NEG = 0x80, MOD = 0x90, XOR = 0xa0;
    // jumps
    public static final int JA = 0x00, JEQ = 0x10, JGT = 0x20, JGE = 0x30, JSET = 0x40;
    // operand source
    public static final int K = 0x00, X = 0x08;
    // return source
    public static final int A = 0x10;
    // misc
    public static final int TAX = 0x00, TXA = 0x80;

    /** Scratch memory slots (BPF_MEMWORDS). */
    public static final int MEMWORDS = 16;
    /** The kernel's limit on one program's length (BPF_MAXINSNS). */
    public static final int MAXINSNS = 4096;

    public static int cls(int code) {
        return code & 0x07;
    }

    public static int size(int code) {
        return code & 0x18;
    }

    public static int mode(int code) {
        return code & 0xe0;
    }

    public static int op(int code) {
        return code & 0xf0;
    }

    public static int src(int code) {
        return code & 0x08;
    }

    public static int rval(int code) {
        return code & 0x18;
    }

    public static int miscop(int code) {
        return code & 0xf8;
    }
}
