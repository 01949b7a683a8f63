package dev.jbox.cli;

import dev.jbox.config.ConfigException;
import dev.jbox.config.ConfigFile;
import dev.jbox.launch.Session;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** {@code --config FILE}: which file the session reads instead of discovering one. */
final class ConfigOption {

    private final OptionSpec file = CommandModel.value("FILE", Path.class,
            "Config file (default: ./jbox.toml, else $XDG_CONFIG_HOME/jbox/config.toml).", "--config");

    void addTo(CommandSpec spec) {
        spec.addOption(file);
    }

    /** The file given, if any. */
    Optional<Path> given() {
        return Optional.ofNullable(CommandModel.get(file));
    }

    /** The config file that applies here ({@link Session#config}). */
    ConfigFile load() throws ConfigException {
        return Session.config(Session.Host.current(), given());
    }
}
