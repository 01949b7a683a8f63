package dev.jbox.config;

import dev.jbox.policy.Policy;
import dev.jbox.policy.Rule;
import dev.jbox.testing.GeneratedDoc;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The presets and groups reference in docs/CONFIG.md is generated from the same data the
 * code reads, so it cannot drift: this test fails when the committed text differs, and
 * rewrites it with {@code -Djbox.docs.update=true} (what {@code scripts/gen-docs} runs).
 */
class ConfigReferenceDocTest {

    static final String BEGIN = "<!-- BEGIN GENERATED: presets and groups (scripts/gen-docs) -->";

    static String generate() throws Exception {
        StringBuilder sb = new StringBuilder();
        sb.append("### Presets\n\n");
        for (String name : Profiles.PRESETS) {
            ProfileSpec spec = Profiles.builtin().spec(name).orElseThrow();
            Policy p = Profiles.builtin().resolve(name);
            sb.append("#### `").append(name).append("`\n\n").append(spec.description()).append("\n\n");
            sb.append("- extends: ").append(spec.parent().map(x -> "`" + x + "`").orElse("nothing")).append('\n');
            sb.append("- default action: `").append(p.defaultAction()).append("`\n");
            sb.append("- arches: `").append(p.scope()).append("` (any other architecture: `")
                    .append(p.badArchAction()).append("`; x32: `").append(Policy.X32_ACTION).append("`)\n");
            sb.append("- syscalls newer than jbox's tables: `")
                    .append(p.futureAction().map(Object::toString).orElse("default action")).append("`\n\n");
            sb.append("| syscalls | action | when | why | from |\n| --- | --- | --- | --- | --- |\n");
            Map<String, List<String>> grouped = new LinkedHashMap<>();
            Map<String, Rule> first = new LinkedHashMap<>();
            for (Rule r : p.rules()) {
                String key = r.action() + "|" + r.conditions() + "|" + r.reason() + "|" + r.origin();
                grouped.computeIfAbsent(key, k -> new java.util.ArrayList<>()).add(r.syscall());
                first.putIfAbsent(key, r);
            }
            for (var e : grouped.entrySet()) {
                Rule r = first.get(e.getKey());
                sb.append("| ").append(String.join(" ", e.getValue())).append(" | `").append(r.action()).append("` | ")
                        .append(r.conditions().isEmpty() ? "" : "`" + r.conditions().toString().replace("|", "\\|") + "`")
                        .append(" | ").append(r.reason()).append(" | ").append(r.origin()).append(" |\n");
            }
            sb.append('\n');
        }
        sb.append("### Groups\n\n| group | what | syscalls |\n| --- | --- | --- |\n");
        for (Groups.Group g : Groups.builtin().all()) {
            sb.append("| `@").append(g.name()).append("` | ").append(g.description()).append(" | ")
                    .append(String.join(" ", g.members())).append(" |\n");
        }
        return sb.toString();
    }

    @Test
    void referenceMatchesTheData() throws Exception {
        GeneratedDoc.assertCurrent("docs/CONFIG.md", BEGIN, generate());
    }
}
