package dev.jbox.cli;

import dev.jbox.config.ConfigFile;
import dev.jbox.config.HostFile;
import dev.jbox.launch.CallLog;
import dev.jbox.launch.LaunchException;
import dev.jbox.launch.Launcher;
import dev.jbox.launch.NotifyLaunch;
import dev.jbox.launch.Supervisor;
import dev.jbox.policy.Policy;
import dev.jbox.config.FilterChoice;
import dev.jbox.config.FilterSource;
import dev.jbox.config.Trust;
import dev.jbox.launch.Filters;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code run --report} and {@code --report-json FILE}: run the command under its profile
 * exactly as without them, and say afterwards what the profile refused (through seccomp user
 * notification; no audit log needed). Implies the supervising mode.
 */
final class ReportOptions {

    private final OptionSpec reportOpt = Opts.flag(
            "After the command ends, list on stderr every call the profile refused (syscall, deciding argument,"
                    + " errno, count, executable); with --complain, what it would refuse. Supervises.",
            "--report");
    private final OptionSpec reportJsonOpt = Opts.value("FILE", Path.class,
            "Write the same report as JSON to FILE (implies the report mode; stderr stays quiet unless --report).",
            "--report-json");

    void addTo(CommandSpec spec) {
        spec.addOption(reportOpt).addOption(reportJsonOpt);
    }

    /** Whether a report was asked for. */
    boolean on() {
        return Opts.on(reportOpt) || Opts.get(reportJsonOpt) != null;
    }

    /** Checks the combinations that make no sense, before anything else happens. */
    void validate(boolean dryRun, boolean noNamespaces, FilterChoice.Request r) throws Errors.UsageException {
        if (!on()) {
            return;
        }
        String opt = Opts.on(reportOpt) ? "--report" : "--report-json";
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

    /**
     * The profile a report runs under, resolved as {@code run} would resolve it: the OCI
     * profile of --seccomp-profile, else the chosen profile (options, JBOX_PROFILE, config).
     */
    static Policy policy(FilterChoice.Request r, Map<String, String> env, ConfigFile config, Trust.Gate gate)
            throws Exception {
        FilterChoice c = FilterChoice.decide(r, env, config);
        switch (c.source()) {
            case FilterSource.None n -> throw new Errors.UsageException("--report needs a profile, and " + c.from()
                    + " chose none");
            case FilterSource.BpfFile b -> throw new Errors.UsageException("--report needs a profile, and " + c.from()
                    + " chose a raw BPF file (" + b.file() + ")");
            default -> {
            }
        }
        // the report answers complain mode itself: the policy as it refuses
        Filters.Resolved res = Filters.policy(new FilterChoice(c.source(), c.from(), c.fromConfig(), false), config, gate);
        return res.policy().orElseThrow();
    }

    /** Runs the command under the report's filter, prints the report, returns the exit status. */
    int launch(Launcher.Plan plan, Policy policy, boolean complain, List<String> env, long nofileSoft,
               Supervisor.Limits limits, PrintStream err) throws LaunchException, IOException {
        Path json = Opts.get(reportJsonOpt);
        NotifyLaunch.requireUsable(plan.bwrap(), Opts.on(reportOpt) ? "--report" : "--report-json");
        // its directory opened before the command runs: what the command leaves there cannot steer the write
        try (HostFile out = json == null ? null : HostFile.open(json)) {
            return launch(plan, policy, complain, env, nofileSoft, limits, err, out);
        }
    }

    private int launch(Launcher.Plan plan, Policy policy, boolean complain, List<String> env, long nofileSoft,
                       Supervisor.Limits limits, PrintStream err, HostFile json) throws LaunchException, IOException {
        NotifyLaunch.Result result = NotifyLaunch.report(plan, policy, complain, env, nofileSoft, limits, err);
        CallLog log = result.log();
        if (limits.verbose()) {
            err.println("jbox: report: " + result.notifications() + " notifications answered"
                    + (result.notifications() > 0 ? ", " + result.answerNanos() / result.notifications()
                    + " ns each on average" : "") + "; command exec'd as " + result.commandExec());
        }
        if (Opts.on(reportOpt)) {
            log.reportLines(policy.name(), complain).forEach(err::println);
            err.flush();
        }
        if (json != null) {
            json.write(log.reportJson(policy.name(), complain).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return result.exitStatus();
    }
}
