package dev.jbox.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Text from outside jbox's control, shown on one line with every control character visible. */
class EscapeTest {

    @Test
    void plainTextIsUnchanged() {
        assertThat(Escape.visible("/usr/bin/python3.11 é ü 中")).isEqualTo("/usr/bin/python3.11 é ü 中");
    }

    @Test
    void newlinesTabsAndBackslashesAreEscaped() {
        assertThat(Escape.visible("a\nb\rc\td\\e")).isEqualTo("a\\nb\\rc\\td\\\\e");
    }

    @Test
    void escapeSequencesAndOtherControlsAreHex() {
        assertThat(Escape.visible("\u001b[2K\u007f\u0085\u0000x")).isEqualTo("\\x1b[2K\\x7f\\x85\\x00x");
    }
}
