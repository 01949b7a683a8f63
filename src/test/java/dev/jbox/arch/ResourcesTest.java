package dev.jbox.arch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The embedded copies (src/build/EmbedResources.java) are exactly the resource files, all of them. */
class ResourcesTest {

    private static final Path DIR = Path.of("src/main/resources/dev/jbox/arch");

    @Test
    void everyFileIsEmbeddedUnchanged() throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.list(DIR)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        assertThat(Resources.NAMES).containsExactlyElementsOf(files.stream().map(f -> f.getFileName().toString()).toList());
        for (Path f : files) {
            String name = f.getFileName().toString();
            assertThat(Resources.text(name)).as(name).isEqualTo(Files.readString(f, StandardCharsets.UTF_8));
            assertThat(Resources.bytes(name)).as(name).isEqualTo(Files.readAllBytes(f));
        }
    }

    @Test
    void anUnknownNameIsNone() {
        assertThat(Resources.text("nope.txt")).isNull();
        assertThatThrownBy(() -> Resources.bytes("nope.txt")).isInstanceOf(IllegalStateException.class)
                .hasMessage("no embedded resource dev/jbox/arch/nope.txt");
    }
}
