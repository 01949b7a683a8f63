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
 * <li>Every other file that configures the sandbox, however it is named ({@code --config},
 *     the user's own {@code config.toml}, a {@code .bpf} or OCI JSON file given with
 *     {@code --bpf}, {@code --seccomp-profile}, {@code JBOX_PROFILE=/path} or named by
 *     {@code seccomp = "..."} in any config): needs trust when it lies where the sandbox being
 *     launched can write ({@link Writable}, the binds the config itself adds included).
 *     The places jbox keeps read-only in every sandbox it lays out (the user's config
 *     directory, the trust store) are not writable there.
 * </ul>
 *
 * The launch session ({@code launch.Session}) applies the rule, for every command. A trusted
 * config's record also pins the bytes of each filter file it names and where each bind source
 * led, so a re-pointed symlink or a changed {@code .bpf} is untrusted again.
 */
public final class Trust {
    private Trust() {
    }

    /** A file that configures the sandbox needs the user's trust and does not have it (now). */
    public static final class Refused extends ConfigException {
        public Refused(String message) {
            super(message);
        }
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
        TrustRecord r = store.find(file).orElseThrow(() -> new Refused(file
                + " is not trusted (a project's config can widen the sandbox: binds, network, filter)" + again));
        if (!r.sha256().equals(cfg.sha256())) {
            throw new Refused(file + " has changed since you trusted it" + again);
        }
        for (Bind b : cfg.sandbox().binds()) {
            String was = r.bindTargets().get(b.src());
            Optional<Path> now = target(b);
            if (was == null || now.isEmpty() || !now.get().toString().equals(was)) {
                throw new Refused(file + ": the bind source " + b.src() + " now leads to "
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
     * What the sandbox being launched can write on the host: the real paths of its read-write
     * bind sources (the working directory included when it is bound so), less the places it
     * keeps read-only inside them (jbox's config, its trust store, jbox itself). A file under
     * it could have been written by an earlier sandbox.
     *
     * @param sources  real paths of the read-write bind sources
     * @param readOnly real paths kept read-only inside them
     */
    public record Writable(List<Path> sources, List<Path> readOnly) {

        public Writable {
            sources = List.copyOf(sources);
            readOnly = List.copyOf(readOnly);
        }

        /** Nothing is writable: no sandbox, or nothing bound read-write. */
        public static final Writable NONE = new Writable(List.of(), List.of());

        /** The read-write bind source that lets the sandbox write {@code file}, if any. */
        public Optional<Path> over(Path file) {
            Optional<Path> bind = writableBindOver(file, sources);
            if (bind.isPresent() && writableBindOver(file, readOnly).isPresent()) {
                return Optional.empty();
            }
            return bind;
        }
    }

    /**
     * Reads the files a sandbox's filter comes from, each checked against the trust it needs:
     * a file the sandbox can write is used only with the user's record of exactly its bytes
     * (or, named by a config that needed trust, that config's record of them).
     *
     * @param store        the user's trust store
     * @param configRecord the record of a config that needed trust (its named files are pinned)
     * @param writable     what the sandbox can write
     */
    public record Gate(TrustStore store, Optional<TrustRecord> configRecord, Writable writable) {

        /** A filter file the config names: pinned by the config's record, else as a file given by the user. */
        public byte[] readNamed(Path file, String how) throws ConfigException {
            if (configRecord.isEmpty()) {
                return readGiven(file, how);
            }
            byte[] bytes = FileBytes.read(file);
            TrustRecord r = configRecord.get();
            String was = r.files().get(file.toString());
            if (was == null || !was.equals(FileBytes.sha256(bytes))) {
                throw new Refused(file + " (named by " + r.file() + ") has changed since you trusted "
                        + r.file() + ": review it and trust it with: " + trustCommand(Path.of(r.file())));
            }
            return bytes;
        }

        /** A filter file given by the user: needs trust only when the sandbox can write it. */
        public byte[] readGiven(Path file, String how) throws ConfigException {
            byte[] bytes = FileBytes.read(file);
            Optional<Path> bind = writable.over(file);
            if (bind.isPresent()) {
                Path abs = file.toAbsolutePath().normalize();
                String again = ": review it and trust it with: " + trustCommand(abs);
                requireStoreOutside(store, writable, file + " (" + how + ")");
                TrustRecord r = store.find(abs).orElseThrow(() -> new Refused(file + " (" + how
                        + ") lies under " + bind.get() + ", which the sandbox can write, and is not trusted" + again));
                if (!r.sha256().equals(FileBytes.sha256(bytes))) {
                    throw new Refused(file + " (" + how + ") has changed since you trusted it" + again);
                }
            }
            return bytes;
        }
    }

    /**
     * Refuses when the trust store itself lies where the sandbox can write: a record there
     * could have been forged by an earlier sandbox, so it vouches for nothing. (A sandbox that
     * jbox lays out keeps the store read-only; a caller's own bwrap line may not.)
     */
    public static void requireStoreOutside(TrustStore store, Writable writable, String what) throws Refused {
        if (store.dir().isEmpty()) {
            return;
        }
        Optional<Path> over = writable.over(store.dir().get());
        if (over.isPresent()) {
            throw new Refused(what + " needs your trust, but the trust store " + store.dir().get()
                    + " lies under " + over.get() + ", which the sandbox can write, so no record there can vouch for"
                    + " it: choose the filter with --jbox-profile or JBOX_PROFILE instead");
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
