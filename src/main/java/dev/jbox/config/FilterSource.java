package dev.jbox.config;

import java.nio.file.Path;

/** Where a sandbox's seccomp filter comes from. */
public sealed interface FilterSource {

    /** No filter: namespaces only. */
    record None() implements FilterSource {
    }

    /** A preset or a profile of the config file, compiled by jbox. */
    record Named(String profile) implements FilterSource {
    }

    /** A raw BPF program ({@code struct sock_filter[]}), verified before use. */
    record BpfFile(Path file) implements FilterSource {
    }

    /** A Docker/OCI seccomp profile (JSON), translated into a policy. */
    record OciFile(Path file) implements FilterSource {
    }
}
