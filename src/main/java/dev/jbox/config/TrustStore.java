package dev.jbox.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * The user's trust records, one file per trusted path in {@code $XDG_STATE_HOME/jbox/trust/}
 * (default {@code ~/.local/state/jbox/trust/}), named after the SHA-256 of the path. jbox
 * keeps that directory read-only inside every sandbox, so nothing sandboxed can forge a record.
 *
 * @param dir the store's directory, empty when there is no home directory to keep it in
 */
public record TrustStore(Optional<Path> dir) {

    public static TrustStore of(UserDirs dirs) {
        return new TrustStore(dirs.trustDir());
    }

    /** The record for {@code file}, if the user trusted it (whatever its content then). */
    public Optional<TrustRecord> find(Path file) throws ConfigException {
        if (dir.isEmpty()) {
            return Optional.empty();
        }
        Path p = recordPath(file);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(p);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new ConfigException(p + ": cannot read the trust record of " + file + ": " + e.getMessage());
        }
        TrustRecord r = TrustRecord.parse(new String(bytes, StandardCharsets.UTF_8), p.toString());
        // a record saved under another path's name (copied by hand) does not count
        return r.file().equals(key(file)) ? Optional.of(r) : Optional.empty();
    }

    /** Saves {@code r}, replacing any earlier record for the same file (written whole, then renamed). */
    public Path save(TrustRecord r) throws ConfigException {
        Path d = dir.orElseThrow(() -> new ConfigException(
                "no place for the trust store: no home directory (HOME is unset and the password database names none); set HOME or XDG_STATE_HOME"));
        Path p = recordPath(Path.of(r.file()));
        try {
            Files.createDirectories(d, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            try (HostFile f = HostFile.open(p)) {
                f.write(r.serialize().getBytes(StandardCharsets.UTF_8), PosixFilePermissions.fromString("rw-------"));
            }
        } catch (IOException e) {
            throw new ConfigException(d + ": cannot write the trust store: " + e.getMessage());
        }
        return p;
    }

    private Path recordPath(Path file) {
        return dir.orElseThrow().resolve(FileBytes.sha256(key(file).getBytes(StandardCharsets.UTF_8)));
    }

    /** Records are kept by the absolute, normalised path (links not resolved: the path is what was reviewed). */
    static String key(Path file) {
        return file.toAbsolutePath().normalize().toString();
    }
}
