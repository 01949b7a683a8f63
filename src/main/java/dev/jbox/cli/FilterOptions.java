package dev.jbox.cli;

import dev.jbox.arch.Arch;
import dev.jbox.config.ConfigException;
import dev.jbox.config.Profiles;
import dev.jbox.seccomp.Compiler;
import dev.jbox.seccomp.InvalidProgramException;
import dev.jbox.seccomp.Program;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Which filter a launch asks for: a profile, a raw BPF file, or none. Shared by the
 * commands that start a sandbox. Precedence: options, then JBOX_PROFILE, then the
 * config file, then the default preset.
 */
final class FilterOptions {

    @Option(names = {"-p", "--profile"}, paramLabel = "NAME",
            description = "Seccomp profile: minimal, strict, dev, one of your own, or 'none' (default: JBOX_PROFILE, the config, or minimal).")
    String profile;

    @Option(names = "--no-seccomp", description = "Run without a seccomp filter (said once on stderr).")
    boolean noSeccomp;

    @Option(names = "--bpf", paramLabel = "FILE",
            description = "Use this raw BPF program (struct sock_filter[]) instead of a profile; it is verified first.")
    Path bpf;

    /**
     * The filter to apply, or empty for none (after saying so on stderr).
     *
     * @param env the environment (JBOX_PROFILE)
     */
    Optional<Program> resolve(Map<String, String> env) throws Exception {
        if (noSeccomp && (profile != null || bpf != null)) {
            throw new Errors.UsageException("--no-seccomp conflicts with " + (profile != null ? "--profile" : "--bpf")
                    + ": choose one");
        }
        if (profile != null && bpf != null) {
            throw new Errors.UsageException("--profile conflicts with --bpf: choose one");
        }
        if (bpf != null) {
            return Optional.of(readBpf(bpf));
        }
        String name = noSeccomp ? "none"
                : profile != null ? profile
                : env.getOrDefault("JBOX_PROFILE", "").isEmpty() ? Profiles.DEFAULT_PROFILE
                : env.get("JBOX_PROFILE");
        if (name.equals("none")) {
            System.err.println("jbox: warning: no seccomp filter: the command runs with bwrap's namespaces only");
            return Optional.empty();
        }
        return Optional.of(Compiler.compile(Profiles.builtin().resolve(name), Arch.host()));
    }

    static Program readBpf(Path file) throws ConfigException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage());
        }
        try {
            return Program.fromBytes(bytes);
        } catch (InvalidProgramException e) {
            throw new ConfigException(file + ": not a valid seccomp program: " + e.getMessage());
        }
    }
}
