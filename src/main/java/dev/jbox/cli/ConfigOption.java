package dev.jbox.cli;

import dev.jbox.config.ConfigException;
import dev.jbox.config.ConfigFile;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** {@code --config FILE}, and the discovery of the file that applies without it. */
final class ConfigOption {

    private final OptionSpec file = Opts.value("FILE", Path.class,
            "Config file (default: ./jbox.toml, else $XDG_CONFIG_HOME/jbox/config.toml).", "--config");

    private ConfigFile loaded;

    void addTo(CommandSpec spec) {
        spec.addOption(file);
    }

    ConfigFile load() throws ConfigException {
        if (loaded == null) {
            loaded = ConfigFile.discover(Optional.ofNullable(Opts.get(file)), Path.of("").toAbsolutePath(), System.getenv());
        }
        return loaded;
    }
}
