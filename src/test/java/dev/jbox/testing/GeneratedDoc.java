package dev.jbox.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The check behind each doc test whose section of a doc is generated from jbox's data: the
 * text between {@code begin} and the next {@code <!-- END GENERATED -->} must be exactly
 * what the data gives; with {@code -Djbox.docs.update=true} (scripts/gen-docs) it is
 * rewritten instead.
 */
public final class GeneratedDoc {
    private GeneratedDoc() {
    }

    public static final String END = "<!-- END GENERATED -->";

    public static void assertCurrent(String doc, String begin, String generated) throws Exception {
        Path path = Path.of(doc);
        String text = Files.readString(path);
        int b = text.indexOf(begin);
        int e = text.indexOf(END, Math.max(b, 0));
        assertThat(b).as("%s has the generated-section markers", doc).isNotNegative();
        assertThat(e).isGreaterThan(b);
        String wanted = "\n\n" + generated + "\n";
        String current = text.substring(b + begin.length(), e);
        if (Boolean.getBoolean("jbox.docs.update")) {
            Files.writeString(path, text.substring(0, b + begin.length()) + wanted + text.substring(e));
            return;
        }
        assertThat(current).as("%s is stale: run scripts/gen-docs", doc).isEqualTo(wanted);
    }
}
