package dev.jbox.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The check behind each package's ResourcesTest: a generated {@code Resources} class
 * (src/build/EmbedResources.java) holds exactly the files of its resource directory,
 * unchanged, and knows no other name. Each package passes its package-private accessors.
 */
public final class EmbeddedResources {
    private EmbeddedResources() {
    }

    public static void assertEmbedsExactly(String pkgDir, List<String> names, Function<String, String> text,
                                           Function<String, byte[]> bytes) throws Exception {
        Path dir = Path.of("src/main/resources").resolve(pkgDir);
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        assertThat(names).containsExactlyElementsOf(files.stream().map(f -> f.getFileName().toString()).toList());
        for (Path f : files) {
            String name = f.getFileName().toString();
            assertThat(text.apply(name)).as(name).isEqualTo(Files.readString(f, StandardCharsets.UTF_8));
            assertThat(bytes.apply(name)).as(name).isEqualTo(Files.readAllBytes(f));
        }
        assertThat(text.apply("nope.txt")).isNull();
        assertThatThrownBy(() -> bytes.apply("nope.txt")).isInstanceOf(IllegalStateException.class)
                .hasMessage("no embedded resource " + pkgDir + "/nope.txt");
    }
}
