package dev.jbox.cli;

import dev.jbox.arch.Arch;
import dev.jbox.config.ConfigException;
import dev.jbox.config.ConfigFile;
import dev.jbox.config.FilterChoice;
import dev.jbox.config.FilterSource;
import dev.jbox.config.Trust;
import dev.jbox.config.TrustStore;
import dev.jbox.config.UserDirs;
import dev.jbox.launch.Filters;
import dev.jbox.config.Json;
import dev.jbox.config.Profiles;
import dev.jbox.launch.Doctor;
import dev.jbox.launch.Launcher;
import dev.jbox.launch.Sandbox;
import dev.jbox.seccomp.CompileException;
import dev.jbox.seccomp.Compiler;
import dev.jbox.seccomp.Program;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

final class DoctorCommand implements Subcommand {

    static final String NAME = "doctor";

    private final OptionSpec jsonOpt = Opts.flag("One JSON object: {\"ready\": ..., \"checks\": [...]}.", "--json");

    @Override
    public CommandSpec spec() {
        CommandSpec spec = Opts.command(NAME, this,
                "Check what a sandbox needs (bwrap, user namespaces, seccomp, the JDK, TIOCSTI) and explain each",
                "finding with a fix; then start a real sandbox, as 'run' would, and one inside it (nested sandboxes,",
                "which the profile in effect may refuse). Exit 0 if a sandbox starts, 1 if not.");
        return spec.addOption(jsonOpt);
    }

    /** The profile 'run' and 'bwrap' apply here without options, and its filter (empty: none). */
    record Effective(String profile, Optional<Program> filter) {
    }

    /**
     * What a launch without filter options applies: JBOX_PROFILE, then the config that applies
     * in this directory, then the default. A config that cannot be read is reported as such;
     * the finding then speaks of the default.
     */
    static Effective effective() {
        Map<String, String> env = System.getenv();
        String note = "";
        FilterChoice choice;
        ConfigFile config = ConfigFile.NONE;
        try {
            config = ConfigFile.discover(Optional.empty(), Path.of("").toAbsolutePath(), env);
            choice = FilterChoice.decide(FilterChoice.Request.profile(null), env, config);
        } catch (ConfigException ex) {
            choice = new FilterChoice(new FilterSource.Named(Profiles.DEFAULT_PROFILE), "default", false, false);
            note = "; the config could not be read: " + ex.getMessage();
        }
        String label = choice.describe() + note;
        try {
            // the same service as run, reading files as reviewer commands do (nothing is launched here)
            Trust.Gate gate = Trust.Gate.reading(TrustStore.of(UserDirs.of(env)));
            Filters.Resolved r = Filters.policy(choice, config, gate);
            return new Effective(label, Filters.program(r, Arch.host(), gate));
        } catch (ConfigException | CompileException ex) {
            // 'run' would refuse to start; say so here and speak of the default
            return new Effective("'" + Profiles.DEFAULT_PROFILE + "' (" + label + " cannot be used: " + ex.getMessage() + ")",
                    Optional.of(compileDefault()));
        }
    }

    private static Program compileDefault() {
        try {
            return Compiler.compile(Profiles.builtin().resolve(Profiles.DEFAULT_PROFILE), Arch.host());
        } catch (ConfigException | CompileException ex) {
            throw new IllegalStateException("the default preset does not compile: " + ex.getMessage(), ex);
        }
    }

    @Override
    public Integer call() throws Exception {
        boolean root = Launcher.runningAsRoot();
        UserDirs dirs = UserDirs.of(System.getenv());
        Sandbox sandbox = Sandbox.standard(new Sandbox.Layout(Path.of("").toAbsolutePath(), dirs.home(), List.of(),
                Guards.of(System.getenv(), dirs), false, root, Optional.empty(), Optional.empty(), List.of(),
                Sandbox.socketsNamedBy(System.getenv()), Sandbox.emptyFile(dirs.stateDir())));
        byte[] filter = Compiler.compile(Profiles.builtin().resolve(Profiles.DEFAULT_PROFILE), Arch.host()).toBytes();
        byte[] nested = Compiler.compile(Profiles.builtin().resolve("nested"), Arch.host()).toBytes();
        Effective e = effective();
        Doctor.Inputs in = new Doctor.Inputs(Path.of("/proc"), System.getenv(), root, sandbox.bwrapArgs(),
                Optional.of(filter), e.profile(), e.filter(), Optional.of(nested), sandbox);
        List<Doctor.Check> checks = Doctor.run(in);
        boolean ready = Doctor.ready(checks);
        if (Opts.on(jsonOpt)) {
            List<Object> list = new ArrayList<>();
            for (Doctor.Check c : checks) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", c.id());
                m.put("title", c.title());
                m.put("status", c.status().name().toLowerCase(java.util.Locale.ROOT));
                m.put("detail", c.detail());
                m.put("fix", c.fix());
                list.add(m);
            }
            Map<String, Object> top = new LinkedHashMap<>();
            top.put("ready", ready);
            top.put("checks", list);
            System.out.println(Json.of(top));
        } else {
            StringBuilder sb = new StringBuilder();
            for (Doctor.Check c : checks) {
                sb.append(String.format("%-5s %s%n", c.status(), c.title()));
                sb.append("      ").append(c.detail()).append('\n');
                if (!c.fix().isEmpty()) {
                    sb.append("      fix: ").append(c.fix()).append('\n');
                }
            }
            sb.append(ready ? "\nready: jbox can start sandboxes here\n"
                    : "\nnot ready: a sandbox cannot start here (see FAIL above); 'jbox run --no-namespaces' applies the "
                    + "filter without bwrap where namespaces are unavailable\n");
            System.out.print(sb);
        }
        System.out.flush();
        return ready ? 0 : 1;
    }
}
