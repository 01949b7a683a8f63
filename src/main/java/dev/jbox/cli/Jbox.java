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

    private final CommandSpec spec = CommandModel.command("jbox", this,
            "Run commands in a bubblewrap sandbox under a seccomp filter that jbox compiles itself.");

    /**
     * What the exit statuses of some commands mean: help's "Exit status" section, the man
     * pages' EXIT STATUS, and the README's table say this.
     *
     * @param commands the commands it is about
     * @param label    how the list names them
     * @param meaning  one or more whole sentences
     */
    record ExitStatus(List<String> commands, String label, String meaning) {
    }

    static final List<ExitStatus> EXIT_STATUSES = List.of(
            new ExitStatus(List.of(RunCommand.NAME), "run",
                    "The command's own status. 125: jbox's own error (a usage error, config, filter, bwrap missing), "
                            + "nothing was run; 126: the command cannot be executed; 127: it was not found. Once bwrap "
                            + "runs, its own failures (e.g. no user namespaces) exit 1. Supervised (--timeout, "
                            + "--forward-signals, --report): 124 when the time limit was hit; 125 also when bwrap failed "
                            + "before the command started."),
            new ExitStatus(List.of(LearnCommand.NAME), "learn",
                    "The command's own status; 125 for jbox's own errors (usage errors included): nothing was run "
                            + "or written."),
            new ExitStatus(List.of(BwrapCommand.NAME), "bwrap",
                    "bwrap's own status (the command's, or 1 for bwrap's errors, its usage errors included); 125 for "
                            + "jbox's own errors."),
            new ExitStatus(List.of(DoctorCommand.NAME), "doctor",
                    "0 if a sandbox can start here, 1 if not, 2 on a usage error."),
            new ExitStatus(List.of(AuditCommand.NAME, DisasmCommand.NAME), "audit, disasm --audit",
                    "0 no finding of severity warning or higher, 1 findings, 2 on bad input or a usage error."),
            new ExitStatus(List.of(TrustCommand.NAME), "trust",
                    "0 when the file was recorded (or shown, with --show), 2 on bad input or a usage error."),
            new ExitStatus(List.of(ProveCommand.NAME), "prove",
                    "0 when every architecture is proven, 1 with a counterexample, 2 on bad input or a usage error, "
                            + "3 when no proof was possible (z3 missing, failed or undecided)."),
            new ExitStatus(List.of(CompileCommand.NAME, CheckCommand.NAME, DisasmCommand.NAME, ExplainCommand.NAME,
                    ProfilesCommand.NAME, ConfigCommand.NAME, ExportCommand.NAME, CompletionCommand.NAME),
                    "compile, check, disasm, explain, profiles, config, export, completion",
                    "0 on success, 2 on bad input or a usage error."),
            new ExitStatus(List.of("jbox"), "jbox alone",
                    "0 for --help and --version, 2 for an unknown command or option."));

    /** Why usage errors exit as they do. */
    static final String USAGE_ERRORS = "A usage error (an unknown option or command, a missing argument) exits 125 "
            + "from run, learn and bwrap, whose other statuses belong to the command they run, as env, timeout and "
            + "docker run do; and 2 from every other command, as most Unix tools do.";

    /** The statuses help and the man page of {@code command} list: every one for jbox itself. */
    static List<ExitStatus> exitStatuses(String command) {
        return command.equals("jbox") ? EXIT_STATUSES
                : EXIT_STATUSES.stream().filter(e -> e.commands().contains(command)).toList();
    }

    CommandSpec spec() {
        return spec;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
