package dev.jbox.config;

import java.nio.file.Path;

/** What {@code [sandbox] seccomp = ...} says. */
public sealed interface SeccompSetting {

    /** {@code seccomp = true}: the default preset. */
    record Default() implements SeccompSetting {
    }

    /** {@code seccomp = false}: no filter (said once on stderr). */
    record Off() implements SeccompSetting {
    }

    /** {@code seccomp = "strict"}: a preset or a profile of the file. */
    record Named(String profile) implements SeccompSetting {
    }

    /** {@code seccomp = "/path/filter.bpf"}: a raw program, verified before use. */
    record BpfFile(Path file) implements SeccompSetting {
    }
}
