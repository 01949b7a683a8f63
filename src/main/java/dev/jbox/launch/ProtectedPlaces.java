package dev.jbox.launch;

import dev.jbox.config.UserDirs;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The places no sandbox may write, because they configure the next sandbox or run as the
 * user later: jbox's config directory, its trust store, and jbox's own files (the checkout
 * or install tree the running jbox came from: {@code scripts/jbox} rebuilds the jar from a
 * checkout's sources, so a sandbox that could edit them would run its code as the user on
 * the next call).
 */
final class ProtectedPlaces {
    private ProtectedPlaces() {
    }

    static List<Sandbox.Guarded> of(Map<String, String> env, UserDirs dirs) {
        List<Sandbox.Guarded> out = new ArrayList<>();
        dirs.configDir().ifPresent(d -> out.add(new Sandbox.Guarded(d, "jbox's configuration directory", true)));
        dirs.stateDir().ifPresent(d -> out.add(new Sandbox.Guarded(d, "jbox's trust store", true)));
        String self = env.get("JBOX_SELF");
        if (self != null && self.startsWith("/")) {
            // .../scripts/jbox (a checkout) or .../bin/jbox (an installed tree): the tree is two up
            Path tree = Path.of(self).normalize().getParent();
            if (tree != null && tree.getParent() != null && tree.getParent().getParent() != null) {
                out.add(new Sandbox.Guarded(tree.getParent(), "jbox itself", false));
            }
        }
        jarDirectory().ifPresent(d -> out.add(new Sandbox.Guarded(d, "jbox itself (its jar)", false)));
        return out;
    }

    /**
     * The directory of the jar jbox runs from: this class's code source, or (loaded from an
     * AOT cache, a class may have none) the jar on the class path; empty when run from class
     * directories, as in unit tests.
     */
    private static java.util.Optional<Path> jarDirectory() {
        try {
            var src = ProtectedPlaces.class.getProtectionDomain().getCodeSource();
            if (src != null && src.getLocation() != null) {
                Path p = Path.of(src.getLocation().toURI());
                if (Files.isRegularFile(p) && p.getParent() != null) {
                    return java.util.Optional.of(p.getParent());
                }
            }
        } catch (URISyntaxException | SecurityException | IllegalArgumentException e) {
            // fall back to the class path
        }
        for (String entry : System.getProperty("java.class.path", "").split(java.io.File.pathSeparator)) {
            Path p = Path.of(entry).toAbsolutePath().normalize();
            if (entry.endsWith(".jar") && Files.isRegularFile(p) && p.getParent() != null) {
                return java.util.Optional.of(p.getParent());
            }
        }
        return java.util.Optional.empty();
    }
}
