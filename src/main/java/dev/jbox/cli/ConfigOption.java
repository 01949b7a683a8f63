package dev.jbox.cli;

import dev.jbox.config.ConfigException;
import dev.jbox.config.ConfigFile;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --config FILE}, and the discovery of the file that applies without it. */
final class ConfigOption {

    @Option(names = "--config", paramLabel = "FILE",
            description = "Config file (default: ./jbox.toml, else $XDG_CONFIG_HOME/jbox/config.toml).")
    Path file;

    private ConfigFile loaded;

    ConfigFile load() throws ConfigException {
        if (loaded == null) {
            loaded = ConfigFile.discover(Optional.ofNullable(file), Path.of("").toAbsolutePath(), System.getenv());
        }
        return loaded;
    }
}
