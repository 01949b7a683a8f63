package dev.jbox.nativ;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The jextract output in {@code dev.jbox.nativ.gen} must be exactly what
 * {@code scripts/regen-bindings} recorded in {@code native-headers/GENERATED.txt}:
 * every generated file listed, with a matching SHA-256, so hand edits show up.
 */
class GeneratedBindingsTest {

    private static final Path MANIFEST = Path.of("native-headers", "GENERATED.txt");
    private static final Path GEN_DIR = Path.of("src", "main", "java", "dev", "jbox", "nativ", "gen");
    /** sha256sum's output format: 64 hex digits, two spaces (text mode), the path. */
    private static final Pattern ENTRY = Pattern.compile("([0-9a-f]{64})  (\\S.*)");

    private static List<String> manifestLines() throws IOException {
        assertThat(MANIFEST).as("run scripts/regen-bindings to create it").isRegularFile();
        return Files.readAllLines(MANIFEST);
    }

    private static Map<String, String> manifestEntries() throws IOException {
        Map<String, String> entries = new TreeMap<>();
        for (String line : manifestLines()) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = ENTRY.matcher(line);
            assertThat(m.matches()).as("sha256sum-style line: %s", line).isTrue();
            assertThat(entries.put(m.group(2), m.group(1))).as("listed twice: %s", m.group(2)).isNull();
        }
        return entries;
    }

    private static String sha256(Path file) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static String relative(Path file) {
        return file.toString().replace(file.getFileSystem().getSeparator(), "/");
    }

    @Test
    void everyGeneratedFileIsListedWithMatchingHash() throws IOException {
        Map<String, String> entries = manifestEntries();
        assertThat(entries).isNotEmpty();

        Map<String, String> actual = new TreeMap<>();
        try (Stream<Path> files = Files.walk(GEN_DIR)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                actual.put(relative(f), sha256(f));
            }
        }
        assertThat(actual).as("generated files under %s", GEN_DIR).isNotEmpty();
        assertThat(actual.keySet())
                .as("files in %s vs. %s (re-run scripts/regen-bindings)", GEN_DIR, MANIFEST)
                .containsExactlyInAnyOrderElementsOf(entries.keySet());
        actual.forEach((path, hash) -> assertThat(hash)
                .as("SHA-256 of %s (hand-edited? re-run scripts/regen-bindings)", path)
                .isEqualTo(entries.get(path)));
    }

    @Test
    void headerClassIsGenerated() throws IOException {
        assertThat(manifestEntries()).containsKey("src/main/java/dev/jbox/nativ/gen/Libc.java");
    }

    @Test
    void recordsJextractVersionAndProvenance() throws IOException {
        List<String> lines = manifestLines();
        assertThat(lines).anySatisfy(l -> assertThat(l).matches("#\\s+jextract \\S+.*"));
        assertThat(lines).anySatisfy(l -> assertThat(l).matches("#\\s+LibClang version .+"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("# libclang: "));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("jextract revision (expected): 0b89a46"));
    }
}
