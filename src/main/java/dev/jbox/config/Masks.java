package dev.jbox.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The credential places every sandbox jbox builds masks ({@code masks.tsv}, one line per
 * place: name, path, why), and the names a user lifts a mask by ({@code --unmask NAME},
 * {@code [sandbox] unmask}). Several places may share a name ({@code history}).
 *
 * @param places in the file's order
 */
public record Masks(List<Place> places) {

    public Masks {
        places = List.copyOf(places);
    }

    /**
     * One masked place.
     *
     * @param name   what {@code --unmask} calls it
     * @param path   as written: absolute, or {@code ~/...} under the home directory
     * @param reason why it is masked
     */
    public record Place(String name, String path, String reason) {

        /** The host path: {@code ~/} against {@code home}; empty for a home place without a home. */
        public Optional<Path> resolve(Optional<Path> home) {
            if (path.startsWith("~/")) {
                return home.map(h -> h.resolve(path.substring(2)));
            }
            return Optional.of(Path.of(path));
        }
    }

    private static final class Builtin {
        static final Masks MASKS = load();

        private Builtin() {
        }

        private static Masks load() {
            String text = Resources.text("masks.tsv"); // embedded at build time: no jar read
            if (text == null) {
                throw new IllegalStateException("masks.tsv is missing from jbox's build");
            }
            return parse(text);
        }
    }

    /** jbox's own list. */
    public static Masks builtin() {
        return Builtin.MASKS;
    }

    /** Parses the file's text: '#' comments and blank lines skipped, three tab-separated columns. */
    static Masks parse(String text) {
        List<Place> out = new ArrayList<>();
        int n = 0;
        for (String line : text.split("\n")) {
            n++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int a = line.indexOf('\t');
            int b = a < 0 ? -1 : line.indexOf('\t', a + 1);
            if (b < 0 || line.indexOf('\t', b + 1) >= 0) {
                throw new IllegalStateException("masks.tsv:" + n + ": want name<TAB>path<TAB>reason");
            }
            String path = line.substring(a + 1, b);
            if (!path.startsWith("/") && !path.startsWith("~/")) {
                throw new IllegalStateException("masks.tsv:" + n + ": path must be absolute or start with ~/");
            }
            out.add(new Place(line.substring(0, a), path, line.substring(b + 1)));
        }
        return new Masks(out);
    }

    /** Every name, in the file's order. */
    public Set<String> names() {
        Set<String> out = new LinkedHashSet<>();
        places.forEach(p -> out.add(p.name()));
        return out;
    }

    /** The places called {@code name}. */
    public List<Place> named(String name) {
        return places.stream().filter(p -> p.name().equals(name)).toList();
    }

    /**
     * Checks names a user wants unmasked: each must be one of {@link #names()}.
     *
     * @param where what to blame in the message (e.g. "--unmask", "FILE: [sandbox] unmask")
     * @throws ConfigException naming the first unknown one and the nearest known names
     */
    public void check(List<String> names, String where) throws ConfigException {
        for (String n : names) {
            if (!names().contains(n)) {
                throw new ConfigException(where + ": no mask is called '" + n + "'" + Suggest.hint(n, names())
                        + "; the masks: " + String.join(", ", names()));
            }
        }
    }
}
