package dev.jbox.config;

import dev.jbox.testing.GeneratedDoc;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The table of masked credential places in docs/SECURITY.md is generated from masks.tsv, so
 * it cannot drift: this test fails when the committed text differs, and rewrites it with
 * {@code -Djbox.docs.update=true} (what {@code scripts/gen-docs} runs).
 */
class MasksDocTest {

    static final String BEGIN = "<!-- BEGIN GENERATED: masks (scripts/gen-docs) -->";

    static String generate() {
        Map<String, List<Masks.Place>> byName = new LinkedHashMap<>();
        for (Masks.Place p : Masks.builtin().places()) {
            byName.computeIfAbsent(p.name(), k -> new java.util.ArrayList<>()).add(p);
        }
        StringBuilder sb = new StringBuilder("| name (`--unmask NAME`) | places | why |\n| --- | --- | --- |\n");
        byName.forEach((name, places) -> {
            List<String> reasons = places.stream().map(Masks.Place::reason).distinct().toList();
            sb.append("| `").append(name).append("` | ")
                    .append(String.join(", ", places.stream().map(p -> "`" + p.path() + "`").toList())).append(" | ")
                    .append(String.join("; ", reasons)).append(" |\n");
        });
        return sb.toString();
    }

    @Test
    void securityMdListsExactlyTheMasks() throws Exception {
        GeneratedDoc.assertCurrent("docs/SECURITY.md", BEGIN, generate());
    }
}
