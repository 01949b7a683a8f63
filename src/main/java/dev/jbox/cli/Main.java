package dev.jbox.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** Entry point: builds the command line, runs one command, exits with its status. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs jbox in-process and returns the exit status (used by the tests, too). */
    public static int run(String... args) {
        if (args.length > 0 && args[0].equals(BwrapCommand.NAME)) {
            WarmUp.start(); // overlaps with everything below
            return bwrap(new BwrapCommand(), List.of(args).subList(1, args.length));
        }
        // picocli's DefaultFactory otherwise looks for Groovy's Closure class on first use (a
        // failed class lookup, ~5 ms of a cold launch), and every parser loads and reflects on
        // java.sql and java.time types for converters (~3 ms); jbox's options use neither
        System.setProperty("picocli.disable.closures", "true");
        System.setProperty("picocli.converters.excludes", "java\\.(sql|time)\\..*");
        if (args.length > 0 && args[0].equals(RunCommand.NAME)) {
            WarmUp.start(); // overlaps with everything below
        }
        return execute(commandLine(args.length == 0 ? "" : args[0]), args);
    }

    /**
     * {@code jbox bwrap ARGS}: bwrap's line is bwrap's, so no picocli model is built for it
     * (building it cost each bwrap launch ~7 ms of CPU, interpreted: docs/STARTUP.md); jbox's
     * errors map to exit codes as for every command ({@link Errors#report}).
     */
    static int bwrap(BwrapCommand command, List<String> afterSubcommand) {
        try {
            return command.launch(afterSubcommand);
        } catch (Exception e) {
            return Errors.report(e, true, new PrintWriter(System.err));
        }
    }

    /** Runs {@code args} on {@code cl} with jbox's error handling; returns the exit status. */
    static int execute(CommandLine cl, String... args) {
        cl.setParameterExceptionHandler(Errors::onBadUsage);
        cl.setExecutionExceptionHandler(Errors::onFailure);
        cl.setExecutionStrategy(parsed -> {
            if (HelpText.shown(parsed)) {
                HelpText.install(cl);
            }
            return new CommandLine.RunLast().execute(parsed);
        });
        return cl.execute(args);
    }

    /**
     * The command line with only the subcommand named {@code first} when there is one:
     * building every subcommand's model costs start-up time a launch should not pay.
     * Anything else (help, --version, a mistyped command) gets the full model, so help and
     * suggestions list everything.
     */
    static CommandLine commandLine(String first) {
        return commandLine(first, Optional.empty());
    }

    /** {@link #commandLine(String)}, with {@code only} as the one subcommand when given. */
    static CommandLine commandLine(String first, Optional<Subcommand> only) {
        CommandLine top = new CommandLine(CommandModel.addStandardHelp(new Jbox().spec()));
        boolean found = false;
        if (only.isPresent()) {
            top.addSubcommand(model(only.get()));
            found = true;
        }
        for (Jbox.Entry e : Jbox.SUBCOMMANDS) {
            if (!found && e.name().equals(first)) {
                top.addSubcommand(model(e.create().get()));
                found = true;
            }
        }
        if (!found) {
            for (Jbox.Entry e : Jbox.SUBCOMMANDS) {
                top.addSubcommand(model(e.create().get()));
            }
        }
        // `jbox run CMD -x`: everything from the command on belongs to the command.
        CommandLine run = top.getSubcommands().get("run");
        if (run != null) {
            run.setStopAtPositional(true);
        }
        // `jbox bwrap ARGS`: bwrap's arguments are not jbox's options (BwrapCommand reads them verbatim).
        CommandLine bwrap = top.getSubcommands().get("bwrap");
        if (bwrap != null) {
            bwrap.setStopAtPositional(true).setUnmatchedOptionsArePositionalParams(true)
                    .setEndOfOptionsDelimiter("--jbox-end-of-options");
        }
        // `jbox run echo @x` must print "@x", not the contents of a file named x.
        top.setExpandAtFiles(false);
        return top;
    }

    private static CommandLine model(Subcommand sub) {
        CommandSpec spec = sub.spec();
        return new CommandLine(sub.standardHelp() ? CommandModel.addStandardHelp(spec) : spec);
    }
}
