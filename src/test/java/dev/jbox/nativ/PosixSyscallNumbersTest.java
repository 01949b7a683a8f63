package dev.jbox.nativ;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jbox.arch.Arch;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link Posix}'s hand-written syscall numbers, held against the syscall table (generated from
 * the kernel's own tables) of every architecture jbox runs on, and refused for the others.
 */
class PosixSyscallNumbersTest {

    @ParameterizedTest
    @EnumSource(Arch.class)
    void everyNumberMatchesTheTable(Arch a) {
        if (!a.isNativeCapable()) {
            assertThatThrownBy(() -> Posix.Sys.READ.nr(a)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("jbox's native layer does not run as " + a.id() + " (a compat ABI)");
            return;
        }
        for (Posix.Sys s : Posix.Sys.values()) {
            assertThat(a.syscalls().number(s.call)).as("%s on %s", s.call, a.id()).hasValue(s.nr(a));
        }
    }

    @ParameterizedTest
    @EnumSource(Posix.Sys.class)
    void theHostNumberIsTheHostArchitecturesNumber(Posix.Sys s) {
        assertThat(s.nr).isEqualTo(s.nr(Arch.host()));
        assertThat(Arch.host().syscalls().name((int) s.nr)).contains(s.call);
    }

    @ParameterizedTest
    @EnumSource(Posix.Sys.class)
    void callNamesAreDistinctNumbersToo(Posix.Sys s) {
        for (Arch a : Arch.values()) {
            if (a.isNativeCapable()) {
                assertThat(Arrays.stream(Posix.Sys.values()).filter(o -> o.nr(a) == s.nr(a)))
                        .as("%s on %s", s.call, a.id()).containsExactly(s);
            }
        }
    }
}
