package dev.jbox.arch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ArchTest {

    @Test
    void ids() {
        assertThat(Arch.values()).extracting(Arch::id)
                .containsExactly("x86_64", "x32", "i386", "aarch64", "arm", "riscv64");
    }

    @Test
    void auditArchValues() {
        assertThat(Arch.X86_64.auditArch()).isEqualTo(0xC000003E);
        assertThat(Arch.X32.auditArch()).isEqualTo(0xC000003E);
        assertThat(Arch.I386.auditArch()).isEqualTo(0x40000003);
        assertThat(Arch.AARCH64.auditArch()).isEqualTo(0xC00000B7);
        assertThat(Arch.ARM.auditArch()).isEqualTo(0x40000028);
        assertThat(Arch.RISCV64.auditArch()).isEqualTo(0xC00000F3);
    }

    @Test
    void registerWidthNumberBaseAndCompat() {
        assertThat(Arch.X86_64.is64Bit()).isTrue();
        assertThat(Arch.X32.is64Bit()).isTrue();
        assertThat(Arch.AARCH64.is64Bit()).isTrue();
        assertThat(Arch.RISCV64.is64Bit()).isTrue();
        assertThat(Arch.I386.is64Bit()).isFalse();
        assertThat(Arch.ARM.is64Bit()).isFalse();

        assertThat(Arch.X32.nrBase()).isEqualTo(0x40000000);
        for (Arch a : Arch.values()) {
            if (a != Arch.X32) {
                assertThat(a.nrBase()).as(a.id()).isZero();
            }
        }

        assertThat(Arch.X86_64.compat()).contains(Arch.I386);
        assertThat(Arch.AARCH64.compat()).contains(Arch.ARM);
        assertThat(Arch.RISCV64.compat()).isEmpty();
        assertThat(Arch.X32.compat()).isEmpty();
        assertThat(Arch.I386.compat()).isEmpty();
        assertThat(Arch.ARM.compat()).isEmpty();

        assertThat(Arch.values()).filteredOn(Arch::isNativeCapable)
                .containsExactly(Arch.X86_64, Arch.AARCH64, Arch.RISCV64);
    }

    @Test
    void externalNames() {
        assertThat(Arch.values()).extracting(Arch::libseccompName).containsExactly("SCMP_ARCH_X86_64",
                "SCMP_ARCH_X32", "SCMP_ARCH_X86", "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM", "SCMP_ARCH_RISCV64");
        assertThat(Arch.values()).extracting(a -> a.goArch().orElse("-"))
                .containsExactly("amd64", "-", "386", "arm64", "arm", "riscv64");
        for (Arch a : Arch.values()) {
            assertThat(a.names()).first().isEqualTo(a.id());
            a.goArch().ifPresent(g -> assertThat(a.names()).contains(g));
            for (String n : a.names()) {
                assertThat(Arch.byId(n)).as(n).contains(a);
            }
        }
    }

    @Test
    void x32NumbersAndByteOrder() {
        assertThat(Arch.X32_SYSCALL_BIT).isEqualTo(0x40000000);
        assertThat(Arch.isX32Number(0x3FFFFFFF)).isFalse();
        assertThat(Arch.isX32Number(0x40000000)).isTrue();
        assertThat(Arch.isX32Number(0xFFFFFFFEL)).isTrue();
        assertThat(Arch.isX32Number(-1)).isFalse();
        assertThat(Arch.isX32Number(0xFFFFFFFFL)).isFalse();
        for (Arch a : Arch.values()) {
            // __AUDIT_ARCH_LE is 0x40000000, __AUDIT_ARCH_64BIT is 0x80000000 (linux/audit.h)
            assertThat(a.byteOrder()).as(a.id()).isEqualTo(java.nio.ByteOrder.LITTLE_ENDIAN);
            assertThat(a.auditArch() & 0x40000000).as(a.id()).isNotZero();
            assertThat((a.auditArch() & 0x80000000) != 0).as(a.id()).isEqualTo(a.is64Bit());
        }
    }

    @ParameterizedTest
    @CsvSource({
        "x86_64, X86_64", "386, I386", "amd64, X86_64", "x86-64, X86_64", "AMD64, X86_64",
        "x32, X32",
        "i386, I386", "x86, I386", "i686, I386",
        "aarch64, AARCH64", "arm64, AARCH64",
        "arm, ARM", "armhf, ARM",
        "riscv64, RISCV64",
    })
    void byIdAcceptsIdsAndAliases(String id, Arch expected) {
        assertThat(Arch.byId(id)).contains(expected);
    }

    @Test
    void byIdRejectsUnknown() {
        assertThat(Arch.byId("s390x")).isEmpty();
        assertThat(Arch.byId("")).isEmpty();
        assertThat(Arch.byId(null)).isEqualTo(Optional.empty());
    }

    @Test
    void hostFollowsOsArch() {
        assertThat(Arch.fromOsArch("amd64")).isEqualTo(Arch.X86_64);
        assertThat(Arch.fromOsArch("x86_64")).isEqualTo(Arch.X86_64);
        assertThat(Arch.fromOsArch("aarch64")).isEqualTo(Arch.AARCH64);
        assertThat(Arch.fromOsArch("riscv64")).isEqualTo(Arch.RISCV64);
        assertThatThrownBy(() -> Arch.fromOsArch("sparcv9"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("sparcv9");
        assertThat(Arch.host()).isEqualTo(Arch.fromOsArch(System.getProperty("os.arch")));
    }

    @Test
    void syscallsAreCached() {
        assertThat(Arch.X86_64.syscalls()).isSameAs(Arch.X86_64.syscalls());
        assertThat(Arch.X86_64.syscalls().arch()).isEqualTo(Arch.X86_64);
    }
}
