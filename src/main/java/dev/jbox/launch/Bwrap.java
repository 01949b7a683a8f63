package dev.jbox.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finding the real bwrap: the one place that does it (the scripts ask jbox, through
 * {@code jbox --version}'s bwrap line or {@code jbox doctor}).
 */
public final class Bwrap {
    private Bwrap() {
    }

    /**
     * glibc's {@code confstr(_CS_PATH)}, the search path {@code execvp} uses when PATH is unset
     * (a client such as flatpak starts bwrap with an empty environment). A constant of glibc's
     * (paths.h {@code _PATH_DEFPATH}), not a call: a new downcall costs every launch its link;
     * {@code BwrapLookupTest} checks it against {@code getconf PATH}.
     */
    public static final String DEFAULT_PATH = "/bin:/usr/bin";

    /**
     * The first executable {@code bwrap} that {@code execvp("bwrap")} would run, skipping jbox
     * itself: a user may link jbox in as {@code bwrap}, and exec'ing ourselves would loop.
     * {@code execvp}'s rules: PATH unset is {@link #DEFAULT_PATH}; an empty entry (PATH set
     * but empty, a leading, trailing or doubled colon) is the working directory; a relative
     * entry is relative to the working directory. The path returned is absolute (jbox execs
     * it by path). {@code JBOX_SELF} (set by jbox's launcher to its own path) names what to
     * skip; {@code JBOX_BWRAP} names a bwrap explicitly.
     *
     * @param pathEnv  PATH, or null when it is unset
     * @param explicit JBOX_BWRAP, or null
     * @param self     JBOX_SELF, or null
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
        String search = pathEnv == null ? DEFAULT_PATH : pathEnv;
        int start = 0;
        while (start <= search.length()) {
            int colon = search.indexOf(':', start);
            int end = colon < 0 ? search.length() : colon;
            String dir = search.substring(start, end);
            start = end + 1;
            Path p;
            try {
                // "" is the working directory: "bwrap" relative to it, as execvp tries it
                p = Path.of(dir, "bwrap").toAbsolutePath();
            } catch (RuntimeException e) {
                continue; // a name this JVM cannot encode (a byte its locale cannot map)
            }
            if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
                continue;
            }
            if (selfReal.isPresent() && real(p.toString()).equals(selfReal)) {
                continue;
            }
            return p;
        }
        throw new LaunchException(LaunchException.Kind.BWRAP_MISSING,
                "bwrap not found in " + (pathEnv == null ? "the default search path " + DEFAULT_PATH + " (PATH is unset)"
                        : "PATH") + ": install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap; "
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
