package dev.jbox.cli;

import dev.jbox.config.Json;
import dev.jbox.config.Bind;
import dev.jbox.config.ConfigFile;
import dev.jbox.config.ProfileSpec;
import dev.jbox.config.SandboxSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

final class ConfigCommand implements Subcommand {

    static final String NAME = "config";

    private final ConfigOption config = new ConfigOption();
    private final FilterOptions filter = new FilterOptions();
    private final OptionSpec jsonOpt = Opts.flag("Machine-readable output.", "--json");

    @Override
    public CommandSpec spec() {
        CommandSpec spec = Opts.command(NAME, this,
                "Show which config file applies and the settings `jbox run` would use here.",
                "Discovery: --config FILE, else ./jbox.toml, else $XDG_CONFIG_HOME/jbox/config.toml",
                "(~/.config/jbox/config.toml). Command-line options override the file; JBOX_PROFILE overrides",
                "its seccomp setting.");
        config.addTo(spec);
        filter.addTo(spec);
        return spec.addOption(jsonOpt);
    }

    @Override
    public Integer call() throws Exception {
        ConfigFile cfg = config.load();
        SandboxSettings s = cfg.sandbox();
        FilterOptions.Choice choice = FilterOptions.choice(filter.request(), System.getenv(), cfg);
        // resolve the profile now, so a broken one is reported here and not at the next run
        if (!choice.profile().equals("none") && !choice.profile().startsWith("/")) {
            cfg.allProfiles().resolve(choice.profile());
        }
        List<Object> binds = new ArrayList<>();
        for (Bind b : s.binds()) {
            binds.add(Map.of("src", b.src(), "dest", b.dest(), "readonly", b.readOnly()));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", cfg.path().map(Object::toString).orElse(null));
        m.put("seccomp", choice.profile());
        m.put("seccomp_from", choice.source());
        m.put("share_net", s.shareNet().orElse(false));
        m.put("binds", binds);
        m.put("env", s.setEnv());
        m.put("unset_env", s.unsetEnv());
        m.put("clear_env", s.clearEnv());
        m.put("hostname", s.hostname().orElse(null));
        m.put("chdir", s.chdir().orElse(null));
        m.put("profiles", cfg.profiles().stream().map(ProfileSpec::name).toList());
        if (Opts.on(jsonOpt)) {
            System.out.println(Json.of(m));
            return 0;
        }
        StringBuilder sb = new StringBuilder();
        sb.append("config file: ").append(cfg.path().map(Object::toString).orElse("(none found; defaults apply)")).append('\n');
        sb.append("seccomp:     ").append(choice.profile()).append("  (from ").append(choice.source()).append(")\n");
        sb.append("share_net:   ").append(s.shareNet().orElse(false)).append('\n');
        for (Bind b : s.binds()) {
            sb.append(b.readOnly() ? "ro_bind:     " : "bind:        ").append(b.src()).append(" -> ").append(b.dest()).append('\n');
        }
        if (s.clearEnv()) {
            sb.append("clear_env:   true (PATH kept)\n");
        }
        s.setEnv().forEach((k, v) -> sb.append("env:         ").append(k).append('=').append(v).append('\n'));
        if (!s.unsetEnv().isEmpty()) {
            sb.append("unset_env:   ").append(String.join(" ", s.unsetEnv())).append('\n');
        }
        s.hostname().ifPresent(h -> sb.append("hostname:    ").append(h).append('\n'));
        s.chdir().ifPresent(c -> sb.append("chdir:       ").append(c).append('\n'));
        if (!cfg.profiles().isEmpty()) {
            sb.append("profiles:    ").append(String.join(" ", cfg.profiles().stream().map(ProfileSpec::name).toList())).append('\n');
        }
        System.out.print(sb);
        return 0;
    }
}
