package dev.jbox.cli;

import dev.jbox.config.HostFile;
import dev.jbox.config.Profiles;
import dev.jbox.launch.NotifyLaunch;
import dev.jbox.launch.Session;
import dev.jbox.launch.Supervisor;
import dev.jbox.policy.Policy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * {@code jbox learn}: run a command once in the standard sandbox, watching every call it
 * makes through seccomp user notification, and write a least-privilege profile for it
 * ({@link LearnedProfile}).
 */
final class LearnCommand implements Subcommand {

    static final String NAME = "learn";

    private final OptionSpec baseOpt = OptionSpec.builder("--base").type(String.class).paramLabel("PRESET")
            .defaultValue(Profiles.DEFAULT_PROFILE)
            .description("The preset the learned profile extends; its refusals stay (default: minimal).").build();
    private final OptionSpec formatOpt = OptionSpec.builder("--format").type(String.class).paramLabel("FORMAT")
            .defaultValue("toml")
            .description("toml: a jbox config file (jbox run --config FILE); oci: an OCI/Docker seccomp profile"
                    + " (jbox run --seccomp-profile FILE, docker, podman).").build();
    private final OptionSpec outputOpt = OptionSpec.builder("-o", "--output").type(Path.class).paramLabel("FILE")
            .required(true).description("Where to write the profile.").build();
    private final OptionSpec shareNet = CommandModel.flag("Keep the host's network while learning.", "--share-net");
    private final OptionSpec verbose = CommandModel.flag("Say on stderr what the supervisor does.", "-v", "--verbose");
    private final OptionSpec debug = CommandModel.flag("Print stack traces for errors.", "--debug");
    private final OptionSpec quiet = RunCommand.quietOption();
    private final PositionalParamSpec command = CommandModel.positional("COMMAND", List.class, "0..*", "1..*",
            "The command and its arguments.");

    @Override
    public CommandSpec spec() {
        CommandSpec spec = CommandModel.command(NAME, this,
                "Run a command once in the standard sandbox and write a least-privilege profile from the calls it made.",
                "The profile is an allow-list over the base preset: every other call is refused with ENOSYS, and each "
                        + "entry names the executable that needed it and how often. Calls the base refuses are refused "
                        + "while learning too, and stay refused. The sandbox is the one 'jbox run' builds. For example:",
                "  jbox learn -o ../ci.toml -- make test",
                "  jbox run --config ../ci.toml -- make test");
        spec.addOption(baseOpt).addOption(formatOpt).addOption(outputOpt).addOption(shareNet).addOption(verbose)
                .addOption(quiet).addOption(debug).addPositional(command);
        spec.usageMessage().sortOptions(false);
        return spec;
    }

    @Override
    public Integer call() throws Exception {
        Errors.Debug.enabled = CommandModel.on(debug);
        String baseName = CommandModel.get(baseOpt);
        String format = CommandModel.get(formatOpt);
        Path output = CommandModel.get(outputOpt);
        List<String> cmd = CommandModel.list(command);
        if (!format.equals("toml") && !format.equals("oci")) {
            throw new Errors.UsageException("unknown --format '" + format + "': use toml or oci");
        }
        if (!Profiles.PRESETS.contains(baseName)) {
            throw new Errors.UsageException("--base must be a preset (" + String.join(", ", Profiles.PRESETS)
                    + "), not '" + baseName + "': the learned file extends it by name");
        }
        Session.Host host = Session.Host.current();
        Session.Sandboxed learn = Session.learn(host, new Session.Learn(baseName, CommandModel.on(shareNet), cmd));
        RunCommand.say(learn.warnings(), Session.noticesToSay(host, learn.notices(), CommandModel.on(quiet)));
        // the output's directory opened before the command runs: a link it leaves at the name is replaced
        try (HostFile out = HostFile.open(output)) {
            return learn(learn, baseName, format, cmd, out);
        }
    }

    private int learn(Session.Sandboxed learn, String baseName, String format, List<String> cmd, HostFile output)
            throws Exception {
        NotifyLaunch.Result result = learn.learn(new Supervisor.Limits(Optional.empty(), Duration.ofSeconds(10),
                CommandModel.on(verbose)), System.err);
        Policy base = learn.notifiedPolicy();
        String toml = LearnedProfile.toml(baseName, base, cmd, result.log().entries());
        LearnedProfile.check(toml); // it must load and compile, or nothing is written
        String text = format.equals("oci") ? LearnedProfile.oci(toml) : toml;
        output.write(text.getBytes(StandardCharsets.UTF_8));
        long distinct = result.log().entries().stream().map(e -> e.call().syscall()).distinct().count();
        System.err.println("jbox: learned " + distinct + " distinct calls beyond the core from " + result.notifications()
                + " notifications; wrote " + output.target() + " (" + format + ")"
                + (result.exitStatus() != 0 ? "; the command exited " + result.exitStatus()
                + ", so the run may not have covered its normal path" : ""));
        System.err.flush();
        return result.exitStatus();
    }
}
