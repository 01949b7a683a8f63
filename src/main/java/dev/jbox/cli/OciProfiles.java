package dev.jbox.cli;

import dev.jbox.config.ConfigException;
import dev.jbox.config.OciProfile;
import dev.jbox.policy.Policy;
import java.nio.file.Path;

/**
 * {@code --seccomp-profile FILE}: a Docker/OCI JSON profile translated into a policy, its
 * warnings said on stderr. Kept apart from the option classes so that the JSON parser is
 * loaded only when such a profile is used.
 */
final class OciProfiles {
    private OciProfiles() {
    }

    static Policy load(Path file) throws ConfigException {
        OciProfile.Loaded l = OciProfile.load(file);
        for (String w : l.warnings()) {
            System.err.println("jbox: warning: " + w);
        }
        return l.policy();
    }
}
