package dev.jbox.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.electronwill.nightconfig.core.Config;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The built-in TOML trees that a launch builds from constants (src/build/EmbedToml.java) are
 * exactly what night-config parses presets.toml and groups.toml into: the same keys in the same
 * order (night-config's tables are hash maps: the same keys iterate alike), the same values of
 * the same types; and so the presets and groups jbox uses.
 */
class BuiltinTomlTest {

    @Test
    void presetsAreTheParsedFile() throws Exception {
        Config parsed = TomlFiles.parse(Resources.text("presets.toml"), "presets.toml");
        assertThat(describe(BuiltinToml.presets())).isEqualTo(describe(parsed));
        assertThat(List.copyOf(Profiles.builtin().all()))
                .isEqualTo(List.copyOf(Profiles.presets(Resources.text("presets.toml")).all()));
    }

    @Test
    void groupsAreTheParsedFile() throws Exception {
        Config parsed = TomlFiles.parse(Resources.text("groups.toml"), "groups.toml");
        assertThat(describe(BuiltinToml.groups())).isEqualTo(describe(parsed));
        assertThat(Groups.builtin().all()).isEqualTo(Groups.of(parsed).all()).hasSize(parsed.size());
    }

    @Test
    void aDifferenceIsSeen() throws Exception {
        // control: describe() sees a changed value, type, list order or nesting
        Config a = TomlFiles.parse("x = 1\ny = [\"a\", \"b\"]\n", "a");
        assertThat(describe(a)).isNotEqualTo(describe(TomlFiles.parse("x = 2\ny = [\"a\", \"b\"]\n", "b")))
                .isNotEqualTo(describe(TomlFiles.parse("x = \"1\"\ny = [\"a\", \"b\"]\n", "c")))
                .isNotEqualTo(describe(TomlFiles.parse("x = 1\ny = [\"b\", \"a\"]\n", "d")))
                .isNotEqualTo(describe(TomlFiles.parse("y = [\"a\", \"b\"]\n[t]\nx = 1\n", "e")))
                .isEqualTo(describe(TomlFiles.parse("y = [\"a\", \"b\"]\nx = 1\n", "f")));
    }

    /** Keys in iteration order, every value with its class. */
    private static String describe(Object o) {
        if (o instanceof Config c) {
            StringBuilder b = new StringBuilder(c.getClass().getName()).append('{');
            for (Config.Entry e : c.entrySet()) {
                b.append(e.getKey()).append('=').append(describe((Object) e.getValue())).append(';');
            }
            return b.append('}').toString();
        }
        if (o instanceof List<?> l) {
            StringBuilder b = new StringBuilder(l.getClass().getName()).append('[');
            for (Object e : l) {
                b.append(describe(e)).append(',');
            }
            return b.append(']').toString();
        }
        return o.getClass().getName() + ":" + o;
    }
}
