package dev.jbox.config;

import com.electronwill.nightconfig.core.Config;
import dev.jbox.arch.Arch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A user's jbox configuration: {@code [sandbox]} settings and {@code [profiles.NAME]}
 * tables. Found by {@link #discover}: {@code --config FILE}, else {@code ./jbox.toml},
 * else {@code $XDG_CONFIG_HOME/jbox/config.toml} (or {@code ~/.config/jbox/config.toml}).
 *
 * <p>Where a file came from decides whether it may configure a sandbox without the user's
 * explicit trust ({@link Origin}); {@link #sha256} is the hash of exactly the bytes that
 * were parsed (the file is read once), which is what a trust record is compared with.
 *
 * @param path   where it was read from; empty when no file exists
 * @param origin how it was found
 * @param sha256 SHA-256 of the bytes parsed (hex), empty for {@link #NONE}
 */
public record ConfigFile(Optional<Path> path, Origin origin, String sha256, SandboxSettings sandbox,
                         List<ProfileSpec> profiles) {

    /** How the file was found: the trust rules differ (docs/SECURITY.md, {@code jbox trust --help}). */
    public enum Origin {
        /** No file: jbox's defaults. */
        NONE,
        /** {@code ./jbox.toml}, found in the working directory: used only once trusted. */
        PROJECT,
        /** {@code --config FILE}: the user's choice, unless a read-write bind of the sandbox covers it. */
        EXPLICIT,
        /**
         * {@code $XDG_CONFIG_HOME/jbox/config.toml}: the user's own, kept read-only in every sandbox
         * jbox lays out (a caller's own bwrap line may bind it read-write: then it needs trust).
         */
        USER
    }

    static final Set<String> TOP_KEYS = Set.of("sandbox", "profiles");
    static final Set<String> SANDBOX_KEYS = Set.of("seccomp", "share_net", "bind", "ro_bind", "env", "unset_env",
            "clear_env", "hostname", "chdir", "unmask");
    static final Set<String> BIND_KEYS = Set.of("src", "dest");

    public ConfigFile {
        profiles = List.copyOf(profiles);
    }

    public static final ConfigFile NONE = new ConfigFile(Optional.empty(), Origin.NONE, "", SandboxSettings.NONE,
            List.of());

    /** The file that applies: an explicit one must exist; the others are optional. */
    public static ConfigFile discover(Optional<Path> explicit, Path cwd, Map<String, String> env) throws ConfigException {
        UserDirs dirs = UserDirs.of(env);
        if (explicit.isPresent()) {
            Path p = explicit.get().toAbsolutePath().normalize();
            if (!Files.isRegularFile(p)) {
                throw new ConfigException(explicit.get() + ": no such config file (given with --config)");
            }
            return load(p, Origin.EXPLICIT, dirs.home());
        }
        Path local = cwd.resolve("jbox.toml");
        if (Files.isRegularFile(local)) {
            return load(local, Origin.PROJECT, dirs.home());
        }
        return user(dirs);
    }

    /**
     * The user's own file, if there is one: what {@code jbox bwrap} reads (a bwrap client's
     * working directory is not the user's project, so no {@code ./jbox.toml} is looked for).
     */
    public static ConfigFile user(Map<String, String> env) throws ConfigException {
        return user(UserDirs.of(env));
    }

    private static ConfigFile user(UserDirs dirs) throws ConfigException {
        Optional<Path> user = dirs.userConfig();
        if (user.isPresent() && Files.isRegularFile(user.get())) {
            return load(user.get(), Origin.USER, dirs.home());
        }
        return NONE;
    }

    /** Reads a file given by the user (as with {@code --config}). */
    public static ConfigFile load(Path file) throws ConfigException {
        return load(file, Origin.EXPLICIT, UserDirs.of(System.getenv()).home());
    }

    /** Reads the file once: the bytes hashed are the bytes parsed. */
    static ConfigFile load(Path file, Origin origin, Optional<Path> home) throws ConfigException {
        byte[] bytes = FileBytes.read(file);
        return parse(FileBytes.utf8(bytes, file), file, origin, FileBytes.sha256(bytes), home);
    }

    static ConfigFile parse(String text, Path file) throws ConfigException {
        return parse(text, file, Origin.EXPLICIT, FileBytes.sha256(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                UserDirs.of(System.getenv()).home());
    }

    static ConfigFile parse(String text, Path file, Origin origin, String sha256, Optional<Path> home)
            throws ConfigException {
        String where = file.toString();
        Config c = TomlFiles.parse(text, where);
        TomlFiles.checkKeys(c, TOP_KEYS, where);
        SandboxSettings sandbox = SandboxSettings.NONE;
        if (c.contains("sandbox")) {
            if (!(c.get("sandbox") instanceof Config s)) {
                throw new ConfigException(where + ": 'sandbox' must be a table ([sandbox])");
            }
            sandbox = sandbox(s, file, home, where + ": [sandbox]");
        }
        List<ProfileSpec> profiles = List.of();
        if (c.contains("profiles")) {
            if (!(c.get("profiles") instanceof Config p)) {
                throw new ConfigException(where + ": 'profiles' must be a table of profiles ([profiles.NAME])");
            }
            profiles = ProfileParser.parse(p, where);
        }
        return new ConfigFile(Optional.of(file), origin, sha256, sandbox, profiles);
    }

    private static SandboxSettings sandbox(Config s, Path file, Optional<Path> home, String where)
            throws ConfigException {
        TomlFiles.checkKeys(s, SANDBOX_KEYS, where);
        Optional<SeccompSetting> seccomp = Optional.empty();
        if (s.contains("seccomp")) {
            Object v = s.get("seccomp");
            seccomp = Optional.of(switch (v) {
                case Boolean b -> b ? new SeccompSetting.Default() : new SeccompSetting.Off();
                case String str when str.contains("/") || str.endsWith(".bpf") ->
                        new SeccompSetting.BpfFile(relative(file, home, str));
                case String str when !str.isEmpty() -> new SeccompSetting.Named(str);
                default -> throw new ConfigException(where + ": seccomp must be true, false, a profile name"
                        + " or a path to a .bpf file");
            });
        }
        Optional<Boolean> shareNet = Optional.empty();
        if (s.contains("share_net")) {
            if (!(s.get("share_net") instanceof Boolean b)) {
                throw new ConfigException(where + ": share_net must be true or false");
            }
            shareNet = Optional.of(b);
        }
        List<Bind> binds = new ArrayList<>();
        binds.addAll(binds(s, "bind", false, file, home, where));
        binds.addAll(binds(s, "ro_bind", true, file, home, where));
        Map<String, String> setEnv = new LinkedHashMap<>();
        if (s.contains("env")) {
            if (!(s.get("env") instanceof Config e)) {
                throw new ConfigException(where + ": env must be a table of NAME = \"value\"");
            }
            for (Config.Entry entry : e.entrySet()) {
                if (!(entry.getValue() instanceof String v)) {
                    throw new ConfigException(where + ": env." + entry.getKey() + " must be a string");
                }
                setEnv.put(entry.getKey(), v);
            }
        }
        List<String> unset = strings(s, "unset_env", where);
        boolean clear = false;
        if (s.contains("clear_env")) {
            if (!(s.get("clear_env") instanceof Boolean b)) {
                throw new ConfigException(where + ": clear_env must be true or false");
            }
            clear = b;
        }
        Optional<String> hostname = optionalString(s, "hostname", where);
        Optional<String> chdir = optionalString(s, "chdir", where);
        if (chdir.isPresent() && !chdir.get().startsWith("/")) {
            throw new ConfigException(where + ": chdir must be an absolute path inside the sandbox");
        }
        List<String> unmask = strings(s, "unmask", where);
        if (!unmask.isEmpty()) { // the table read only when needed: launch time
            Masks.builtin().check(unmask, where + ": unmask");
        }
        return new SandboxSettings(seccomp, shareNet, binds, setEnv, unset, clear, hostname, chdir, unmask);
    }

    private static List<Bind> binds(Config s, String key, boolean ro, Path file, Optional<Path> home, String where)
            throws ConfigException {
        if (!s.contains(key)) {
            return List.of();
        }
        if (!(s.get(key) instanceof List<?> list)) {
            throw new ConfigException(where + ": " + key + " must be a list of paths or { src = \"...\", dest = \"...\" } tables");
        }
        List<Bind> out = new ArrayList<>();
        for (Object o : list) {
            switch (o) {
                case String p -> {
                    Path src = relative(file, home, p);
                    out.add(new Bind(src.toString(), src.toString(), ro, where + ": " + key + " = \"" + p + "\"", true));
                }
                case Config t -> {
                    TomlFiles.checkKeys(t, BIND_KEYS, where + ": " + key);
                    if (!(t.get("src") instanceof String src) || !(t.get("dest") instanceof String dest)) {
                        throw new ConfigException(where + ": " + key + " entries need src and dest strings");
                    }
                    if (!dest.startsWith("/")) {
                        throw new ConfigException(where + ": " + key + " dest must be an absolute path: " + dest);
                    }
                    out.add(new Bind(relative(file, home, src).toString(), dest, ro,
                            where + ": " + key + " { src = \"" + src + "\" }", true));
                }
                default -> throw new ConfigException(where + ": " + key
                        + " must be a list of paths or { src = \"...\", dest = \"...\" } tables");
            }
        }
        return out;
    }

    /**
     * A path from the file: ~ is the home directory ({@link UserDirs#home}), relative paths start at
     * the file's directory.
     */
    static Path relative(Path file, Optional<Path> home, String p) throws ConfigException {
        if (p.equals("~") || p.startsWith("~/")) {
            if (home.isEmpty()) {
                throw new ConfigException(file + ": " + p + ": no home directory (HOME is unset and the password database names none), so ~ means nothing");
            }
            return Path.of(home.get() + p.substring(1)).normalize();
        }
        Path dir = file.toAbsolutePath().getParent();
        return dir.resolve(p).normalize();
    }

    private static List<String> strings(Config s, String key, String where) throws ConfigException {
        if (!s.contains(key)) {
            return List.of();
        }
        if (!(s.get(key) instanceof List<?> list) || !list.stream().allMatch(x -> x instanceof String)) {
            throw new ConfigException(where + ": " + key + " must be a list of strings");
        }
        return list.stream().map(x -> (String) x).toList();
    }

    private static Optional<String> optionalString(Config s, String key, String where) throws ConfigException {
        if (!s.contains(key)) {
            return Optional.empty();
        }
        if (!(s.get(key) instanceof String v) || v.isEmpty()) {
            throw new ConfigException(where + ": " + key + " must be a non-empty string");
        }
        return Optional.of(v);
    }

    /** jbox's presets plus this file's profiles, whose syscall names are checked. */
    public Profiles allProfiles() throws ConfigException {
        if (profiles.isEmpty()) {
            return Profiles.builtin();
        }
        return Profiles.builtin().with(profiles, Arch::allSyscallNames);
    }
}
