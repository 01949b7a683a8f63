package dev.jbox.cli;

import dev.jbox.launch.Session;
import dev.jbox.launch.Supervisor;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * How {@code run} starts the sandbox: by becoming bwrap (the default), by supervising it
 * ({@code --timeout}, {@code --forward-signals}), or without bwrap ({@code --no-namespaces}).
 */
final class LaunchModeOptions {

    private final OptionSpec timeoutOpt = CommandModel.value("DURATION", String.class,
            "Supervise, and end the command after DURATION (30, 30s, 5m, 1h, 1d; 0 = no limit): "
                    + "SIGTERM, then SIGKILL after --kill-after; exit 124.", "--timeout");
    private final OptionSpec killAfterOpt = CommandModel.value("DURATION", String.class,
            "With --timeout: how long the command may take to end after SIGTERM (default: 10s).", "--kill-after");
    private final OptionSpec forwardSignalsOpt = CommandModel.flag(
            "Supervise: stay bwrap's parent and pass SIGINT, SIGTERM and SIGHUP on to the command.", "--forward-signals");
    private final OptionSpec verboseOpt = CommandModel.flag("Say on stderr what the supervisor does.", "-v", "--verbose");
    private final OptionSpec noNamespacesOpt = CommandModel.flag(
            "No bwrap: apply the filter in jbox and exec the command directly, on the host "
                    + "(for containers where bwrap cannot create namespaces).", "--no-namespaces");

    void addTo(CommandSpec spec) {
        spec.addOption(timeoutOpt).addOption(killAfterOpt).addOption(forwardSignalsOpt).addOption(verboseOpt)
                .addOption(noNamespacesOpt);
    }

    boolean noNamespaces() {
        return CommandModel.on(noNamespacesOpt);
    }

    /** Whether jbox stays the parent (supervising mode). */
    boolean supervising() throws Errors.UsageException {
        return CommandModel.on(forwardSignalsOpt) || limits().timeout().isPresent();
    }

    Supervisor.Limits limits() throws Errors.UsageException {
        String timeout = CommandModel.get(timeoutOpt);
        String killAfter = CommandModel.get(killAfterOpt);
        Optional<Duration> t = Optional.empty();
        if (timeout != null) {
            Duration d = duration("--timeout", timeout);
            t = d.isZero() ? Optional.empty() : Optional.of(d);
        }
        Duration grace = killAfter == null ? Duration.ofSeconds(10) : duration("--kill-after", killAfter);
        if (killAfter != null && timeout == null) {
            throw new Errors.UsageException("--kill-after needs --timeout");
        }
        return new Supervisor.Limits(t, grace, CommandModel.on(verboseOpt));
    }

    private static Duration duration(String option, String value) throws Errors.UsageException {
        try {
            return Supervisor.parseDuration(value);
        } catch (IllegalArgumentException e) {
            throw new Errors.UsageException(option + ": " + e.getMessage());
        }
    }

    /** Checks the combinations that make no sense, before anything else happens. */
    void validate(boolean dryRun) throws Errors.UsageException {
        limits();
        if (noNamespaces() && supervising()) {
            throw new Errors.UsageException("--no-namespaces cannot be combined with --timeout or --forward-signals:"
                    + " jbox becomes the command");
        }
        if (noNamespaces() && dryRun) {
            throw new Errors.UsageException("--dry-run shows a bwrap command line; --no-namespaces runs no bwrap");
        }
    }

    /** Starts the sandbox as asked; returns the exit status (supervising) or does not return. */
    int launch(Session.Sandboxed run) throws Exception {
        if (supervising()) {
            return run.supervise(limits(), System.err);
        }
        run.exec();
        return Errors.LAUNCH_ERROR; // not reached: exec either replaces us or throws
    }
}
