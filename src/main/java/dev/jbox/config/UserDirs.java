package dev.jbox.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The user's own places, from the environment the user started jbox with (XDG base
 * directories): the home directory, jbox's config directory and jbox's state directory
 * (the trust store). They come from the environment, not from Java properties: a
 * {@code -Duser.home=} in {@code JAVA_TOOL_OPTIONS} must not move them.
 *
 * @param home      {@code $HOME}, if set
 * @param configDir {@code $XDG_CONFIG_HOME/jbox}, else {@code ~/.config/jbox}
 * @param stateDir  {@code $XDG_STATE_HOME/jbox}, else {@code ~/.local/state/jbox}
 */
public record UserDirs(Optional<Path> home, Optional<Path> configDir, Optional<Path> stateDir) {

    public static UserDirs of(Map<String, String> env) {
        Optional<Path> home = absolute(env.get("HOME"));
        return new UserDirs(home,
                absolute(env.get("XDG_CONFIG_HOME")).or(() -> home.map(h -> h.resolve(".config"))).map(d -> d.resolve("jbox")),
                absolute(env.get("XDG_STATE_HOME")).or(() -> home.map(h -> h.resolve(".local/state"))).map(d -> d.resolve("jbox")));
    }

    /** The user's config file, {@code CONFIGDIR/config.toml}. */
    public Optional<Path> userConfig() {
        return configDir.map(d -> d.resolve("config.toml"));
    }

    /** The trust store, {@code STATEDIR/trust}. */
    public Optional<Path> trustDir() {
        return stateDir.map(d -> d.resolve("trust"));
    }

    /** XDG: a relative path in these variables is invalid and is ignored. */
    private static Optional<Path> absolute(String v) {
        if (v == null || v.isEmpty() || !v.startsWith("/")) {
            return Optional.empty();
        }
        return Optional.of(Path.of(v).normalize());
    }
}
