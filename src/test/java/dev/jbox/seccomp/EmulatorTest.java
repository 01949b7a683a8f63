package dev.jbox.seccomp;

import static dev.jbox.seccomp.Bpf.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jbox.arch.Arch;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The emulator's semantics, instruction by instruction, as the kernel runs them. */
class EmulatorTest {

    static Program prog(Insn... insns) {
        return BrokenPrograms.of(insns);
    }

    static SeccompData data(int nr, long... args) {
        return SeccompData.of(Arch.X86_64, nr, args);
    }

    @Test
    void loadsTheFieldsOfSeccompDataLittleEndian() {
        long arg = 0x1122334455667788L;
        for (int i = 0; i < 6; i++) {
            long[] args = new long[6];
            args[i] = arg;
            SeccompData d = new SeccompData(7, 0xC000003E, 0xAABBCCDD_EEFF0011L, args);
            assertThat(Emulator.run(prog(Insn.stmt(LD | W | ABS, 16 + 8 * i), Insn.stmt(RET | A, 0)), d)).isEqualTo(0x55667788);
            assertThat(Emulator.run(prog(Insn.stmt(LD | W | ABS, 20 + 8 * i), Insn.stmt(RET | A, 0)), d)).isEqualTo(0x11223344);
            assertThat(Emulator.run(prog(Insn.stmt(LD | W | ABS, 0), Insn.stmt(RET | A, 0)), d)).isEqualTo(7);
            assertThat(Emulator.run(prog(Insn.stmt(LD | W | ABS, 4), Insn.stmt(RET | A, 0)), d)).isEqualTo(0xC000003E);
            assertThat(Emulator.run(prog(Insn.stmt(LD | W | ABS, 8), Insn.stmt(RET | A, 0)), d)).isEqualTo(0xEEFF0011);
            assertThat(Emulator.run(prog(Insn.stmt(LD | W | ABS, 12), Insn.stmt(RET | A, 0)), d)).isEqualTo(0xAABBCCDD);
        }
    }

    @Test
    void comparesUnsigned() {
        // if (nr >= 0x40000000) return 1 else return 2
        Program p = prog(Insn.stmt(LD | W | ABS, 0), Insn.jump(JMP | JGE | K, 0x40000000, 0, 1),
                Insn.stmt(RET | K, 1), Insn.stmt(RET | K, 2));
        assertThat(Emulator.run(p, data(0xFFFFFFFF))).isEqualTo(1);
        assertThat(Emulator.run(p, data(0x40000000))).isEqualTo(1);
        assertThat(Emulator.run(p, data(0x3FFFFFFF))).isEqualTo(2);
        Program gt = prog(Insn.stmt(LD | W | ABS, 0), Insn.jump(JMP | JGT | K, 5, 0, 1),
                Insn.stmt(RET | K, 1), Insn.stmt(RET | K, 2));
        assertThat(Emulator.run(gt, data(5))).isEqualTo(2);
        assertThat(Emulator.run(gt, data(-1))).isEqualTo(1);
    }

    @Test
    void aluScratchAndRegisters() {
        Program p = prog(
                Insn.stmt(LD | IMM, 6), Insn.stmt(ST, 1), Insn.stmt(LDX | IMM, 7), Insn.stmt(ALU | MUL | X, 0), // 42
                Insn.stmt(ALU | SUB | K, 2), Insn.stmt(ALU | DIV | K, 5), Insn.stmt(ALU | LSH | K, 4),          // 128
                Insn.stmt(ALU | OR | K, 3), Insn.stmt(ALU | XOR | K, 1), Insn.stmt(ALU | AND | K, 0xFE),        // 130
                Insn.stmt(MISC | TAX, 0), Insn.stmt(LD | MEM, 1), Insn.stmt(ALU | ADD | X, 0),                   // 136
                Insn.stmt(ALU | RSH | K, 3), Insn.stmt(ALU | NEG, 0), Insn.stmt(STX, 2), Insn.stmt(RET | A, 0));
        assertThat(Emulator.run(p, data(0))).isEqualTo(-17);
        Program jset = prog(Insn.stmt(LD | W | ABS, 0), Insn.jump(JMP | JSET | K, 0x10, 0, 1),
                Insn.stmt(RET | K, 1), Insn.stmt(RET | K, 2));
        assertThat(Emulator.run(jset, data(0x30))).isEqualTo(1);
        assertThat(Emulator.run(jset, data(0x20))).isEqualTo(2);
        // runtime division by a zero X ends the program with 0 (kernel behaviour)
        Program div0 = prog(Insn.stmt(LD | IMM, 5), Insn.stmt(LDX | IMM, 0), Insn.stmt(ALU | DIV | X, 0),
                Insn.stmt(RET | A, 0));
        assertThat(Emulator.run(div0, data(0))).isZero();
        // JA skips
        Program ja = prog(Insn.stmt(JMP | JA, 1), Insn.stmt(RET | K, 1), Insn.stmt(RET | K, 2));
        assertThat(Emulator.trace(ja, data(0))).isEqualTo(new Emulator.Result(2, 2));
    }

    @Test
    void cacheCheckFollowsTheKernel() {
        // nr == 1 -> allow; else look at args[0]
        Program p = prog(Insn.stmt(LD | W | ABS, 4), Insn.jump(JMP | JEQ | K, Arch.X86_64.auditArch(), 1, 0),
                Insn.stmt(RET | K, Ret.KILL_PROCESS), Insn.stmt(LD | W | ABS, 0),
                Insn.jump(JMP | JEQ | K, 1, 0, 1), Insn.stmt(RET | K, Ret.ALLOW),
                Insn.stmt(LD | W | ABS, 16), Insn.stmt(RET | K, Ret.ALLOW));
        assertThat(Emulator.isConstAllow(p, Arch.X86_64, 1)).isTrue();
        assertThat(Emulator.isConstAllow(p, Arch.X86_64, 2)).isFalse();   // loads an argument
        assertThat(Emulator.isConstAllow(p, Arch.I386, 1)).isFalse();     // killed
        // an ALU op other than AND-with-constant is not emulated by the kernel's check
        Program alu = prog(Insn.stmt(LD | W | ABS, 0), Insn.stmt(ALU | ADD | K, 1), Insn.stmt(RET | K, Ret.ALLOW));
        assertThat(Emulator.isConstAllow(alu, Arch.X86_64, 0)).isFalse();
    }

    @Test
    void retEncodingRoundTrips() {
        for (var a : List.of(dev.jbox.policy.Action.ALLOW, dev.jbox.policy.Action.errno(1), dev.jbox.policy.Action.errno(4095),
                dev.jbox.policy.Action.KILL_PROCESS, dev.jbox.policy.Action.KILL_THREAD, dev.jbox.policy.Action.TRAP,
                dev.jbox.policy.Action.LOG, new dev.jbox.policy.Action.Trace(7))) {
            assertThat(Ret.decode(Ret.encode(a))).isEqualTo(a);
        }
        assertThat(Ret.decode(0x00050000 | 0xFFFF)).isEqualTo(dev.jbox.policy.Action.errno(4095));
        assertThat(Ret.decode(0x12340000)).isEqualTo(dev.jbox.policy.Action.KILL_PROCESS);
    }
}
