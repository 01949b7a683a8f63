package dev.jbox.cli;

import picocli.CommandLine;

/** Entry point: builds the command line, runs one command, exits with its status. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs jbox in-process and returns the exit status (used by the tests, too). */
    public static int run(String... args) {
        CommandLine cl = commandLine(args.length == 0 ? "" : args[0]);
        cl.setParameterExceptionHandler(Errors::onBadUsage);
        cl.setExecutionExceptionHandler(Errors::onFailure);
        return cl.execute(args);
    }

    /**
     * The command line with only the subcommand named {@code first} when there is one:
     * picocli builds its model of a command by reflection, and building all twelve costs
     * more start-up time than the rest of a launch. Anything else (help, --version, a
     * mistyped command) gets the full model, so help and suggestions list everything.
     */
    static CommandLine commandLine(String first) {
        CommandLine top = new CommandLine(new Jbox());
        boolean found = false;
        for (Class<?> c : Jbox.SUBCOMMANDS) {
            if (c.getAnnotation(picocli.CommandLine.Command.class).name().equals(first)) {
                top.addSubcommand(new CommandLine(c));
                found = true;
            }
        }
        if (!found) {
            for (Class<?> c : Jbox.SUBCOMMANDS) {
                top.addSubcommand(new CommandLine(c));
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
}
