package dev.jbox.arch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Architecture facts are spelt in {@link Arch} and nowhere else in the main sources: the x32
 * base, the audit values, and every name of every ABI as a string of its own (libseccomp's
 * SCMP_ARCH_* names also inside longer strings). Prose that mentions an architecture inside a
 * message ("on the x86_64 path") is not a name jbox matches on and is not counted.
 */
class ArchFactsInOnePlaceTest {

    private static final Path MAIN = Path.of("src/main/java");
    private static final String ARCH_FILE = "dev/jbox/arch/Arch.java";

    /** Main source files by path relative to src/main/java. */
    private static Map<String, String> sources() {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(MAIN)) {
            for (Path p : s.filter(f -> f.toString().endsWith(".java")).toList()) {
                out.put(MAIN.relativize(p).toString().replace('\\', '/'), Files.readString(p));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Files with a line that matches {@code p}, lines naming CLONE_NEWNET (the same value) aside. */
    private static Set<String> filesMatching(Pattern p) {
        Set<String> out = new TreeSet<>();
        sources().forEach((file, text) -> {
            for (String line : text.split("\n")) {
                if (p.matcher(line).find() && !line.contains("CLONE_NEWNET")) {
                    out.add(file);
                }
            }
        });
        return out;
    }

    @Test
    void theX32BaseIsSpeltInArchOnly() {
        // hex with or without underscores, decimal, or as a shift: comments included, so that
        // comments and messages name Arch.X32_SYSCALL_BIT rather than repeat the number
        Pattern x32 = Pattern.compile("(?i)0x4000_?0000(?![0-9a-f_])|\\b1073741824\\b|\\b1L?\\s*<<\\s*30\\b");
        assertThat(filesMatching(x32)).containsExactly(ARCH_FILE);
        assertThat(Arch.X32_SYSCALL_BIT).isEqualTo(1 << 30);
    }

    @Test
    void byteOrderIsDecidedInArchOnly() {
        assertThat(filesMatching(Pattern.compile("ByteOrder\\.(LITTLE|BIG)_ENDIAN"))).containsExactly(ARCH_FILE);
    }

    @ParameterizedTest
    @EnumSource(Arch.class)
    void auditValuesAreSpeltInArchOnly(Arch a) {
        String hex = String.format("%08X", a.auditArch());
        Pattern p = Pattern.compile("(?i)0x" + hex.substring(0, 4) + "_?" + hex.substring(4) + "(?![0-9a-f_])|\\b"
                + Integer.toUnsignedString(a.auditArch()) + "\\b");
        assertThat(filesMatching(p)).as(a.id()).containsExactly(ARCH_FILE);
    }

    @ParameterizedTest
    @EnumSource(Arch.class)
    void namesAreSpeltInArchOnly(Arch a) {
        List<String> names = new ArrayList<>(a.names());
        a.goArch().ifPresent(names::add);
        names.add(a.libseccompName());
        for (String name : names) {
            Set<String> files = new TreeSet<>();
            sources().forEach((file, text) -> {
                for (String lit : literals(text)) {
                    if (lit.toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))
                            || name.startsWith("SCMP_ARCH_") && Pattern.compile("\\b" + name + "\\b").matcher(lit).find()) {
                        files.add(file);
                    }
                }
            });
            assertThat(files).as("string literals \"%s\"", name).containsExactly(ARCH_FILE);
        }
    }

    @Test
    void theScannerSeesStringsNotCommentsOrChars() {
        String src = """
                // "x86_64" in a comment
                /* "amd64" */ String a = "arm64", b = "a \\"q\\" b"; char c = '"'; String d = "after";
                String t = \"""
                    block
                    \""";
                """;
        assertThat(literals(src)).containsExactly("arm64", "a \\\"q\\\" b", "after", "    block\n    ");
    }

    /** The string literals of a Java source (text blocks included), escapes left as written. */
    static List<String> literals(String src) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = src.length();
        while (i < n) {
            char c = src.charAt(i);
            if (src.startsWith("//", i)) {
                i = src.indexOf('\n', i);
                i = i < 0 ? n : i;
            } else if (src.startsWith("/*", i)) {
                i = src.indexOf("*/", i + 2) + 2;
            } else if (src.startsWith("\"\"\"", i)) {
                int start = src.indexOf('\n', i) + 1;
                int end = start;
                while (!src.startsWith("\"\"\"", end) || src.charAt(end - 1) == '\\') {
                    end++;
                }
                out.add(src.substring(start, end));
                i = end + 3;
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (src.charAt(j) != c) {
                    j += src.charAt(j) == '\\' ? 2 : 1;
                }
                if (c == '"') {
                    out.add(src.substring(i + 1, j));
                }
                i = j + 1;
            } else {
                i++;
            }
        }
        return out;
    }
}
