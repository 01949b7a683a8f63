package dev.jbox.arch;

import dev.jbox.testing.EmbeddedResources;
import org.junit.jupiter.api.Test;

/** The embedded copies (src/build/EmbedResources.java) are exactly this package's resource files. */
class ResourcesTest {

    @Test
    void everyFileIsEmbeddedUnchangedAndNothingElse() throws Exception {
        EmbeddedResources.assertEmbedsExactly("dev/jbox/arch", Resources.NAMES, Resources::text, Resources::bytes);
    }
}
