package dev.jbox.proof;

import dev.jbox.config.ConfigFile;
import dev.jbox.policy.Policy;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code build.toml}: a user profile with argument conditions, for the proof tests and the OCI round trip. */
public final class UserProfile {
    private UserProfile() {
    }

    public static final String NAME = "build";

    /** The profile as a config file of its own (a fresh copy in a temporary directory). */
    public static Path toml() throws Exception {
        Path dir = Files.createTempDirectory("jbox-user-profile");
        Path f = dir.resolve("build.toml");
        try (InputStream in = UserProfile.class.getResourceAsStream("build.toml")) {
            Files.copy(in, f);
        }
        f.toFile().deleteOnExit();
        dir.toFile().deleteOnExit();
        return f;
    }

    public static Policy policy() throws Exception {
        return ConfigFile.load(toml()).allProfiles().resolve(NAME);
    }
}
