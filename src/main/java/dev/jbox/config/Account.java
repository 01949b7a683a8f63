package dev.jbox.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Who runs jbox, from the kernel and the password database rather than the environment: a
 * bwrap client may start jbox with no environment at all (flatpak does), and jbox still
 * needs the user's home for its config, trust store and caches.
 *
 * <p>The ids come from {@code /proc/self/status}, not from {@code geteuid(2)}: a downcall
 * this early would wait for the native warm-up thread (docs/STARTUP.md).
 */
public final class Account {
    private Account() {
    }

    /**
     * The uids of {@code /proc/self/status}'s {@code Uid:} line.
     *
     * @param real      the first field
     * @param effective the second: the one that decides what jbox may do ("root" is this one)
     */
    public record Uids(long real, long effective) {
    }

    /** This process's uids, if /proc/self/status can be read and parsed. */
    public static Optional<Uids> current() {
        try {
            return uids(Files.readString(Path.of("/proc/self/status")));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * The real and effective uid in the text of /proc/PID/status: the first two fields of its
     * {@code Uid:} line (real, effective, saved, filesystem); empty if there is none or those
     * fields are not decimal numbers. Written out, not a regular expression: this runs
     * interpreted on every launch.
     */
    public static Optional<Uids> uids(String status) {
        int at = status.startsWith("Uid:") ? 0 : status.indexOf("\nUid:");
        if (at < 0) {
            return Optional.empty();
        }
        int i = status.indexOf(':', at) + 1;
        int end = status.indexOf('\n', i);
        if (end < 0) {
            end = status.length();
        }
        long[] fields = new long[2];
        int n = 0;
        while (n < 2) {
            while (i < end && (status.charAt(i) == ' ' || status.charAt(i) == '\t')) {
                i++;
            }
            int start = i;
            long v = 0;
            while (i < end && status.charAt(i) >= '0' && status.charAt(i) <= '9' && i - start < 10) {
                v = v * 10 + (status.charAt(i) - '0');
                i++;
            }
            if (i == start || (i < end && status.charAt(i) != ' ' && status.charAt(i) != '\t')) {
                return Optional.empty();
            }
            fields[n++] = v;
        }
        return Optional.of(new Uids(fields[0], fields[1]));
    }

    /**
     * The home directory of the effective user in the password database, for when HOME is
     * unset or unusable: the entry of {@code /etc/passwd} for the effective uid where there is
     * one; else, for a user only the name service knows (LDAP, sssd, systemd-homed) and only
     * when the real uid is the effective one, the JVM's own {@code getpwuid(getuid())}
     * answer, which it looked up at start-up as {@code user.home} (no downcall of jbox's, so
     * nothing waits for the native link; jbox's launcher keeps {@code JAVA_TOOL_OPTIONS} and
     * the like away from the JVM, so no {@code -Duser.home} of the caller's can set it).
     */
    public static Optional<Path> passwdHome() {
        return PasswdHome.VALUE;
    }

    /** Looked up once per process (a launch with no HOME asks for each of the user's directories). */
    private static final class PasswdHome {
        static final Optional<Path> VALUE = lookup();

        private PasswdHome() {
        }
    }

    private static Optional<Path> lookup() {
        Optional<Uids> ids = current();
        if (ids.isEmpty()) {
            return Optional.empty();
        }
        try {
            Optional<String> fromFile = homeOf(ids.get().effective(), Files.readString(Path.of("/etc/passwd")));
            if (fromFile.isPresent()) {
                return absolute(fromFile.get());
            }
        } catch (IOException | RuntimeException e) {
            // no readable /etc/passwd: the name service's answer below
        }
        return ids.get().real() == ids.get().effective() ? absolute(System.getProperty("user.home")) : Optional.empty();
    }

    /**
     * The home directory (6th field) of the first {@code /etc/passwd} line whose uid (3rd
     * field) is {@code uid}, as glibc's files backend reads it; lines that are not
     * {@code name:pw:uid:gid:gecos:home:shell} with a decimal uid are skipped.
     */
    public static Optional<String> homeOf(long uid, String passwd) {
        for (String line : passwd.split("\n", -1)) {
            String[] f = line.split(":", -1);
            if (f.length != 7 || f[2].isEmpty() || f[2].length() > 10 || !f[2].chars().allMatch(c -> c >= '0' && c <= '9')) {
                continue;
            }
            if (Long.parseLong(f[2]) == uid) {
                return Optional.of(f[5]);
            }
        }
        return Optional.empty();
    }

    /** An absolute path, or nothing (a relative or empty home means nothing to jbox). */
    static Optional<Path> absolute(String v) {
        if (v == null || v.isEmpty() || !v.startsWith("/")) {
            return Optional.empty();
        }
        try {
            return Optional.of(Path.of(v).normalize());
        } catch (RuntimeException e) {
            return Optional.empty(); // not a path this JVM can name (an unmappable byte)
        }
    }
}
