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
        return warn(OciProfile.load(file));
    }

    /** A profile already read (and checked for trust) by the caller. */
    static Policy load(Path file, byte[] bytes) throws ConfigException {
        return warn(OciProfile.fromBytes(file, bytes, OciProfile.Host.current()));
    }

    private static Policy warn(OciProfile.Loaded l) {
        for (String w : l.warnings()) {
            System.err.println("jbox: warning: " + w);
        }
        return l.policy();
    }
}
