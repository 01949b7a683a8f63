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
        CommandLine cl = new CommandLine(new Jbox());
        // `jbox run CMD -x`: everything from the command on belongs to the command.
        cl.getSubcommands().get("run").setStopAtPositional(true);
        // `jbox bwrap ARGS`: bwrap's arguments are not jbox's options (BwrapCommand reads them verbatim).
        cl.getSubcommands().get("bwrap").setStopAtPositional(true).setUnmatchedOptionsArePositionalParams(true)
                .setEndOfOptionsDelimiter("--jbox-end-of-options");
        // `jbox run echo @x` must print "@x", not the contents of a file named x.
        cl.setExpandAtFiles(false);
        cl.setParameterExceptionHandler(Errors::onBadUsage);
        cl.setExecutionExceptionHandler(Errors::onFailure);
        return cl.execute(args);
    }
}
