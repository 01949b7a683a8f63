package dev.jbox.seccomp;

import dev.jbox.arch.Arch;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * A classic BPF seccomp program: the instructions and the architectures it decides for
 * (the first is the native one; empty for a program read from a raw file).
 */
public record Program(List<Insn> insns, List<Arch> arches) {

    public Program {
        insns = List.copyOf(insns);
        arches = List.copyOf(arches);
    }

    public int length() {
        return insns.size();
    }

    public Insn get(int pc) {
        return insns.get(pc);
    }

    /** One {@code long} per {@code struct sock_filter}, for the native layer. */
    public long[] packed() {
        long[] out = new long[insns.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = insns.get(i).packed();
        }
        return out;
    }

    /** The raw {@code struct sock_filter[]} bytes that {@code bwrap --seccomp} reads. */
    public byte[] toBytes() {
        // the byte order of the ABI it is for; a raw program names none, so the host's, which bwrap reads in
        ByteBuffer b = ByteBuffer.allocate(insns.size() * 8)
                .order((arches.isEmpty() ? Arch.host() : arches.getFirst()).byteOrder());
        for (Insn i : insns) {
            b.putShort((short) i.code()).put((byte) i.jt()).put((byte) i.jf()).putInt(i.k());
        }
        return b.array();
    }

    /**
     * Reads a raw program (as written by {@code jbox compile} or any libseccomp export) and
     * checks it with the kernel's rules.
     */
    public static Program fromBytes(byte[] bytes) throws InvalidProgramException {
        if (bytes.length == 0) {
            throw new InvalidProgramException("the program is empty");
        }
        if (bytes.length % 8 != 0) {
            throw new InvalidProgramException(
                    "the size (" + bytes.length + " bytes) is not a multiple of 8 (struct sock_filter)");
        }
        if (bytes.length / 8 > Bpf.MAXINSNS) {
            throw new InvalidProgramException("the program has " + bytes.length / 8
                    + " instructions; the kernel accepts at most " + Bpf.MAXINSNS);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(Arch.host().byteOrder()); // as bwrap will read it
        Insn[] out = new Insn[bytes.length / 8];
        for (int i = 0; i < out.length; i++) {
            out[i] = new Insn(b.getShort() & 0xFFFF, b.get() & 0xFF, b.get() & 0xFF, b.getInt());
        }
        Program p = new Program(List.of(out), List.of());
        Verifier.verify(p);
        return p;
    }
}
