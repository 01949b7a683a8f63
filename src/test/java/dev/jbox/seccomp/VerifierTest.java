package dev.jbox.seccomp;

import static dev.jbox.seccomp.Bpf.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jbox.seccomp.Verifier.Rule;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One row per rule of the kernel's ({@code bpf_check_classic}, {@code check_load_and_stores},
 * {@code seccomp_check_filter}, the length check of {@code seccomp_prepare_filter}): a program
 * the kernel refuses, the {@link Rule} and instruction the verifier names, and its message.
 * {@link KernelRefusalTest} loads the same bytes into the running kernel.
 */
class VerifierTest {

    static Insn s(int code, int k) {
        return Insn.stmt(code, k);
    }

    static Insn j(int code, int k, int jt, int jf) {
        return Insn.jump(code, k, jt, jf);
    }

    static final Insn RET_ALLOW = s(RET | K, Ret.ALLOW);

    /** A refused program: what it shows, its instructions, the rule, the instruction named, the message. */
    record Row(String what, List<Insn> insns, Rule rule, int pc, String message) {
        @Override
        public String toString() {
            return what;
        }
    }

    static Row row(String what, Rule rule, int pc, String message, Insn... insns) {
        return new Row(what, List.of(insns), rule, pc, message);
    }

    static List<Row> rows() {
        return List.of(
                row("empty", Rule.LENGTH, -1, "the program is empty (seccomp_prepare_filter)"),
                new Row("4097 instructions", Collections.nCopies(4097, RET_ALLOW), Rule.LENGTH, -1,
                        "the program has 4097 instructions; the kernel accepts at most 4096 (seccomp_prepare_filter)"),
                row("opcode classic BPF does not define", Rule.OPCODE, 0,
                        "instruction 0 has opcode 0xffff, which classic BPF does not define (bpf_check_classic)",
                        s(0xffff, 0), RET_ALLOW),
                row("LD|B|IMM (no such load)", Rule.OPCODE, 1,
                        "instruction 1 has opcode 0x0010, which classic BPF does not define (bpf_check_classic)",
                        s(LD | IMM, 0), s(LD | B | IMM, 0), RET_ALLOW),
                row("division by the constant 0", Rule.DIVISION_BY_ZERO, 0,
                        "instruction 0 divides by the constant 0 (bpf_check_classic)", s(ALU | DIV | K, 0), RET_ALLOW),
                row("remainder by the constant 0 (refused before seccomp refuses MOD)", Rule.DIVISION_BY_ZERO, 0,
                        "instruction 0 divides by the constant 0 (bpf_check_classic)", s(ALU | MOD | K, 0), RET_ALLOW),
                row("left shift by 32", Rule.SHIFT_RANGE, 0,
                        "instruction 0 shifts by 32; a constant shift must be 0 to 31 (bpf_check_classic)",
                        s(ALU | LSH | K, 32), RET_ALLOW),
                row("right shift by 2^32-1", Rule.SHIFT_RANGE, 0,
                        "instruction 0 shifts by 4294967295; a constant shift must be 0 to 31 (bpf_check_classic)",
                        s(ALU | RSH | K, -1), RET_ALLOW),
                row("store to slot 16", Rule.SCRATCH_INDEX, 0,
                        "instruction 0 uses scratch slot 16 (only 0..15 exist) (bpf_check_classic)", s(ST, 16), RET_ALLOW),
                row("load from slot 2^32-1", Rule.SCRATCH_INDEX, 0,
                        "instruction 0 uses scratch slot 4294967295 (only 0..15 exist) (bpf_check_classic)",
                        s(LDX | MEM, -1), RET_ALLOW),
                row("JA past the end", Rule.JA_RANGE, 0,
                        "instruction 0 jumps past the end of the program (bpf_check_classic)", s(JMP | JA, 1), RET_ALLOW),
                row("JA backwards (k is unsigned)", Rule.JA_RANGE, 0,
                        "instruction 0 jumps past the end of the program (bpf_check_classic)", s(JMP | JA, -1), RET_ALLOW),
                row("conditional jump past the end", Rule.JUMP_RANGE, 0,
                        "instruction 0 jumps past the end of the program (bpf_check_classic)",
                        j(JMP | JEQ | K, 0, 0, 1), RET_ALLOW),
                row("load of an ancillary field that does not exist", Rule.ANCILLARY, 0,
                        "instruction 0 loads from offset 0xfffff040, which is no ancillary field (bpf_check_classic)",
                        s(LD | W | ABS, Verifier.SKF_AD_OFF + Verifier.SKF_AD_MAX), RET_ALLOW),
                row("last instruction not a RET", Rule.LAST_RET, 0,
                        "instruction 0 is the last one but is not a RET (bpf_check_classic)", s(LD | W | ABS, 0)),
                row("read of a slot never written", Rule.SCRATCH_UNWRITTEN, 0,
                        "instruction 0 reads scratch slot 3 before any write to it (check_load_and_stores)",
                        s(LD | MEM, 3), RET_ALLOW),
                row("slot written on one path only", Rule.SCRATCH_UNWRITTEN, 3,
                        "instruction 3 reads scratch slot 2 before any write to it (check_load_and_stores)",
                        s(LD | W | ABS, 0), j(JMP | JEQ | K, 1, 0, 1), s(ST, 2), s(LD | MEM, 2), RET_ALLOW),
                row("unaligned load", Rule.SECCOMP_LOAD, 0, "instruction 0 loads from offset 0x2: seccomp allows only"
                        + " aligned 32-bit loads below 64 (seccomp_check_filter)", s(LD | W | ABS, 2), RET_ALLOW),
                row("load past seccomp_data", Rule.SECCOMP_LOAD, 0, "instruction 0 loads from offset 0x40: seccomp"
                        + " allows only aligned 32-bit loads below 64 (seccomp_check_filter)", s(LD | W | ABS, 64), RET_ALLOW),
                row("load of a known ancillary field (classic BPF takes it, seccomp does not)", Rule.SECCOMP_LOAD, 0,
                        "instruction 0 loads from offset 0xfffff000: seccomp allows only aligned 32-bit loads below 64"
                                + " (seccomp_check_filter)", s(LD | W | ABS, Verifier.SKF_AD_OFF), RET_ALLOW),
                row("half-word load", Rule.SECCOMP_OPCODE, 0,
                        "instruction 0 has opcode 0x0028, which seccomp does not allow (seccomp_check_filter)",
                        s(LD | H | ABS, 0), RET_ALLOW),
                row("byte load", Rule.SECCOMP_OPCODE, 0,
                        "instruction 0 has opcode 0x0030, which seccomp does not allow (seccomp_check_filter)",
                        s(LD | B | ABS, 0), RET_ALLOW),
                row("indirect load", Rule.SECCOMP_OPCODE, 0,
                        "instruction 0 has opcode 0x0040, which seccomp does not allow (seccomp_check_filter)",
                        s(LD | W | IND, 0), RET_ALLOW),
                row("LDX|B|MSH", Rule.SECCOMP_OPCODE, 0,
                        "instruction 0 has opcode 0x00b1, which seccomp does not allow (seccomp_check_filter)",
                        s(LDX | B | MSH, 0), RET_ALLOW),
                row("remainder", Rule.SECCOMP_OPCODE, 0,
                        "instruction 0 has opcode 0x0094, which seccomp does not allow (seccomp_check_filter)",
                        s(ALU | MOD | K, 3), RET_ALLOW),
                row("the kernel's order: a classic rule later beats a seccomp rule earlier", Rule.JA_RANGE, 1,
                        "instruction 1 jumps past the end of the program (bpf_check_classic)",
                        s(LD | H | ABS, 0), s(JMP | JA, 5), RET_ALLOW));
    }

    static Stream<Arguments> refused() {
        return rows().stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void refuses(Row r) {
        assertThatThrownBy(() -> Program.of(r.insns()))
                .isInstanceOfSatisfying(InvalidProgramException.class, e -> {
                    assertThat(e.rule()).isEqualTo(r.rule());
                    assertThat(e.pc()).isEqualTo(r.pc());
                })
                .hasMessage(r.message());
    }

    @Test
    void everyRuleHasARow() {
        Set<Rule> covered = rows().stream().map(Row::rule).collect(Collectors.toCollection(() -> EnumSet.noneOf(Rule.class)));
        covered.add(Rule.RECORD_SIZE); // a file-format rule: rawFilesAreCheckedBeforeUse
        assertThat(covered).containsExactlyInAnyOrder(Rule.values());
    }

    @Test
    void acceptsEveryInstructionSeccompAllows() throws Exception {
        List<Insn> ok = List.of(
                s(LD | W | ABS, 0), s(LD | W | ABS, 60), s(LD | W | LEN, 0), s(LDX | W | LEN, 0),
                s(LD | IMM, 5), s(LDX | IMM, 7), s(ST, 0), s(STX, 15), s(LD | MEM, 0), s(LDX | MEM, 15),
                s(ALU | ADD | K, 1), s(ALU | SUB | X, 0), s(ALU | MUL | K, 3), s(ALU | DIV | K, 2), s(ALU | DIV | X, 0),
                s(ALU | AND | K, 1), s(ALU | OR | X, 0), s(ALU | XOR | K, 1), s(ALU | LSH | K, 31), s(ALU | RSH | X, 0),
                s(ALU | RSH | K, 0), s(ALU | NEG, 0), s(MISC | TAX, 0), s(MISC | TXA, 0),
                j(JMP | JEQ | K, 1, 0, 0), j(JMP | JGT | X, 0, 0, 0), j(JMP | JGE | K, 0, 0, 0), j(JMP | JSET | X, 0, 0, 0),
                s(JMP | JA, 0), s(RET | A, 0));
        assertThat(Program.of(ok).insns()).isEqualTo(ok);
        List<Insn> longest = new ArrayList<>(Collections.nCopies(MAXINSNS - 1, s(LD | IMM, 0)));
        longest.add(RET_ALLOW);
        assertThat(Program.of(longest).length()).isEqualTo(MAXINSNS);
    }

    @Test
    void rawFilesAreCheckedBeforeUse() {
        assertThatThrownBy(() -> Program.fromBytes(new byte[0])).hasMessage("the program is empty (seccomp_prepare_filter)");
        assertThatThrownBy(() -> Program.fromBytes(new byte[12]))
                .isInstanceOfSatisfying(InvalidProgramException.class, e -> assertThat(e.rule()).isEqualTo(Rule.RECORD_SIZE))
                .hasMessage("the size (12 bytes) is not a multiple of 8 (struct sock_filter)");
        assertThatThrownBy(() -> Program.fromBytes(new byte[8 * 4097]))
                .hasMessage("the program has 4097 instructions; the kernel accepts at most 4096 (seccomp_prepare_filter)");
        // 8 zero bytes: "A = 0" (LD IMM) with nothing after it
        assertThatThrownBy(() -> Program.fromBytes(new byte[8]))
                .hasMessage("instruction 0 is the last one but is not a RET (bpf_check_classic)");
    }

    @Test
    void bytesRoundTripInHostOrder() throws Exception {
        Program p = Program.of(List.of(s(LD | W | ABS, 4), j(JMP | JEQ | K, 0xC000003E, 1, 0), s(RET | K, Ret.KILL_PROCESS),
                RET_ALLOW));
        byte[] b = p.toBytes();
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(bb.getShort(8)).isEqualTo((short) (JMP | JEQ | K));
        assertThat(b[10]).isEqualTo((byte) 1);
        assertThat(bb.getInt(12)).isEqualTo(0xC000003E);
        assertThat(Program.fromBytes(b)).isEqualTo(p);
        assertThat(Arrays.asList(Insn.unpack(p.packed()[1]))).containsExactly(p.get(1));
    }
}
