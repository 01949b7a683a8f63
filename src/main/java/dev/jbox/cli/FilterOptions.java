package dev.jbox.cli;

import dev.jbox.arch.Arch;
import dev.jbox.config.ConfigException;
import dev.jbox.config.ConfigFile;
import dev.jbox.config.FileBytes;
import dev.jbox.config.FilterChoice;
import dev.jbox.config.FilterSource;
import dev.jbox.config.Trust;
import dev.jbox.launch.Filters;
import dev.jbox.seccomp.Program;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The filter options of the commands that start a sandbox. Which filter applies is decided
 * by {@link FilterChoice} and built by {@link Filters}, the same for every command.
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
    FilterChoice.Request request() {
        return new FilterChoice.Request(Opts.get(profileOpt), Opts.on(noSeccompOpt), Opts.get(bpfOpt),
                Opts.get(seccompProfileOpt), Opts.on(complainOpt));
    }

    /**
     * The filter to apply, and what to say about it.
     *
     * @param program the filter, or empty for none
     * @param warning the one line {@code run} says when there is no filter (the opt-out and where it came from)
     */
    record Resolved(Optional<Program> program, Optional<String> warning) {
    }

    /**
     * The filter to apply for this machine, or empty for none.
     *
     * @param r      the options
     * @param env    the environment (JBOX_PROFILE)
     * @param config the user's config file (its [sandbox] seccomp and profiles)
     * @param gate   reads filter files, each checked against the trust it needs
     */
    static Resolved resolve(FilterChoice.Request r, Map<String, String> env, ConfigFile config, Trust.Gate gate)
            throws Exception {
        FilterChoice choice = FilterChoice.decide(r, env, config);
        Filters.Resolved resolved = Filters.policy(choice, config, gate);
        resolved.warnings().forEach(w -> System.err.println("jbox: warning: " + w));
        Optional<Program> program = Filters.program(resolved, Arch.host(), gate);
        Optional<String> warning = choice.source() instanceof FilterSource.None
                ? Optional.of("no seccomp filter (" + choice.from() + "): the command runs with bwrap's namespaces only")
                : Optional.empty();
        return new Resolved(program, warning);
    }

    static Program readBpf(Path file) throws ConfigException {
        return program(file, FileBytes.read(file));
    }

    static Program program(Path file, byte[] bytes) throws ConfigException {
        return Filters.fromBytes(file, bytes);
    }
}
