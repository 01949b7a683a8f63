package dev.jbox.seccomp;

/**
 * One {@code struct sock_filter}: a 16-bit opcode, two 8-bit relative jump offsets and a
 * 32-bit operand. Offsets count instructions after the next one, as in the kernel.
 */
public record Insn(int code, int jt, int jf, int k) {

    public Insn {
        if ((code & ~0xFFFF) != 0 || (jt & ~0xFF) != 0 || (jf & ~0xFF) != 0) {
            throw new IllegalArgumentException(String.format(
                    "field out of range: code=0x%x jt=%d jf=%d", code, jt, jf));
        }
    }

    public static Insn stmt(int code, int k) {
        return new Insn(code, 0, 0, k);
    }

    public static Insn jump(int code, int k, int jt, int jf) {
        return new Insn(code, jt, jf, k);
    }

    /** Packs the instruction the way {@code struct sock_filter} lies in little-endian memory. */
    public long packed() {
        return (code & 0xFFFFL) | ((long) jt << 16) | ((long) jf << 24) | ((k & 0xFFFFFFFFL) << 32);
    }

    public static Insn unpack(long v) {
        return new Insn((int) (v & 0xFFFF), (int) ((v >>> 16) & 0xFF), (int) ((v >>> 24) & 0xFF), (int) (v >>> 32));
    }

    public boolean isJump() {
        return Bpf.cls(code) == Bpf.JMP;
    }

    public boolean isConditionalJump() {
        return isJump() && Bpf.op(code) != Bpf.JA;
    }

    public boolean isReturn() {
        return Bpf.cls(code) == Bpf.RET;
    }
}
