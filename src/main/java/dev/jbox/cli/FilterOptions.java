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
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Which filter a launch asks for: a profile, a raw BPF file, or none. Shared by the
 * commands that start a sandbox. Precedence: options, then JBOX_PROFILE, then the
 * config file, then the default preset.
 */
final class FilterOptions {

    private final OptionSpec profileOpt = Opts.value("NAME", String.class,
            "Seccomp profile: minimal, strict, dev, nested, one of your own, or 'none' (default: JBOX_PROFILE, the config, or minimal).",
            "-p", "--profile");
    private final OptionSpec noSeccompOpt = Opts.flag("Run without a seccomp filter (said once on stderr).", "--no-seccomp");
    private final OptionSpec bpfOpt = Opts.value("FILE", Path.class,
            "Use this raw BPF program (struct sock_filter[]) instead of a profile; it is verified first.", "--bpf");
    private final OptionSpec seccompProfileOpt = Opts.value("FILE", Path.class,
            "Use this Docker or OCI seccomp profile (JSON, e.g. Docker's default.json) instead of a jbox profile; see docs/OCI.md.",
            "--seccomp-profile");
    private final OptionSpec complainOpt = Opts.flag(
            "Log instead of refusing: every deny of the profile becomes SECCOMP_RET_LOG (see docs/CONFIG.md).", "--complain");

    void addTo(CommandSpec spec) {
        spec.addOption(profileOpt).addOption(noSeccompOpt).addOption(bpfOpt).addOption(seccompProfileOpt)
                .addOption(complainOpt);
    }

    /** What the options asked for. */
    Request request() {
        return new Request(Opts.get(profileOpt), Opts.on(noSeccompOpt), Opts.get(bpfOpt), Opts.get(seccompProfileOpt),
                Opts.on(complainOpt));
    }

    /**
     * A launch's filter options, as given (null: not given).
     *
     * @param profile        --profile
     * @param noSeccomp      --no-seccomp
     * @param bpf            --bpf
     * @param seccompProfile --seccomp-profile
     * @param complain       --complain
     */
    record Request(String profile, boolean noSeccomp, Path bpf, Path seccompProfile, boolean complain) {
        /** Only a profile name (or none): what {@code jbox bwrap --jbox-profile} can say. */
        static Request profile(String profile) {
            return new Request(profile, false, null, null, false);
        }
    }

    /** The profile name a launch uses, and where that choice came from. */
    record Choice(String profile, String source) {
    }

    /**
     * The filter to apply, or empty for none (after saying so on stderr).
     *
     * @param r      the options
     * @param env    the environment (JBOX_PROFILE)
     * @param config the user's config file (its [sandbox] seccomp and profiles)
     */
    static Optional<Program> resolve(Request r, Map<String, String> env, ConfigFile config) throws Exception {
        String profile = r.profile();
        boolean noSeccomp = r.noSeccomp();
        Path bpf = r.bpf();
        Path seccompProfile = r.seccompProfile();
        boolean complain = r.complain();
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
        Choice choice = choice(r, env, config);
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
    static Choice choice(Request r, Map<String, String> env, ConfigFile config) {
        if (r.noSeccomp()) {
            return new Choice("none", "--no-seccomp");
        }
        if (r.profile() != null) {
            return new Choice(r.profile(), "--profile");
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
