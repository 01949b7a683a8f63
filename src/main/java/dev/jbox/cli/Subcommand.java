package dev.jbox.cli;

import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;

/** One of jbox's commands: its model (built in code, see {@link CommandModel}) and its work, which picocli calls. */
interface Subcommand extends Callable<Integer> {

    /** The model; built once per instance, which holds the parsed values. */
    CommandSpec spec();

    /** Whether the command takes -h/--help and -V/--version (not {@code jbox bwrap}: those are bwrap's). */
    default boolean standardHelp() {
        return true;
    }

    /**
     * The one line to answer an argument this command does not take, when the command can say
     * what the user meant (explain given a syscall: {@code jbox check} answers for one); empty
     * for the generic message.
     */
    default Optional<String> unexpected(String arg) {
        return Optional.empty();
    }
}
