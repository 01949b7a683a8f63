package dev.jbox.arch;

import dev.jbox.testing.Matrix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ArgTypesTest {

    @Test
    void typesAsDeclared() {
        assertThat(ArgTypes.of("socket")).contains(List.of("int", "int", "int"));
        assertThat(ArgTypes.of("ioctl")).contains(List.of("unsigned int", "unsigned int", "unsigned long"));
        assertThat(ArgTypes.of("personality")).contains(List.of("unsigned int"));
        assertThat(ArgTypes.of("openat")).contains(List.of("int", "const char __user *", "int", "umode_t"));
        assertThat(ArgTypes.of("getpid")).contains(List.of());
        assertThat(ArgTypes.of("open_tree_attr"))
                .contains(List.of("int", "const char __user *", "unsigned", "struct mount_attr __user *", "size_t"));
        assertThat(ArgTypes.of("no_such_call")).isEmpty();
    }

    @Test
    void handWrittenExtras() {
        assertThat(ArgTypes.of("arch_prctl")).contains(List.of("int", "unsigned long"));
        assertThat(ArgTypes.of("mmap")).hasValueSatisfying(t -> assertThat(t).hasSize(6).containsOnly("unsigned long"));
        assertThat(ArgTypes.of("rt_sigreturn")).contains(List.of());
        assertThat(ArgTypes.of("modify_ldt")).isPresent();
        assertThat(ArgTypes.of("iopl")).contains(List.of("unsigned int"));
    }

    @ParameterizedTest
    @CsvSource({
        // the widths a deny rule depends on
        "X86_64, socket, 0, 32",
        "X86_64, socket, 1, 32",
        "X86_64, ioctl, 1, 32",
        "X86_64, ioctl, 2, 64",
        "X86_64, personality, 0, 32",
        "X86_64, clone, 0, 64",
        "I386, clone, 0, 32",
        "ARM, clone, 0, 32",
        "AARCH64, clone, 0, 64",
        "X86_64, mmap, 1, 64",
        "X86_64, mmap, 2, 64",
        "X32, ioctl, 1, 32",
        "AARCH64, socket, 0, 32",
        "RISCV64, personality, 0, 32",
        "X86_64, openat, 3, 16",
        "X86_64, openat, 1, 64",
        "X86_64, kill, 0, 32",
        "X86_64, setuid, 0, 32",
        "X86_64, timer_delete, 0, 32",
        "X86_64, clock_settime, 0, 32",
        "X86_64, mq_notify, 0, 32",
        "X86_64, preadv2, 5, 32",
        "X86_64, add_key, 4, 32",
        "X86_64, quotactl, 2, 32",
        "X86_64, landlock_add_rule, 1, 32",
        "X86_64, io_destroy, 0, 64",
        "X86_64, pread64, 3, 64",
        "X86_64, fanotify_mark, 2, 64",
        "X86_64, arch_prctl, 0, 32",
        "X86_64, prctl, 0, 32",
        "X86_64, prctl, 1, 64",
        // unknown call or index past the declared arguments: the whole register
        "X86_64, no_such_call, 0, 64",
        "X86_64, socket, 3, 64",
        "X86_64, getpid, 0, 64",
        "I386, no_such_call, 0, 32",
    })
    void widths(Arch arch, String name, int index, int bits) {
        assertThat(ArgTypes.width(arch, name, index)).isEqualTo(bits);
    }

    @Test
    void indexOutsideSeccompArgs() {
        assertThatThrownBy(() -> ArgTypes.width(Arch.X86_64, "socket", 6)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ArgTypes.width(Arch.X86_64, "socket", -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyTypeIsClassified() {
        // Guards the generated data: a new type in syscalls.h should be a deliberate decision.
        TreeSet<String> unknownNonPointer = new TreeSet<>();
        for (Arch arch : Arch.values()) {
            for (Syscall s : arch.syscalls().all()) {
                ArgTypes.of(s.name()).ifPresent(types -> {
                    assertThat(types.size()).as(s.name()).isLessThanOrEqualTo(6);
                    for (String t : types) {
                        assertThat(t).as(s.name()).isNotBlank().doesNotContain("  ").doesNotContain("\t");
                        if (t.indexOf('*') < 0 && ArgTypes.widthOfType(t) == 64
                                && !List.of("long", "unsigned long", "size_t", "off_t", "loff_t", "aio_context_t",
                                        "u64", "__u64", "uintptr_t", "cap_user_header_t", "cap_user_data_t",
                                        "const cap_user_data_t", "__sighandler_t", "old_sigset_t").contains(t)) {
                            unknownNonPointer.add(s.name() + ": " + t);
                        }
                    }
                });
            }
        }
        assertThat(unknownNonPointer).isEmpty();
    }

    @Test
    void nativeCallsHaveKnownTypes() {
        // Every call of the native 64-bit ABIs has declared argument types, except the
        // numbers whose entry point is sys_ni_syscall.
        TreeSet<String> missing = new TreeSet<>();
        for (Arch arch : Matrix.NATIVE) {
            for (Syscall s : arch.syscalls().all()) {
                if (ArgTypes.of(s.name()).isEmpty()) {
                    missing.add(arch.id() + ":" + s.name());
                }
            }
        }
        assertThat(missing).containsOnly(
                "aarch64:lookup_dcookie", "aarch64:nfsservctl",
                "riscv64:lookup_dcookie", "riscv64:nfsservctl",
                "x86_64:_sysctl");
    }
}
