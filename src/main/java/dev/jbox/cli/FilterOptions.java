package dev.jbox.cli;

import dev.jbox.config.FilterChoice;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The filter options of the commands that start a sandbox. Which filter applies is decided
 * by the launch session ({@code launch.Session}), the same for every command.
 */
final class FilterOptions {

    private final OptionSpec profileOpt = CommandModel.value("NAME", String.class,
            "Seccomp profile: minimal, strict, dev, nested, one of your own, or 'none' (default: JBOX_PROFILE, the config, or minimal).",
            "-p", "--profile");
    private final OptionSpec noSeccompOpt = CommandModel.flag("Run without a seccomp filter (said once on stderr).", "--no-seccomp");
    private final OptionSpec bpfOpt = CommandModel.value("FILE", Path.class,
            "Use this raw BPF program (struct sock_filter[]) instead of a profile; it is verified first.", "--bpf");
    private final OptionSpec seccompProfileOpt = CommandModel.value("FILE", Path.class,
            "Use this Docker or OCI seccomp profile (JSON, e.g. Docker's default.json) instead of a jbox profile; see docs/OCI.md.",
            "--seccomp-profile");
    private final OptionSpec complainOpt = CommandModel.flag(
            "Log instead of refusing: every deny of the profile becomes SECCOMP_RET_LOG (see docs/CONFIG.md).", "--complain");

    void addTo(CommandSpec spec) {
        spec.addOption(profileOpt).addOption(noSeccompOpt).addOption(bpfOpt).addOption(seccompProfileOpt)
                .addOption(complainOpt);
    }

    /** What the options asked for. */
    FilterChoice.Request request() {
        return new FilterChoice.Request(CommandModel.get(profileOpt), CommandModel.on(noSeccompOpt), CommandModel.get(bpfOpt),
                CommandModel.get(seccompProfileOpt), CommandModel.on(complainOpt));
    }
}
