package dev.jbox.testing;

import dev.jbox.arch.Arch;
import dev.jbox.config.Profiles;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * What the tests run over, read from the enums and the preset list rather than written out:
 * a new native architecture or a new preset is fuzzed, compared with libseccomp and audited
 * without touching the tests. For {@code @MethodSource("dev.jbox.testing.Matrix#presets")}.
 */
public final class Matrix {
    private Matrix() {
    }

    /** Every architecture jbox runs on (x86_64, aarch64, riscv64). */
    public static final List<Arch> NATIVE = Arrays.stream(Arch.values()).filter(Arch::isNativeCapable).toList();

    /** The native architectures, each followed by its compat ABI: every ABI a filter can let through. */
    public static final List<Arch> NATIVE_AND_COMPAT = NATIVE.stream()
            .flatMap(a -> Stream.concat(Stream.of(a), a.compat().stream())).toList();

    public static Stream<Arch> nativeArches() {
        return NATIVE.stream();
    }

    public static Stream<String> presets() {
        return Profiles.PRESETS.stream();
    }
}
