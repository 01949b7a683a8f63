package dev.jbox.cli;

import picocli.CommandLine.Command;

@Command(name = "jbox",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Run commands in a bubblewrap sandbox under a seccomp filter that jbox compiles itself.",
        footerHeading = "%nExit status:%n",
        footer = {
                "  run: the command's own status; 125 for jbox's own errors (bad option, config, filter,",
                "       bwrap missing), 126 if the command cannot be executed, 127 if it is not found.",
                "       Once bwrap runs, bwrap's own failures (e.g. no user namespaces) exit 1.",
                "       Supervised (--timeout, --forward-signals): 124 when the time limit was hit; 125 if bwrap",
                "       failed before the command started.",
                "  bwrap: bwrap's own status (the command's, or 1 for bwrap's errors); 125 for jbox's errors.",
                "  doctor: 0 if a sandbox can start here, 1 if not.",
                "  audit (and disasm --audit): 0 no finding of severity warning or higher, 1 findings, 2 bad input.",
                "  compile, check, disasm, explain, profiles, export: 0 on success, 2 on bad input."})
final class Jbox implements Runnable {

    /**
     * The subcommands. Not in the annotation: building picocli's model of all of them costs
     * more than the rest of a launch, so Main adds only the one that was asked for.
     */
    static final java.util.List<Class<?>> SUBCOMMANDS = java.util.List.of(RunCommand.class, BwrapCommand.class,
            CompileCommand.class, CheckCommand.class, DisasmCommand.class, ExplainCommand.class, ProfilesCommand.class,
            ConfigCommand.class, DoctorCommand.class, AuditCommand.class, ExportCommand.class, CompletionCommand.class);

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
