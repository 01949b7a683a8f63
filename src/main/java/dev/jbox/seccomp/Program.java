package dev.jbox.seccomp;

import dev.jbox.arch.Arch;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A classic BPF seccomp program the kernel would load: the instructions and the
 * architectures it decides for (the first is the native one; empty for a program read from
 * a raw file). The constructor is private: every program comes through {@link #of} or
 * {@link #fromBytes}, which run the {@link Verifier}, so the emulator, the disassembler and
 * the auditor never see a program the kernel would refuse.
 */
public final class Program {
    private final List<Insn> insns;
    private final List<Arch> arches;

    private Program(List<Insn> insns, List<Arch> arches) {
        this.insns = insns;
        this.arches = arches;
    }

    /** The program, once the kernel's rules hold for it. */
    public static Program of(List<Insn> insns, List<Arch> arches) throws InvalidProgramException {
        List<Insn> copy = List.copyOf(insns);
        Verifier.check(copy);
        return new Program(copy, List.copyOf(arches));
    }

    /** A program for no particular architecture (a raw file, a hand-written test). */
    public static Program of(List<Insn> insns) throws InvalidProgramException {
        return of(insns, List.of());
    }

    public List<Insn> insns() {
        return insns;
    }

    public List<Arch> arches() {
        return arches;
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
     * The instructions of a raw program (as written by {@code jbox compile} or any libseccomp
     * export), not yet checked: only whole 8-byte records and the kernel's length limit, so
     * that a caller can report what else is wrong with them.
     */
    public static List<Insn> decode(byte[] bytes) throws InvalidProgramException {
        if (bytes.length % 8 != 0) {
            throw new InvalidProgramException(Verifier.Rule.RECORD_SIZE, -1,
                    "the size (" + bytes.length + " bytes) is not a multiple of 8");
        }
        int n = bytes.length / 8;
        if (n == 0) {
            throw new InvalidProgramException(Verifier.Rule.LENGTH, -1, "the program is empty");
        }
        if (n > Bpf.MAXINSNS) {
            throw new InvalidProgramException(Verifier.Rule.LENGTH, -1, "the program has " + n
                    + " instructions; the kernel accepts at most " + Bpf.MAXINSNS);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(Arch.host().byteOrder()); // as bwrap will read it
        List<Insn> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new Insn(b.getShort() & 0xFFFF, b.get() & 0xFF, b.get() & 0xFF, b.getInt()));
        }
        return out;
    }

    /** Reads a raw program and checks it with the kernel's rules. */
    public static Program fromBytes(byte[] bytes) throws InvalidProgramException {
        return of(decode(bytes));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Program p && p.insns.equals(insns) && p.arches.equals(arches);
    }

    @Override
    public int hashCode() {
        return insns.hashCode() * 31 + arches.hashCode();
    }

    @Override
    public String toString() {
        return "Program[" + insns.size() + " instructions, " + arches + "]";
    }
}
