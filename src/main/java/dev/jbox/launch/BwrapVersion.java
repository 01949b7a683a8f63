package dev.jbox.launch;

import dev.jbox.config.HostFile;
import dev.jbox.config.UserDirs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * bwrap's version, from {@code bwrap --version} ("bubblewrap 0.8.0"), cached in
 * {@code $XDG_CACHE_HOME/jbox/bwrap-version} (else {@code ~/.cache/...}, {@link UserDirs}) under a key of the
 * binary's real path, size and modification time, so the extra process runs once per
 * installed bwrap, not once per launch. A cache that cannot be read or written is ignored.
 *
 * @param major  e.g. 0
 * @param minor  e.g. 8
 * @param patch  e.g. 0
 */
public record BwrapVersion(int major, int minor, int patch) implements Comparable<BwrapVersion> {

    /** The first release with {@code --add-seccomp-fd} (several stacked filters). */
    public static final BwrapVersion ADD_SECCOMP_FD = new BwrapVersion(0, 6, 0);

    /** Compiled when a version is parsed, not on every launch that only reads the cache's key. */
    private static final class Version {
        static final Pattern PATTERN = Pattern.compile("(\\d+)\\.(\\d+)(?:\\.(\\d+))?");

        private Version() {
        }
    }

    @Override
    public int compareTo(BwrapVersion o) {
        int c = Integer.compare(major, o.major);
        if (c == 0) {
            c = Integer.compare(minor, o.minor);
        }
        return c != 0 ? c : Integer.compare(patch, o.patch);
    }

    public boolean atLeast(BwrapVersion o) {
        return compareTo(o) >= 0;
    }

    /** Whether {@code --add-seccomp-fd} is available. */
    public boolean canStackFilters() {
        return atLeast(ADD_SECCOMP_FD);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch;
    }

    /** Parses the output of {@code bwrap --version}. */
    public static Optional<BwrapVersion> parse(String versionOutput) {
        Matcher m = Version.PATTERN.matcher(versionOutput == null ? "" : versionOutput);
        if (!m.find()) {
            return Optional.empty();
        }
        return Optional.of(new BwrapVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                m.group(3) == null ? 0 : Integer.parseInt(m.group(3))));
    }

    /** The cache file for this environment ({@link UserDirs#cacheDir}: with HOME unset, the password database's home). */
    static Optional<Path> cacheFile(Map<String, String> env) {
        return UserDirs.of(env).cacheDir().map(d -> d.resolve("bwrap-version"));
    }

    /** The cache key of a binary: real path, size, mtime in ns. */
    static String key(Path bwrap) throws IOException {
        Path real = bwrap.toRealPath();
        return real + "\t" + Files.size(real) + "\t"
                + Files.getLastModifiedTime(real).to(TimeUnit.NANOSECONDS);
    }

    /**
     * The version of {@code bwrap}, from the cache if its key matches, else by running
     * {@code bwrap --version} (and updating the cache).
     *
     * @throws LaunchException if bwrap cannot be run or prints no version
     */
    public static BwrapVersion of(Path bwrap, Map<String, String> env) throws LaunchException {
        String key;
        try {
            key = key(bwrap);
        } catch (IOException e) {
            throw new LaunchException(LaunchException.Kind.BWRAP_MISSING, "cannot read " + bwrap + ": " + e.getMessage());
        }
        Optional<Path> cache = cacheFile(env);
        if (cache.isPresent()) {
            try {
                for (String line : Files.readAllLines(cache.get(), StandardCharsets.UTF_8)) {
                    int tab = line.lastIndexOf('\t');
                    if (tab > 0 && line.substring(0, tab).equals(key)) {
                        Optional<BwrapVersion> v = parse(line.substring(tab + 1));
                        if (v.isPresent()) {
                            return v.get();
                        }
                    }
                }
            } catch (IOException | RuntimeException ignored) {
                // no cache yet, or an unreadable one: ask bwrap
            }
        }
        String out = run(bwrap, "--version");
        BwrapVersion v = parse(out).orElseThrow(() -> new LaunchException(LaunchException.Kind.FAILED,
                bwrap + " --version printed no version: " + out.strip()));
        cache.ifPresent(c -> store(c, key, v));
        return v;
    }

    private static void store(Path cache, String key, BwrapVersion v) {
        try {
            Files.createDirectories(cache.getParent());
            StringBuilder keep = new StringBuilder();
            if (Files.isRegularFile(cache)) {
                for (String line : Files.readAllLines(cache, StandardCharsets.UTF_8)) {
                    // other bwraps stay; a stale entry for the same path goes
                    String path = line.split("\t", 2)[0];
                    if (!path.equals(key.split("\t", 2)[0]) && !line.isBlank()) {
                        keep.append(line).append('\n');
                    }
                }
            }
            keep.append(key).append('\t').append(v).append('\n');
            HostFile.write(cache, keep.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException ignored) {
            // a read-only home is fine: the next launch asks bwrap again
        }
    }

    /** Runs {@code bwrap OPTION} (--version, --help) and returns what it printed. */
    static String run(Path bwrap, String option) throws LaunchException {
        try {
            Process p = new ProcessBuilder(bwrap.toString(), option).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            String out;
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readNBytes(65536), StandardCharsets.UTF_8);
            }
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new LaunchException(LaunchException.Kind.FAILED, bwrap + " " + option + " did not finish in 10 s");
            }
            return out;
        } catch (IOException e) {
            throw new LaunchException(LaunchException.Kind.BWRAP_MISSING, "cannot run " + bwrap + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LaunchException(LaunchException.Kind.FAILED, "interrupted while running " + bwrap + " " + option, e);
        }
    }
}
