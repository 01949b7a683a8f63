package dev.jbox.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code [sandbox]} section: what a user sets once in a file instead of on every
 * command line. Absent values leave jbox's defaults (and the command line) in charge.
 *
 * @param seccomp  the filter
 * @param shareNet keep the host network
 * @param binds    extra binds, after jbox's default layout
 * @param setEnv   variables to set in the sandbox
 * @param unsetEnv variables to remove
 * @param clearEnv start from an empty environment (then {@code setEnv}; PATH is kept)
 * @param hostname the sandbox's host name (it has its own UTS namespace)
 * @param chdir    working directory inside the sandbox (default: the current directory)
 * @param unmask   masked places to show after all ({@link Masks} names)
 */
public record SandboxSettings(
        Optional<SeccompSetting> seccomp,
        Optional<Boolean> shareNet,
        List<Bind> binds,
        Map<String, String> setEnv,
        List<String> unsetEnv,
        boolean clearEnv,
        Optional<String> hostname,
        Optional<String> chdir,
        List<String> unmask) {

    public SandboxSettings {
        binds = List.copyOf(binds);
        setEnv = Map.copyOf(setEnv);
        unsetEnv = List.copyOf(unsetEnv);
        unmask = List.copyOf(unmask);
    }

    public static final SandboxSettings NONE = new SandboxSettings(Optional.empty(), Optional.empty(), List.of(),
            Map.of(), List.of(), false, Optional.empty(), Optional.empty(), List.of());
}
