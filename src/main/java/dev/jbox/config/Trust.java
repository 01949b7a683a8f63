package dev.jbox.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The trust rule: a file that configures a sandbox is either outside everything the
 * sandbox can write, or its exact content was trusted by the user ({@code jbox trust}).
 *
 * <ul>
 * <li>{@code ./jbox.toml} found by discovery: always needs trust (whoever wrote the
 *     repository, or the last sandboxed command, wrote it).
 * <li>{@code --config FILE}, and a {@code .bpf} or OCI JSON file named on the command line or
 *     in {@code JBOX_PROFILE}: the user's own choice, unless the file lies under a read-write
 *     bind of the sandbox being launched; then it needs trust too.
 * <li>The user's {@code config.toml}: the user's own, kept read-only in every sandbox.
 * </ul>
 *
 * A trusted config's record also pins the bytes of each filter file it names and where each
 * bind source led, so a re-pointed symlink or a changed {@code .bpf} is untrusted again.
 */
public final class Trust {
    private Trust() {
    }

    /** The record that {@code jbox trust} writes for a config file, as the file is now. */
    public static TrustRecord recordFor(ConfigFile cfg) throws ConfigException {
        Path file = cfg.path().orElseThrow(() -> new ConfigException("no config file to trust"));
        Map<String, String> files = new LinkedHashMap<>();
        for (Path named : namedFiles(cfg)) {
            files.put(named.toString(), FileBytes.sha256(FileBytes.read(named)));
        }
        Map<String, String> binds = new LinkedHashMap<>();
        for (Bind b : cfg.sandbox().binds()) {
            binds.put(b.src(), target(b).orElseThrow(() -> new ConfigException(b.where()
                    + ": the bind source " + b.src() + " does not exist")).toString());
        }
        return new TrustRecord(TrustStore.key(file), cfg.sha256(), files, binds);
    }

    /** The record for a plain filter file ({@code .bpf} or OCI JSON). */
    public static TrustRecord recordFor(Path file, byte[] bytes) {
        return new TrustRecord(TrustStore.key(file), FileBytes.sha256(bytes), Map.of(), Map.of());
    }

    /** The filter files a config names ({@code seccomp = "x.bpf"}). */
    public static List<Path> namedFiles(ConfigFile cfg) {
        return cfg.sandbox().seccomp().stream()
                .flatMap(s -> s instanceof SeccompSetting.BpfFile b ? java.util.stream.Stream.of(b.file())
                        : java.util.stream.Stream.empty())
                .toList();
    }

    /** Where a bind source leads now, through every symlink; empty if nothing is there. */
    public static Optional<Path> target(Bind b) {
        try {
            return Optional.of(Path.of(b.src()).toRealPath());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Checks a config that needs trust against the user's record of it.
     *
     * @return the record (filter files the config names are checked against it as they are read)
     */
    public static TrustRecord verify(ConfigFile cfg, TrustStore store) throws ConfigException {
        Path file = cfg.path().orElseThrow();
        String again = ": review it and trust it with: " + trustCommand(file);
        TrustRecord r = store.find(file).orElseThrow(() -> new ConfigException(file
                + " is not trusted (a project's config can widen the sandbox: binds, network, filter)" + again));
        if (!r.sha256().equals(cfg.sha256())) {
            throw new ConfigException(file + " has changed since you trusted it" + again);
        }
        for (Bind b : cfg.sandbox().binds()) {
            String was = r.bindTargets().get(b.src());
            Optional<Path> now = target(b);
            if (was == null || now.isEmpty() || !now.get().toString().equals(was)) {
                throw new ConfigException(file + ": the bind source " + b.src() + " now leads to "
                        + now.map(Path::toString).orElse("nothing") + (was == null ? "" : " (trusted: " + was + ")")
                        + again);
            }
        }
        return r;
    }

    /** {@code jbox trust FILE}, quoted for a shell when the path needs it. */
    public static String trustCommand(Path file) {
        String p = file.toString();
        boolean plain = p.chars().allMatch(c -> Character.isLetterOrDigit(c) || "/._-+,:@%".indexOf(c) >= 0);
        return "jbox trust " + (plain ? p : "'" + p.replace("'", "'\\''") + "'");
    }

    /**
     * Reads the files a sandbox's filter comes from, each checked against the trust it needs.
     *
     * @param store        the user's trust store
     * @param configRecord the record of a config that needed trust (its named files are pinned)
     * @param writable     real paths of the sandbox's read-write bind sources
     */
    public record Gate(TrustStore store, Optional<TrustRecord> configRecord, List<Path> writable) {

        /** A gate for commands that only show a filter (nothing is launched; nothing is writable). */
        public static Gate reading(TrustStore store) {
            return new Gate(store, Optional.empty(), List.of());
        }

        /** A filter file the config names: pinned by the config's record, when it has one. */
        public byte[] readNamed(Path file) throws ConfigException {
            byte[] bytes = FileBytes.read(file);
            if (configRecord.isPresent()) {
                TrustRecord r = configRecord.get();
                String was = r.files().get(file.toString());
                if (was == null || !was.equals(FileBytes.sha256(bytes))) {
                    throw new ConfigException(file + " (named by " + r.file() + ") has changed since you trusted "
                            + r.file() + ": review it and trust it with: " + trustCommand(Path.of(r.file())));
                }
            }
            return bytes;
        }

        /** A filter file given by the user: needs trust only under a read-write bind. */
        public byte[] readGiven(Path file, String how) throws ConfigException {
            byte[] bytes = FileBytes.read(file);
            Optional<Path> bind = writableBindOver(file);
            if (bind.isPresent()) {
                Path abs = file.toAbsolutePath().normalize();
                String again = ": review it and trust it with: " + trustCommand(abs);
                TrustRecord r = store.find(abs).orElseThrow(() -> new ConfigException(file + " (" + how
                        + ") lies under " + bind.get() + ", which the sandbox can write, and is not trusted" + again));
                if (!r.sha256().equals(FileBytes.sha256(bytes))) {
                    throw new ConfigException(file + " (" + how + ") has changed since you trusted it" + again);
                }
            }
            return bytes;
        }

        /** The read-write bind that covers {@code file}, if any ({@link Trust#writableBindOver}). */
        public Optional<Path> writableBindOver(Path file) {
            return Trust.writableBindOver(file, writable);
        }
    }


    /**
     * The directory of {@code writable} (real paths of a sandbox's read-write bind sources)
     * that covers {@code file}, its links resolved or not, if any.
     */
    public static Optional<Path> writableBindOver(Path file, List<Path> writable) {
        Path real;
        try {
            real = file.toRealPath();
        } catch (IOException e) {
            real = file.toAbsolutePath().normalize();
        }
        Path abs = file.toAbsolutePath().normalize();
        for (Path w : writable) {
            if (real.startsWith(w) || abs.startsWith(w)) {
                return Optional.of(w);
            }
        }
        return Optional.empty();
    }
}
