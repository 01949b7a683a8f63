package dev.jbox.cli;

import dev.jbox.arch.Arch;
import dev.jbox.config.Bind;
import dev.jbox.config.ConfigFile;
import dev.jbox.config.Escape;
import dev.jbox.config.FilterChoice;
import dev.jbox.config.JsonWriter;
import dev.jbox.config.Masks;
import dev.jbox.config.ProfileSpec;
import dev.jbox.config.SandboxSettings;
import dev.jbox.config.Trust;
import dev.jbox.launch.Session;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

final class ConfigCommand implements Subcommand {

    static final String NAME = "config";

    private final ConfigOption config = new ConfigOption();
    private final FilterOptions filter = new FilterOptions();
    private final OptionSpec jsonOpt = CommandModel.flag("Machine-readable output.", "--json");

    @Override
    public CommandSpec spec() {
        CommandSpec spec = CommandModel.command(NAME, this,
                "Show which config file applies and the settings 'jbox run' would use here.",
                "Discovery: --config FILE, else ./jbox.toml, else $XDG_CONFIG_HOME/jbox/config.toml "
                        + "(~/.config/jbox/config.toml). Command-line options override the file; JBOX_PROFILE "
                        + "overrides its seccomp setting.");
        config.addTo(spec);
        filter.addTo(spec);
        return spec.addOption(jsonOpt);
    }

    @Override
    public Integer call() throws Exception {
        // what run would resolve here: a broken profile, or a file run would refuse, is reported now
        Session.Resolved res = Session.review(Session.Host.current(), Session.Run.here(config.given(), filter.request()),
                Arch.host());
        ConfigFile cfg = res.config();
        SandboxSettings s = cfg.sandbox();
        FilterChoice choice = res.filter().choice();
        res.warnings().forEach(w -> System.err.println("jbox: warning: " + w));
        List<Object> binds = new ArrayList<>();
        for (Bind b : s.binds()) {
            binds.add(Map.of("src", b.src(), "resolves_to", Trust.target(b).map(Path::toString).orElse("(missing)"),
                    "dest", b.dest(), "readonly", b.readOnly()));
        }
        Optional<String> untrusted = res.untrusted().map(Session.Untrusted::message);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", cfg.path().map(Object::toString).orElse(null));
        m.put("origin", cfg.origin().name().toLowerCase(java.util.Locale.ROOT));
        m.put("trusted", untrusted.isEmpty());
        m.put("untrusted_reason", untrusted.orElse(null));
        m.put("seccomp", choice.name());
        m.put("seccomp_from", choice.from());
        m.put("share_net", s.shareNet().orElse(false));
        m.put("binds", binds);
        m.put("env", s.setEnv());
        m.put("unset_env", s.unsetEnv());
        m.put("clear_env", s.clearEnv());
        m.put("hostname", s.hostname().orElse(null));
        m.put("chdir", s.chdir().orElse(null));
        m.put("unmask", s.unmask());
        m.put("profiles", cfg.profiles().stream().map(ProfileSpec::name).toList());
        if (CommandModel.on(jsonOpt)) {
            System.out.println(JsonWriter.of(m));
            return 0;
        }
        StringBuilder sb = new StringBuilder();
        sb.append("config file: ").append(cfg.path().map(Object::toString).orElse("(none found; defaults apply)")).append('\n');
        untrusted.ifPresent(u -> sb.append("trust:       NOT TRUSTED: jbox run refuses this file: ").append(u).append('\n'));
        sb.append("seccomp:     ").append(choice.name()).append("  (from ").append(choice.from()).append(")\n");
        sb.append("share_net:   ").append(s.shareNet().orElse(false)).append('\n');
        for (Bind b : s.binds()) {
            String target = Trust.target(b).map(Path::toString).orElse("(missing)");
            sb.append(b.readOnly() ? "ro_bind:     " : "bind:        ").append(Escape.visible(b.src()))
                    .append(target.equals(b.src()) ? "" : " (resolves to " + Escape.visible(target) + ")")
                    .append(" -> ").append(Escape.visible(b.dest())).append('\n');
        }
        environmentAndPlace(s, "", sb);
        if (!cfg.profiles().isEmpty()) {
            sb.append("profiles:    ").append(String.join(" ", cfg.profiles().stream().map(ProfileSpec::name).toList())).append('\n');
        }
        System.out.print(sb);
        return 0;
    }

    /**
     * The environment, host name and working directory a config sets, a line each (also for
     * {@code jbox trust}). Every value is shown escaped: a cloned file's control characters
     * must not rewrite the lines a user reviews before trusting it.
     */
    static void environmentAndPlace(SandboxSettings s, String indent, StringBuilder sb) {
        if (s.clearEnv()) {
            sb.append(indent).append("clear_env:   true (PATH kept)\n");
        }
        s.setEnv().forEach((k, v) -> sb.append(indent).append("env:         ").append(Escape.visible(k)).append('=')
                .append(Escape.visible(v)).append('\n'));
        if (!s.unsetEnv().isEmpty()) {
            sb.append(indent).append("unset_env:   ").append(Escape.visible(String.join(" ", s.unsetEnv()))).append('\n');
        }
        s.hostname().ifPresent(h -> sb.append(indent).append("hostname:    ").append(Escape.visible(h)).append('\n'));
        s.chdir().ifPresent(c -> sb.append(indent).append("chdir:       ").append(Escape.visible(c)).append('\n'));
        masks(s, indent, sb);
    }

    /** The credential places a config unmasks, and those every sandbox still masks (masks.tsv). */
    static void masks(SandboxSettings s, String indent, StringBuilder sb) {
        Masks masks = Masks.builtin();
        for (String name : s.unmask()) {
            List<String> paths = masks.named(name).stream().map(Masks.Place::path).toList();
            sb.append(indent).append("unmask:      ").append(name).append(" (").append(String.join(", ", paths))
                    .append(": shown inside)\n");
        }
        List<String> masked = masks.names().stream().filter(n -> !s.unmask().contains(n)).toList();
        sb.append(indent).append("masked:      ").append(String.join(" ", masked)).append('\n');
    }
}
