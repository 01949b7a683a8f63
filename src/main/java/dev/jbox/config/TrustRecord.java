package dev.jbox.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the user trusted: one file's exact bytes, the exact bytes of every filter file it
 * names, and where each of its bind sources led at that moment. A record is only ever
 * replaced whole (a new {@code jbox trust}), so an older, wider version of a file cannot
 * come back into use.
 *
 * @param file        the trusted file (absolute, normalised, as jbox found it)
 * @param sha256      SHA-256 of its bytes
 * @param files       for each filter file it names (absolute path): the SHA-256 of its bytes
 * @param bindTargets for each bind source (absolute path, as written): its real path then
 */
public record TrustRecord(String file, String sha256, Map<String, String> files, Map<String, String> bindTargets) {

    static final String MAGIC = "jbox-trust 1";

    public TrustRecord {
        files = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(files));
        bindTargets = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(bindTargets));
    }

    /** The store's text form: one field a line, tab-separated, paths escaped. */
    String serialize() {
        StringBuilder b = new StringBuilder(MAGIC).append('\n');
        b.append("file\t").append(escape(file)).append('\n');
        b.append("sha256\t").append(sha256).append('\n');
        files.forEach((p, h) -> b.append("names\t").append(h).append('\t').append(escape(p)).append('\n'));
        bindTargets.forEach((s, t) -> b.append("bind\t").append(escape(s)).append('\t').append(escape(t)).append('\n'));
        return b.toString();
    }

    /** Parses {@link #serialize()}'s form; anything else is a damaged record (not trusted). */
    static TrustRecord parse(String text, String where) throws ConfigException {
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        if (lines.isEmpty() || !lines.getFirst().equals(MAGIC)) {
            throw damaged(where, "not a jbox trust record");
        }
        String file = null;
        String sha = null;
        Map<String, String> files = new LinkedHashMap<>();
        Map<String, String> binds = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            switch (f[0]) {
                case "file" -> file = field(f, 2, where, line)[1];
                case "sha256" -> sha = field(f, 2, where, line)[1];
                case "names" -> files.put(unescape(field(f, 3, where, line)[2]), f[1]);
                case "bind" -> binds.put(unescape(field(f, 3, where, line)[1]), unescape(f[2]));
                default -> throw damaged(where, "unknown line '" + f[0] + "'");
            }
        }
        if (file == null || sha == null || !sha.matches("[0-9a-f]{64}")) {
            throw damaged(where, "file or sha256 missing");
        }
        return new TrustRecord(unescape(file), sha, files, binds);
    }

    private static String[] field(String[] f, int n, String where, String line) throws ConfigException {
        if (f.length != n) {
            throw damaged(where, "malformed line '" + line + "'");
        }
        return f;
    }

    private static ConfigException damaged(String where, String why) {
        return new ConfigException(where + ": damaged trust record (" + why + "): trust the file again with jbox trust");
    }

    /** Paths may hold any byte but NUL: tab, newline and % are written as %XX. */
    static String escape(String s) {
        return s.replace("%", "%25").replace("\t", "%09").replace("\n", "%0A").replace("\r", "%0D");
    }

    static String unescape(String s) {
        return s.replace("%0D", "\r").replace("%0A", "\n").replace("%09", "\t").replace("%25", "%");
    }
}
