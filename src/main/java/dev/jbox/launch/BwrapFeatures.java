package dev.jbox.launch;

import dev.jbox.config.HostFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a bwrap accepts {@code --seccomp}. Once jbox has exec'd bwrap it cannot take back
 * a run, so a filter that was asked for must be known to be applicable before: a bwrap
 * without the option (or something else installed as {@code bwrap}) would report an
 * unknown option as its own exit 1, or worse run the command unfiltered. The answer comes
 * from {@code bwrap --help} and is cached per binary (real path, size, mtime) next to the
 * version cache, so it costs one process start per installed bwrap, not one per launch.
 */
public final class BwrapFeatures {
    private BwrapFeatures() {
    }

    static Optional<Path> cacheFile(Map<String, String> env) {
        return BwrapVersion.cacheFile(env).map(p -> p.resolveSibling("bwrap-seccomp"));
    }

    /** Fails closed (a jbox error, nothing run) unless {@code bwrap --help} lists {@code --seccomp}. */
    public static void requireSeccomp(Path bwrap, Map<String, String> env) throws LaunchException {
        String key;
        try {
            key = BwrapVersion.key(bwrap);
        } catch (IOException e) {
            throw new LaunchException(LaunchException.Kind.BWRAP_MISSING, "cannot read " + bwrap + ": " + e.getMessage());
        }
        Optional<Path> cache = cacheFile(env);
        if (cache.isPresent()) {
            try {
                if (Files.readAllLines(cache.get(), StandardCharsets.UTF_8).contains(key)) {
                    return;
                }
            } catch (IOException | RuntimeException ignored) {
                // no cache yet: ask bwrap
            }
        }
        if (!BwrapVersion.run(bwrap, "--help").contains("--seccomp")) {
            throw new LaunchException(LaunchException.Kind.FAILED, bwrap + " does not support --seccomp (its --help"
                    + " does not list it), so the filter cannot be applied; install bubblewrap from your distribution"
                    + " or set JBOX_BWRAP to a real bwrap");
        }
        cache.ifPresent(c -> {
            try {
                Files.createDirectories(c.getParent());
                String known = Files.isRegularFile(c, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                        ? Files.readString(c, StandardCharsets.UTF_8) : "";
                HostFile.write(c, (known + key + "\n").getBytes(StandardCharsets.UTF_8));
            } catch (IOException | RuntimeException ignored) {
                // a read-only home is fine: the next launch asks again
            }
        });
    }

}
