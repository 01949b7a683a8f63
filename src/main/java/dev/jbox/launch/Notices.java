package dev.jbox.launch;

import dev.jbox.config.HostFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * jbox's own notices: what it decided for the user (a working directory kept read-only), said
 * on stderr. A notice the user cannot act on is noise the second time, so each is said once:
 * the ones said are remembered in jbox's state directory ({@code STATEDIR/notices}). Quiet
 * ({@code -q}, {@code JBOX_QUIET=1}) says none. Errors and warnings are not notices: they are
 * always said.
 */
public final class Notices {
    private Notices() {
    }

    /** The file in the state directory that remembers the notices said. */
    static final String FILE = "notices";
    /** The most it remembers (the oldest are forgotten, and said again once). */
    static final int KEEP = 1000;

    /** Whether jbox's notices are silenced: {@code -q}, or {@code JBOX_QUIET} set to anything but "" or "0". */
    public static boolean quiet(boolean option, Map<String, String> env) {
        String v = env.getOrDefault("JBOX_QUIET", "");
        return option || !(v.isEmpty() || v.equals("0"));
    }

    /**
     * The notices to say now: none when quiet; else those not said before, which are then
     * remembered. Without a state directory, or when it cannot be read or written, every notice
     * is said (a notice too many is better than one lost).
     */
    public static List<String> toSay(List<String> notices, boolean quiet, Optional<Path> stateDir) {
        if (quiet || notices.isEmpty()) {
            return List.of();
        }
        if (stateDir.isEmpty()) {
            return notices;
        }
        Set<String> said = read(stateDir.get().resolve(FILE));
        List<String> fresh = notices.stream().filter(n -> !said.contains(n)).distinct().toList();
        if (!fresh.isEmpty()) {
            List<String> keep = new ArrayList<>(said);
            keep.addAll(fresh);
            StringBuilder sb = new StringBuilder();
            for (String n : keep.subList(Math.max(0, keep.size() - KEEP), keep.size())) {
                sb.append(escape(n)).append('\n');
            }
            try {
                writeState(stateDir.get(), FILE, sb.toString().getBytes(StandardCharsets.UTF_8));
            } catch (IOException | RuntimeException e) {
                // not remembered: said again next time
            }
        }
        return fresh;
    }

    /** The notices said before; none when the file is missing, unreadable or a link. */
    private static Set<String> read(Path file) {
        Set<String> out = new LinkedHashSet<>();
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isEmpty()) {
                    out.add(unescape(line));
                }
            }
        } catch (IOException | RuntimeException e) {
            // nothing remembered
        }
        return out;
    }

    /**
     * Writes {@code dir/name} whole, never through a link ({@link HostFile}: a new file of the
     * user's alone, renamed over {@code name}), in a directory of the user's alone.
     */
    static void writeState(Path dir, String name, byte[] bytes) throws IOException {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(dir + " is not a directory"); // a link in its place is not followed
        }
        try (HostFile f = HostFile.open(dir.resolve(name))) {
            f.write(bytes, PosixFilePermissions.fromString("rw-------"));
        }
    }

    /** One line per notice: a backslash and a line break in a path written as \\ and \n. */
    static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\n", "\\n");
    }

    static String unescape(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                sb.append(n == 'n' ? '\n' : n);
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
