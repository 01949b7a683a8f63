package dev.jbox.cli;

import dev.jbox.arch.Arch;
import dev.jbox.config.ConfigException;
import dev.jbox.config.ConfigFile;
import dev.jbox.config.SeccompSetting;
import dev.jbox.policy.Policy;
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

    @Option(names = "--seccomp-profile", paramLabel = "FILE",
            description = "Use this Docker or OCI seccomp profile (JSON, e.g. Docker's default.json) instead of a jbox profile; see docs/OCI.md.")
    Path seccompProfile;

    @Option(names = "--complain",
            description = "Log instead of refusing: every deny of the profile becomes SECCOMP_RET_LOG (see docs/CONFIG.md).")
    boolean complain;

    /** The profile name a launch uses, and where that choice came from. */
    record Choice(String profile, String source) {
    }

    /**
     * The filter to apply, or empty for none (after saying so on stderr).
     *
     * @param env    the environment (JBOX_PROFILE)
     * @param config the user's config file (its [sandbox] seccomp and profiles)
     */
    Optional<Program> resolve(Map<String, String> env, ConfigFile config) throws Exception {
        if (noSeccomp && (profile != null || bpf != null)) {
            throw new Errors.UsageException("--no-seccomp conflicts with " + (profile != null ? "--profile" : "--bpf")
                    + ": choose one");
        }
        if (profile != null && bpf != null) {
            throw new Errors.UsageException("--profile conflicts with --bpf: choose one");
        }
        if (complain && (bpf != null || noSeccomp)) {
            throw new Errors.UsageException("--complain needs a profile, not " + (bpf != null ? "--bpf" : "--no-seccomp"));
        }
        if (seccompProfile != null) {
            String other = noSeccomp ? "--no-seccomp" : profile != null ? "--profile" : bpf != null ? "--bpf" : null;
            if (other != null) {
                throw new Errors.UsageException("--seccomp-profile conflicts with " + other + ": choose one");
            }
            return Optional.of(Compiler.compile(complain ? OciProfiles.load(seccompProfile).complain()
                    : OciProfiles.load(seccompProfile), Arch.host()));
        }
        if (bpf != null) {
            return Optional.of(readBpf(bpf));
        }
        Choice choice = choice(env, config);
        if (choice.profile().startsWith("/")) {
            return Optional.of(readBpf(Path.of(choice.profile())));
        }
        if (choice.profile().equals("none")) {
            System.err.println("jbox: warning: no seccomp filter (" + choice.source()
                    + "): the command runs with bwrap's namespaces only");
            return Optional.empty();
        }
        Policy policy = config.allProfiles().resolve(choice.profile());
        return Optional.of(Compiler.compile(complain ? policy.complain() : policy, Arch.host()));
    }

    /**
     * Options first, then JBOX_PROFILE, then the config file's [sandbox] seccomp, then the
     * default preset. "none" means no filter; an absolute path means a raw BPF file.
     */
    Choice choice(Map<String, String> env, ConfigFile config) {
        if (noSeccomp) {
            return new Choice("none", "--no-seccomp");
        }
        if (profile != null) {
            return new Choice(profile, "--profile");
        }
        String fromEnv = env.getOrDefault("JBOX_PROFILE", "");
        if (!fromEnv.isEmpty()) {
            return new Choice(fromEnv, "JBOX_PROFILE");
        }
        String where = config.path().map(p -> p + " [sandbox] seccomp").orElse("");
        return config.sandbox().seccomp().map(s -> switch (s) {
            case SeccompSetting.Default d -> new Choice(Profiles.DEFAULT_PROFILE, where);
            case SeccompSetting.Off o -> new Choice("none", where + " = false");
            case SeccompSetting.Named n -> new Choice(n.profile(), where);
            case SeccompSetting.BpfFile b -> new Choice(b.file().toAbsolutePath().toString(), where);
        }).orElse(new Choice(Profiles.DEFAULT_PROFILE, "default"));
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
