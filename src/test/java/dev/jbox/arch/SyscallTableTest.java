package dev.jbox.arch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SyscallTableTest {

    @Test
    void x86_64() {
        SyscallTable t = Arch.X86_64.syscalls();
        assertThat(t.number("read")).hasValue(0);
        assertThat(t.number("open_tree_attr")).hasValue(467);
        assertThat(t.number("execve")).hasValue(59);
        assertThat(t.number("clone3")).hasValue(435);
        assertThat(t.name(0)).contains("read");
        assertThat(t.number("socketcall")).isEmpty();
        // reserved numbers (no entry point in the kernel table) are not entries
        assertThat(t.name(134)).isEmpty(); // uselib
        assertThat(t.number("uselib")).isEmpty();
        assertThat(t.maxNumber()).isEqualTo(471);
    }

    @Test
    void x32NumbersIncludeTheX32Bit() {
        SyscallTable t = Arch.X32.syscalls();
        assertThat(t.number("read")).hasValue(0x40000000);
        assertThat(t.name(0x40000000)).contains("read");
        assertThat(t.name(0)).isEmpty();
        assertThat(t.number("rt_sigaction")).hasValue(0x40000000 + 512);
        assertThat(t.number("execve")).hasValue(0x40000000 + 520);
        assertThat(t.maxNumber()).isEqualTo(0x40000000 + 547);
        assertThat(t.all()).allSatisfy(s -> assertThat(s.nr()).isGreaterThanOrEqualTo(0x40000000));
    }

    @Test
    void i386() {
        SyscallTable t = Arch.I386.syscalls();
        assertThat(t.number("socketcall")).hasValue(102);
        assertThat(t.number("exit")).hasValue(1);
        assertThat(t.number("mmap2")).hasValue(192);
        assertThat(t.number("open_tree_attr")).hasValue(467);
    }

    @Test
    void aarch64() {
        SyscallTable t = Arch.AARCH64.syscalls();
        assertThat(t.number("open")).isEmpty();
        assertThat(t.number("openat")).hasValue(56);
        assertThat(t.number("renameat")).hasValue(38);
        assertThat(t.number("getrlimit")).hasValue(163);
        assertThat(t.number("memfd_secret")).hasValue(447);
        assertThat(t.number("fstat")).hasValue(80);
        assertThat(t.number("mmap")).hasValue(222);
        assertThat(t.number("riscv_flush_icache")).isEmpty();
    }

    @Test
    void riscv64() {
        SyscallTable t = Arch.RISCV64.syscalls();
        assertThat(t.number("riscv_flush_icache")).hasValue(259);
        assertThat(t.number("riscv_hwprobe")).hasValue(258);
        assertThat(t.number("renameat")).isEmpty();
        assertThat(t.number("getrlimit")).hasValue(163);
        assertThat(t.number("memfd_secret")).hasValue(447);
        assertThat(t.number("openat")).hasValue(56);
    }

    @Test
    void armEabiWithPrivateCalls() {
        SyscallTable t = Arch.ARM.syscalls();
        assertThat(t.number("set_tls")).hasValue(0x0f0005);
        assertThat(t.number("breakpoint")).hasValue(0x0f0001);
        assertThat(t.number("cacheflush")).hasValue(0x0f0002);
        assertThat(t.number("usr26")).hasValue(0x0f0003);
        assertThat(t.number("usr32")).hasValue(0x0f0004);
        assertThat(t.number("get_tls")).hasValue(0x0f0006);
        assertThat(t.name(0x0f0005)).contains("set_tls");
        assertThat(t.maxNumber()).isEqualTo(471);
        // OABI-only calls are not part of EABI
        assertThat(t.number("time")).isEmpty();
        assertThat(t.number("mmap")).isEmpty();
        assertThat(t.number("mmap2")).hasValue(192);
        assertThat(t.number("openat")).hasValue(322);
    }

    @ParameterizedTest
    @EnumSource(Arch.class)
    void newestCallsPresent(Arch arch) {
        SyscallTable t = arch.syscalls();
        int base = arch.nrBase();
        for (String name : List.of("open_tree_attr", "file_getattr", "file_setattr", "listns",
                "rseq_slice_yield", "mseal", "clone3", "mount_setattr", "fsopen", "statmount")) {
            assertThat(t.number(name)).as(arch.id() + " " + name).isPresent();
        }
        assertThat(t.number("open_tree_attr")).hasValue(base + 467);
        assertThat(t.number("file_getattr")).hasValue(base + 468);
        assertThat(t.number("file_setattr")).hasValue(base + 469);
        assertThat(t.number("listns")).hasValue(base + 470);
        assertThat(t.number("rseq_slice_yield")).hasValue(base + 471);
    }

    @ParameterizedTest
    @EnumSource(Arch.class)
    void allIsSortedAndConsistent(Arch arch) {
        SyscallTable t = arch.syscalls();
        List<Syscall> all = t.all();
        assertThat(all).isNotEmpty().hasSize(t.size());
        for (int i = 1; i < all.size(); i++) {
            assertThat(all.get(i).nr()).isGreaterThan(all.get(i - 1).nr());
        }
        for (Syscall s : all) {
            assertThat(t.number(s.name())).hasValue(s.nr());
            assertThat(t.name(s.nr())).contains(s.name());
        }
        assertThat(all).extracting(Syscall::name).doesNotHaveDuplicates();
        assertThat(all.stream().mapToInt(Syscall::nr).filter(nr -> arch != Arch.ARM || nr < 0x0f0000).max())
                .hasValue(t.maxNumber());
        assertThatThrownBy(() -> all.add(new Syscall("x", 1))).isInstanceOf(UnsupportedOperationException.class);
    }

    @ParameterizedTest
    @EnumSource(Arch.class)
    void sourceNamesTheUpstreamCommit(Arch arch) {
        assertThat(arch.syscalls().source())
                .startsWith("generated by scripts/gen-syscall-tables from torvalds/linux ")
                .contains("at commit 99d2592023e5d0a31f5f5a83c694df48239a1e6c")
                .contains("(git blob ");
    }

    @Test
    void parserRejectsMalformedLines() {
        byte[] bad = "# hdr\n12 read\n".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> SyscallTable.parse(Arch.X86_64, "t.tsv", bad))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("t.tsv:2");
    }

    @Test
    void parserSortsOutOfOrderInput() {
        byte[] in = "# hdr\r\n5\tb\n#reserved\t3\tz\n1\ta\n".getBytes(StandardCharsets.US_ASCII);
        SyscallTable t = SyscallTable.parse(Arch.X86_64, "t.tsv", in);
        assertThat(t.all()).containsExactly(new Syscall("a", 1), new Syscall("b", 5));
        assertThat(t.source()).isEqualTo("hdr");
        assertThat(t.name(3)).isEmpty();
    }
}
