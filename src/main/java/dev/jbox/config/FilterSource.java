package dev.jbox.config;

import java.nio.file.Path;

/**
 * Where a sandbox's seccomp filter comes from. Only a source with rules can complain
 * ({@code --complain}: every refusal becomes {@code SECCOMP_RET_LOG}): a profile or an OCI
 * profile; a raw program and no filter have no refusals to turn into logs, so they carry no
 * such flag and a request for one is refused ({@link FilterChoice#decide}).
 */
public sealed interface FilterSource {

    /** No filter: namespaces only. */
    record None() implements FilterSource {
    }

    /** A preset or a profile of the config file, compiled by jbox; {@code complain}: its refusals logged instead. */
    record Named(String profile, boolean complain) implements FilterSource {
        public Named(String profile) {
            this(profile, false);
        }
    }

    /** A raw BPF program ({@code struct sock_filter[]}), verified before use. */
    record BpfFile(Path file) implements FilterSource {
    }

    /** A Docker/OCI seccomp profile (JSON), translated into a policy; {@code complain}: its refusals logged instead. */
    record OciFile(Path file, boolean complain) implements FilterSource {
    }
}
