package dev.jbox.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finding the real bwrap. */
public final class Bwrap {
    private Bwrap() {
    }

    /**
     * The first executable {@code bwrap} on PATH that is not jbox itself: a user may link
     * jbox in as {@code bwrap}, and exec'ing ourselves would loop. {@code JBOX_SELF} (set by
     * {@code scripts/jbox} to its own resolved path) names what to skip; {@code JBOX_BWRAP}
     * names a bwrap explicitly.
     */
    public static Path locate(String pathEnv, String explicit, String self) throws LaunchException {
        if (explicit != null && !explicit.isEmpty()) {
            Path p = Path.of(explicit);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p.toAbsolutePath();
            }
            throw new LaunchException(LaunchException.Kind.BWRAP_MISSING,
                    "JBOX_BWRAP=" + explicit + " is not an executable file");
        }
        Optional<Path> selfReal = real(self);
        for (String dir : (pathEnv == null ? "" : pathEnv).split(":")) {
            if (dir.isEmpty() || !dir.startsWith("/")) {
                continue; // relative PATH entries would depend on the sandbox's cwd
            }
            Path p = Path.of(dir, "bwrap");
            if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
                continue;
            }
            Optional<Path> r = real(p.toString());
            if (selfReal.isPresent() && r.equals(selfReal)) {
                continue;
            }
            return p;
        }
        throw new LaunchException(LaunchException.Kind.BWRAP_MISSING,
                "bwrap not found in PATH: install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap; "
                        + "Fedora: dnf install bubblewrap), then run jbox again");
    }

    private static Optional<Path> real(String p) {
        if (p == null || p.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Path.of(p).toRealPath());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
