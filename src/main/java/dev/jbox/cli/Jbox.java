package dev.jbox.cli;

import java.util.List;
import java.util.function.Supplier;
import picocli.CommandLine.Model.CommandSpec;

/** The top-level {@code jbox} command: usage when run alone, and the list of subcommands. */
final class Jbox implements Runnable {

    /**
     * A subcommand by name. Main builds the model of only the one that was asked for: even
     * in code, building all twelve costs start-up time that {@code run} should not pay.
     */
    record Entry(String name, Supplier<Subcommand> create) {
    }

    static final List<Entry> SUBCOMMANDS = List.of(
            new Entry(RunCommand.NAME, RunCommand::new),
            new Entry(LearnCommand.NAME, LearnCommand::new),
            new Entry(BwrapCommand.NAME, BwrapCommand::new),
            new Entry(CompileCommand.NAME, CompileCommand::new),
            new Entry(CheckCommand.NAME, CheckCommand::new),
            new Entry(ProveCommand.NAME, ProveCommand::new),
            new Entry(DisasmCommand.NAME, DisasmCommand::new),
            new Entry(ExplainCommand.NAME, ExplainCommand::new),
            new Entry(ProfilesCommand.NAME, ProfilesCommand::new),
            new Entry(ConfigCommand.NAME, ConfigCommand::new),
            new Entry(TrustCommand.NAME, TrustCommand::new),
            new Entry(DoctorCommand.NAME, DoctorCommand::new),
            new Entry(AuditCommand.NAME, AuditCommand::new),
            new Entry(ExportCommand.NAME, ExportCommand::new),
            new Entry(CompletionCommand.NAME, CompletionCommand::new));

    private final CommandSpec spec = Opts.command("jbox", this,
            "Run commands in a bubblewrap sandbox under a seccomp filter that jbox compiles itself.");

    Jbox() {
        spec.usageMessage().footerHeading("%nExit status:%n").footer(
                "  run: the command's own status; 125 for jbox's own errors (bad option, config, filter,",
                "       bwrap missing), 126 if the command cannot be executed, 127 if it is not found.",
                "       Once bwrap runs, bwrap's own failures (e.g. no user namespaces) exit 1.",
                "       Supervised (--timeout, --forward-signals): 124 when the time limit was hit; 125 if bwrap",
                "       failed before the command started.",
                "  bwrap: bwrap's own status (the command's, or 1 for bwrap's errors); 125 for jbox's errors.",
                "  doctor: 0 if a sandbox can start here, 1 if not.",
                "  trust: 0 when the file was recorded (or shown, with --show), 2 on bad input.",
                "  audit (and disasm --audit): 0 no finding of severity warning or higher, 1 findings, 2 bad input.",
                "  prove: 0 proven, 1 counterexample, 2 bad input, 3 z3 missing or undecided.",
                "  compile, check, disasm, explain, profiles, export: 0 on success, 2 on bad input.");
    }

    CommandSpec spec() {
        return spec;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
