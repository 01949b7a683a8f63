package dev.jbox.cli;

import dev.jbox.config.FilterChoice;
import dev.jbox.config.HostFile;
import dev.jbox.launch.CallLog;
import dev.jbox.launch.LaunchException;
import dev.jbox.launch.NotifyLaunch;
import dev.jbox.launch.Session;
import dev.jbox.launch.Supervisor;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code run --report} and {@code --report-json FILE}: run the command under its profile
 * exactly as without them, and say afterwards what the profile refused (through seccomp user
 * notification; no audit log needed). Implies the supervising mode.
 */
final class ReportOptions {

    private final OptionSpec reportOpt = CommandModel.flag(
            "After the command ends, list on stderr every call the profile refused (syscall, deciding argument,"
                    + " errno, count, executable); with --complain, what it would refuse. Supervises.",
            "--report");
    private final OptionSpec reportJsonOpt = CommandModel.value("FILE", Path.class,
            "Write the same report as JSON to FILE (implies the report mode; stderr stays quiet unless --report).",
            "--report-json");

    void addTo(CommandSpec spec) {
        spec.addOption(reportOpt).addOption(reportJsonOpt);
    }

    /** Whether a report was asked for. */
    boolean on() {
        return CommandModel.on(reportOpt) || CommandModel.get(reportJsonOpt) != null;
    }

    /** Checks the combinations that make no sense, before anything else happens. */
    void validate(boolean dryRun, boolean noNamespaces, FilterChoice.Request r) throws Errors.UsageException {
        if (!on()) {
            return;
        }
        String opt = CommandModel.on(reportOpt) ? "--report" : "--report-json";
        if (dryRun) {
            throw new Errors.UsageException(opt + " runs the command; --dry-run runs nothing: choose one");
        }
        if (noNamespaces) {
            throw new Errors.UsageException(opt + " cannot be combined with --no-namespaces: jbox becomes the command");
        }
        if (r.bpf() != null) {
            throw new Errors.UsageException(opt + " needs a profile: a raw --bpf program has no rules to report");
        }
        if (r.noSeccomp()) {
            throw new Errors.UsageException(opt + " needs a profile, not --no-seccomp");
        }
    }

    /** Runs the command under the report's filter, prints the report, returns the exit status. */
    int launch(Session.Sandboxed run, Supervisor.Limits limits, PrintStream err) throws LaunchException, IOException {
        Path json = CommandModel.get(reportJsonOpt);
        NotifyLaunch.requireUsable(run.plan().bwrap(), CommandModel.on(reportOpt) ? "--report" : "--report-json");
        // its directory opened before the command runs: what the command leaves there cannot steer the write
        try (HostFile out = json == null ? null : HostFile.open(json)) {
            return launch(run, limits, err, out);
        }
    }

    private int launch(Session.Sandboxed run, Supervisor.Limits limits, PrintStream err, HostFile json)
            throws LaunchException, IOException {
        NotifyLaunch.Result result = run.report(limits, err);
        CallLog log = result.log();
        String profile = run.notifiedPolicy().name();
        boolean complain = run.resolved().filter().choice().complain();
        if (limits.verbose()) {
            err.println("jbox: report: " + result.notifications() + " notifications answered"
                    + (result.notifications() > 0 ? ", " + result.answerNanos() / result.notifications()
                    + " ns each on average" : "") + "; command exec'd as " + result.commandExec());
        }
        if (CommandModel.on(reportOpt)) {
            log.reportLines(profile, complain).forEach(err::println);
            err.flush();
        }
        if (json != null) {
            json.write(log.reportJson(profile, complain).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return result.exitStatus();
    }
}
