package dev.jbox.seccomp;

import static dev.jbox.seccomp.Bpf.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every malformed program the kernel would refuse is refused, with the reason. */
class VerifierTest {

    static Insn s(int code, int k) {
        return Insn.stmt(code, k);
    }

    static Insn j(int code, int k, int jt, int jf) {
        return Insn.jump(code, k, jt, jf);
    }

    static final Insn RET_ALLOW = s(RET | K, Ret.ALLOW);

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("unaligned load", List.of(s(LD | W | ABS, 2), RET_ALLOW),
                        "instruction 0 loads from offset 0x2: seccomp allows only aligned 32-bit loads below 64"),
                Arguments.of("load past seccomp_data", List.of(s(LD | W | ABS, 64), RET_ALLOW),
                        "instruction 0 loads from offset 0x40: seccomp allows only aligned 32-bit loads below 64"),
                Arguments.of("half-word load", List.of(s(LD | H | ABS, 0), RET_ALLOW),
                        "instruction 0 has opcode 0x0028, which seccomp does not allow"),
                Arguments.of("indirect load", List.of(s(LD | W | IND, 0), RET_ALLOW),
                        "instruction 0 has opcode 0x0040, which seccomp does not allow"),
                Arguments.of("modulo", List.of(s(ALU | MOD | K, 3), RET_ALLOW),
                        "instruction 0 has opcode 0x0094, which seccomp does not allow"),
                Arguments.of("division by constant zero", List.of(s(ALU | DIV | K, 0), RET_ALLOW),
                        "instruction 0 divides by the constant 0"),
                Arguments.of("scratch slot 16", List.of(s(ST, 16), RET_ALLOW),
                        "instruction 0 uses scratch slot 16 (only 0..15 exist)"),
                Arguments.of("read of unwritten slot", List.of(s(LD | MEM, 3), RET_ALLOW),
                        "instruction 0 reads scratch slot 3 before any write to it"),
                Arguments.of("slot written on one path only", List.of(
                                s(LD | W | ABS, 0), j(JMP | JEQ | K, 1, 0, 1), s(ST, 2), s(LD | MEM, 2), RET_ALLOW),
                        "instruction 3 reads scratch slot 2 before any write to it"),
                Arguments.of("jump past the end", List.of(j(JMP | JEQ | K, 0, 1, 0), RET_ALLOW),
                        "instruction 0 jumps past the end of the program"),
                Arguments.of("JA past the end", List.of(s(JMP | JA, 1), RET_ALLOW),
                        "instruction 0 jumps past the end of the program"),
                Arguments.of("JA backwards (negative k)", List.of(s(JMP | JA, -1), RET_ALLOW),
                        "instruction 0 jumps past the end of the program"),
                Arguments.of("falls off the end", List.of(s(LD | W | ABS, 0)),
                        "instruction 0 is the last one but is not a RET"),
                Arguments.of("unknown opcode", List.of(s(0xffff, 0), RET_ALLOW),
                        "instruction 0 has opcode 0xffff, which seccomp does not allow"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void refuses(String what, List<Insn> insns, String message) {
        assertThatThrownBy(() -> Verifier.verify(new Program(insns, List.of())))
                .isInstanceOf(InvalidProgramException.class)
                .hasMessage(message);
    }

    @Test
    void refusesEmptyAndOverlongPrograms() {
        assertThatThrownBy(() -> Verifier.verify(new Program(List.of(), List.of())))
                .hasMessage("length 0 is outside 1..4096");
        List<Insn> big = new ArrayList<>();
        for (int i = 0; i < 4097; i++) {
            big.add(RET_ALLOW);
        }
        assertThatThrownBy(() -> Verifier.verify(new Program(big, List.of())))
                .hasMessage("length 4097 is outside 1..4096");
    }

    @Test
    void acceptsEveryInstructionSeccompAllows() throws Exception {
        List<Insn> ok = List.of(
                s(LD | W | ABS, 0), s(LD | W | ABS, 60), s(LD | W | LEN, 0), s(LDX | W | LEN, 0),
                s(LD | IMM, 5), s(LDX | IMM, 7), s(ST, 0), s(STX, 15), s(LD | MEM, 0), s(LDX | MEM, 15),
                s(ALU | ADD | K, 1), s(ALU | SUB | X, 0), s(ALU | MUL | K, 3), s(ALU | DIV | K, 2), s(ALU | DIV | X, 0),
                s(ALU | AND | K, 1), s(ALU | OR | X, 0), s(ALU | XOR | K, 1), s(ALU | LSH | K, 1), s(ALU | RSH | X, 0),
                s(ALU | NEG, 0), s(MISC | TAX, 0), s(MISC | TXA, 0),
                j(JMP | JEQ | K, 1, 0, 0), j(JMP | JGT | X, 0, 0, 0), j(JMP | JGE | K, 0, 0, 0), j(JMP | JSET | X, 0, 0, 0),
                s(JMP | JA, 0), s(RET | A, 0));
        Verifier.verify(new Program(ok, List.of()));
    }

    @Test
    void rawFilesAreCheckedBeforeUse() {
        assertThatThrownBy(() -> Program.fromBytes(new byte[0])).hasMessage("the program is empty");
        assertThatThrownBy(() -> Program.fromBytes(new byte[12]))
                .hasMessage("the size (12 bytes) is not a multiple of 8 (struct sock_filter)");
        assertThatThrownBy(() -> Program.fromBytes(new byte[8 * 4097]))
                .hasMessage("the program has 4097 instructions; the kernel accepts at most 4096");
        // 8 zero bytes: "A = 0" (LD IMM) with nothing after it
        assertThatThrownBy(() -> Program.fromBytes(new byte[8]))
                .hasMessage("instruction 0 is the last one but is not a RET");
    }

    @Test
    void bytesRoundTripInHostOrder() throws Exception {
        Program p = new Program(List.of(s(LD | W | ABS, 4), j(JMP | JEQ | K, 0xC000003E, 1, 0), s(RET | K, Ret.KILL_PROCESS),
                RET_ALLOW), List.of());
        byte[] b = p.toBytes();
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(bb.getShort(8)).isEqualTo((short) (JMP | JEQ | K));
        assertThat(b[10]).isEqualTo((byte) 1);
        assertThat(bb.getInt(12)).isEqualTo(0xC000003E);
        assertThat(Program.fromBytes(b).insns()).isEqualTo(p.insns());
        assertThat(Insn.unpack(p.packed()[1])).isEqualTo(p.get(1));
    }
}
