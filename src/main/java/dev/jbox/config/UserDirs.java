package dev.jbox.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The user's own places (XDG base directories): the home directory, jbox's config directory,
 * its state directory (the trust store) and its cache directory. They come from the
 * environment the user started jbox with, not from Java properties (a {@code -Duser.home=}
 * must not move them); where the environment says nothing, from the password database: a
 * bwrap client may start jbox with no environment at all (flatpak does), and the user's
 * config, trust store and caches are still the user's.
 *
 * @param home      {@code $HOME} if it is an absolute path, else the effective user's home in
 *                  the password database ({@link Account#passwdHome})
 * @param configDir {@code $XDG_CONFIG_HOME/jbox}, else {@code ~/.config/jbox}
 * @param stateDir  {@code $XDG_STATE_HOME/jbox}, else {@code ~/.local/state/jbox}
 * @param cacheDir  {@code $XDG_CACHE_HOME/jbox}, else {@code ~/.cache/jbox}
 */
public record UserDirs(Optional<Path> home, Optional<Path> configDir, Optional<Path> stateDir,
                       Optional<Path> cacheDir) {

    public static UserDirs of(Map<String, String> env) {
        return of(env, Account::passwdHome);
    }

    /** {@link #of(Map)} with the password database's answer given (tests). */
    public static UserDirs of(Map<String, String> env, Supplier<Optional<Path>> passwdHome) {
        // HOME unset, empty or relative is no home: the password database's, as glibc's tools
        // and GLib's g_get_home_dir fall back to it (looked up only then: it reads two files)
        Optional<Path> home = Account.absolute(env.get("HOME")).or(passwdHome);
        return new UserDirs(home,
                xdg(env, "XDG_CONFIG_HOME", home, ".config"),
                xdg(env, "XDG_STATE_HOME", home, ".local/state"),
                xdg(env, "XDG_CACHE_HOME", home, ".cache"));
    }

    /** The user's config file, {@code CONFIGDIR/config.toml}. */
    public Optional<Path> userConfig() {
        return configDir.map(d -> d.resolve("config.toml"));
    }

    /** The trust store, {@code STATEDIR/trust}. */
    public Optional<Path> trustDir() {
        return stateDir.map(d -> d.resolve("trust"));
    }

    /** XDG: a relative path in these variables is invalid and is ignored (the default applies). */
    private static Optional<Path> xdg(Map<String, String> env, String variable, Optional<Path> home, String underHome) {
        return Account.absolute(env.get(variable)).or(() -> home.map(h -> h.resolve(underHome))).map(d -> d.resolve("jbox"));
    }
}
