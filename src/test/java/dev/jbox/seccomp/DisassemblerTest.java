package dev.jbox.seccomp;

import static dev.jbox.seccomp.Bpf.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jbox.arch.Arch;
import org.junit.jupiter.api.Test;

/**
 * The listing reads the program with the same abstract walk as the auditor: numbers are
 * named once the path has pinned the architecture, a jump no input can take leaves its
 * target marked unreachable, and JSET reads as a bit test.
 */
class DisassemblerTest {

    @Test
    void namesFollowTheArchitectureThePathChecked() {
        int ptrace = Arch.X86_64.syscalls().number("ptrace").orElseThrow();
        Program p = BrokenPrograms.of(
                Insn.stmt(LD | W | ABS, SeccompData.OFFSET_ARCH),
                Insn.jump(JMP | JEQ | K, Arch.X86_64.auditArch(), 1, 0),
                Insn.stmt(RET | K, Ret.KILL_PROCESS),
                Insn.stmt(LD | W | ABS, SeccompData.OFFSET_NR),
                Insn.jump(JMP | JEQ | K, ptrace, 0, 1),
                Insn.stmt(RET | K, Ret.ERRNO | 1),
                Insn.jump(JMP | JEQ | K, ptrace, 0, 1), // nr is known not to be ptrace here
                Insn.stmt(RET | K, Ret.ALLOW),
                Insn.stmt(LD | W | ABS, SeccompData.argLow(0)),
                Insn.jump(JMP | JSET | K, 0x10000000, 0, 1),
                Insn.stmt(RET | K, Ret.ERRNO | 1),
                Insn.stmt(RET | K, Ret.ALLOW));
        assertThat(Disassembler.disassemble(p)).isEqualTo("""
                 line  CODE  JT   JF      K
                =================================
                 0000: 0x20 0x00 0x00 0x00000004  A = arch
                 0001: 0x15 0x01 0x00 0xc000003e  if (A == ARCH_X86_64) goto 0003
                 0002: 0x06 0x00 0x00 0x80000000  return KILL_PROCESS
                 0003: 0x20 0x00 0x00 0x00000000  A = sys_number
                 0004: 0x15 0x00 0x01 0x00000065  if (A != ptrace) goto 0006
                 0005: 0x06 0x00 0x00 0x00050001  return ERRNO(EPERM)
                 0006: 0x15 0x00 0x01 0x00000065  if (A != ptrace) goto 0008
                 0007: 0x06 0x00 0x00 0x7fff0000  (unreachable) return ALLOW
                 0008: 0x20 0x00 0x00 0x00000010  A = args[0]
                 0009: 0x45 0x00 0x01 0x10000000  if (!(A & 0x10000000)) goto 0011
                 0010: 0x06 0x00 0x00 0x00050001  return ERRNO(EPERM)
                 0011: 0x06 0x00 0x00 0x7fff0000  return ALLOW
                """);
    }

    @Test
    void aNumberComparedWhereTwoArchitecturesMeetIsNotNamed() {
        // both arch checks lead to the same "A = nr": which table names 101 is unknown there
        Program p = BrokenPrograms.of(
                Insn.stmt(LD | W | ABS, SeccompData.OFFSET_ARCH),
                Insn.jump(JMP | JEQ | K, Arch.X86_64.auditArch(), 2, 0),
                Insn.jump(JMP | JEQ | K, Arch.I386.auditArch(), 1, 0),
                Insn.stmt(RET | K, Ret.KILL_PROCESS),
                Insn.stmt(LD | W | ABS, SeccompData.OFFSET_NR),
                Insn.jump(JMP | JEQ | K, 101, 0, 1),
                Insn.stmt(RET | K, Ret.ERRNO | 1),
                Insn.stmt(RET | K, Ret.ALLOW));
        assertThat(Disassembler.disassemble(p)).contains(
                " 0002: 0x15 0x01 0x00 0x40000003  if (A == ARCH_I386) goto 0004\n",
                " 0005: 0x15 0x00 0x01 0x00000065  if (A != 0x65) goto 0007\n");
    }
}
