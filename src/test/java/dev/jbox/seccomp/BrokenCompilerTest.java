package dev.jbox.seccomp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jbox.arch.Arch;
import org.junit.jupiter.api.Test;

/**
 * The decision tables must catch a broken compiler: programs with the two classic bugs,
 * built on purpose, fail the table lines that pin those cases down.
 */
class BrokenCompilerTest {

    static int verdict(Program p, Arch abi, String syscall, long... args) {
        int nr = abi.syscalls().number(syscall).orElseThrow();
        long[] a = new long[6];
        System.arraycopy(args, 0, a, 0, args.length);
        return Emulator.run(p, new SeccompData(nr, abi.auditArch(), 0, a));
    }

    @Test
    void aProgramWithoutTheX32GuardLetsX32PtraceThrough() {
        Program noGuard = BrokenPrograms.noX32Guard();
        // minimal.tests: "x32 ptrace => ERRNO(ENOSYS)"
        assertThat(Ret.describe(verdict(noGuard, Arch.X32, "ptrace"))).isEqualTo("ALLOW");
        assertThat(Ret.describe(verdict(noGuard, Arch.X86_64, "ptrace"))).isEqualTo("ERRNO(EPERM)");
    }

    @Test
    void aSixtyFourBitCompareOfAnIntArgumentLetsHighBitsThrough() {
        Program broken = BrokenPrograms.sixtyFourBitFamilyCompare();
        // strict.tests: "x86_64 socket 0x100000028 => ERRNO(EAFNOSUPPORT)"
        assertThat(Ret.describe(verdict(broken, Arch.X86_64, "socket", 0x100000028L))).isEqualTo("ALLOW");
        assertThat(Ret.describe(verdict(broken, Arch.X86_64, "socket", 40))).isEqualTo("ERRNO(EAFNOSUPPORT)");
    }
}
