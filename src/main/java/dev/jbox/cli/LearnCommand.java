package dev.jbox.cli;

import dev.jbox.config.HostFile;
import dev.jbox.config.Profiles;
import dev.jbox.config.UserDirs;
import dev.jbox.launch.Bwrap;
import dev.jbox.launch.Launcher;
import dev.jbox.launch.NotifyLaunch;
import dev.jbox.launch.Sandbox;
import dev.jbox.launch.Supervisor;
import dev.jbox.policy.Notifying;
import dev.jbox.policy.Policy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
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
    private final OptionSpec shareNet = Opts.flag("Keep the host's network while learning.", "--share-net");
    private final OptionSpec verbose = Opts.flag("Say on stderr what the supervisor does.", "-v", "--verbose");
    private final OptionSpec debug = Opts.flag("Print stack traces for errors.", "--debug");
    private final PositionalParamSpec command = Opts.positional("COMMAND", List.class, "0..*", "1..*",
            "The command and its arguments.");

    @Override
    public CommandSpec spec() {
        CommandSpec spec = Opts.command(NAME, this,
                "Run a command once in the standard sandbox (as jbox run does) and write",
                "a least-privilege profile from the calls it made: an allow-list over the",
                "base preset, every other call refused with ENOSYS, each entry annotated",
                "with the executable that needed it and how often. Calls the base refuses",
                "are refused while learning too, and stay refused.",
                "Example: jbox learn -o ../ci.toml -- make test",
                "         jbox run --config ../ci.toml -- make test");
        spec.addOption(baseOpt).addOption(formatOpt).addOption(outputOpt).addOption(shareNet).addOption(verbose)
                .addOption(debug).addPositional(command);
        spec.usageMessage().sortOptions(false);
        return spec;
    }

    @Override
    public Integer call() throws Exception {
        Errors.Debug.enabled = Opts.on(debug);
        String baseName = Opts.get(baseOpt);
        String format = Opts.get(formatOpt);
        Path output = Opts.get(outputOpt);
        List<String> cmd = Opts.list(command);
        if (!format.equals("toml") && !format.equals("oci")) {
            throw new Errors.UsageException("unknown --format '" + format + "': use toml or oci");
        }
        if (!Profiles.PRESETS.contains(baseName)) {
            throw new Errors.UsageException("--base must be a preset (" + String.join(", ", Profiles.PRESETS)
                    + "), not '" + baseName + "': the learned file extends it by name");
        }
        Policy base = Profiles.builtin().resolve(baseName);
        Map<String, String> env = Launcher.callerEnvironment(System.getenv()); // JAVA_*OPTIONS handed back
        Path bwrap = Bwrap.locate(env.get("PATH"), env.get("JBOX_BWRAP"), env.get("JBOX_SELF"));
        NotifyLaunch.requireUsable(bwrap, "jbox learn");
        // the layout of run, with the same protections (working directory, config, trust store, jbox itself)
        UserDirs dirs = UserDirs.of(env);
        Sandbox sandbox = Sandbox.standard(new Sandbox.Layout(Path.of("").toAbsolutePath(), dirs.home(), List.of(),
                Guards.of(env, dirs), Opts.on(shareNet), Launcher.runningAsRoot(), Optional.empty(), Optional.empty(),
                List.of(), Sandbox.socketsNamedBy(env), Sandbox.emptyFile(dirs.stateDir())));
        sandbox.notices().forEach(n -> System.err.println("jbox: " + n));
        sandbox.resolveCommand(cmd.getFirst(), env.get("PATH"));
        Launcher.Plan plan = new Launcher.Plan(bwrap, sandbox.bwrapArgs(), cmd, Optional.empty());
        // the output's directory opened before the command runs: a link it leaves at the name is replaced
        try (HostFile out = HostFile.open(output)) {
            return learn(plan, base, baseName, format, cmd, env, out);
        }
    }

    private int learn(Launcher.Plan plan, Policy base, String baseName, String format, List<String> cmd,
                      Map<String, String> env, HostFile output) throws Exception {
        NotifyLaunch.Result result = NotifyLaunch.learn(plan, base, new LinkedHashSet<>(Notifying.LEARN_CORE),
                Launcher.environment(env), RunCommand.nofileSoft(env),
                new Supervisor.Limits(Optional.empty(), Duration.ofSeconds(10), Opts.on(verbose)), System.err);
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
