package dev.jbox.launch;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * What the caller handed {@code jbox bwrap}, byte for byte, so that bwrap gets exactly that:
 * the arguments after the subcommand, the environment, and the name jbox was called by.
 *
 * <p>The strings are byte strings: one char per byte (ISO-8859-1, as {@link BwrapLine} reads
 * {@code --args} data), and {@link PassThrough#exec} writes them back the same way. The JVM's
 * own {@code String[] args} and {@code System.getenv()} are decoded in the locale's charset:
 * with no LANG (flatpak starts bwrap with an empty environment) that is ASCII, and a file name
 * such as {@code Übersicht.txt} would reach bwrap as {@code ??bersicht.txt}; bytes that are not
 * UTF-8 are lost in any locale. So the arguments are read from {@code /proc/self/cmdline}.
 *
 * <p>The environment: the shell that runs jbox's launcher reorders the environment, drops
 * names it cannot hold (dash: {@code a.b=1}), adds {@code PWD} and, in bash, {@code SHLVL},
 * before the JVM starts. So the launcher (src/dist/bin/jbox) copies the environment it was
 * started with, {@code /proc/$$/environ}, into {@value #ENV_VARIABLE} (base64) first, and that
 * copy is what bwrap gets. Without it (the jar started directly, no {@code base64}), bwrap gets
 * the JVM's environment less the launcher's variables ({@link Launcher#PRIVATE_ENV}), in order.
 *
 * @param args  the arguments after {@code bwrap}, as bytes
 * @param env   the environment for bwrap, as bytes ({@code NAME=value} entries, in order)
 * @param argv0 {@code JBOX_ARGV0} (the path the caller ran jbox by, when that was {@code bwrap}), as bytes
 */
public record Caller(List<String> args, List<String> env, Optional<String> argv0) {

    /** The launcher's copy of the caller's environment: base64 of its NUL-terminated entries. */
    public static final String ENV_VARIABLE = "JBOX_CALLER_ENV";

    /** The name jbox was run by, set by the launcher when that is {@code bwrap} ({@link PassThrough#argv0}). */
    public static final String ARGV0_ENV = "JBOX_ARGV0";

    public Caller {
        args = List.copyOf(args);
        env = List.copyOf(env);
    }

    /** The charset of byte strings: a char per byte, and back. */
    public static final Charset BYTES = StandardCharsets.ISO_8859_1;

    /**
     * Reads this process's caller: {@code trailing} are the JVM's arguments after the
     * subcommand, which are the last entries of {@code /proc/self/cmdline}.
     */
    public static Caller read(List<String> trailing) {
        List<String> jvmEnv = proc("environ").orElse(null);
        return new Caller(args(trailing, proc("cmdline")), environment(jvmEnv),
                jvmEnv == null ? utf8(System.getenv(ARGV0_ENV)) : entry(jvmEnv, ARGV0_ENV));
    }

    /**
     * The raw form of {@code trailing}: the last {@code trailing.size()} entries of the
     * command line, if they are what the JVM decoded (equal where they are ASCII); else
     * {@code trailing} itself, as UTF-8 (an in-process call, as the tests and the AOT training
     * make, whose command line is another's).
     */
    static List<String> args(List<String> trailing, Optional<List<String>> cmdline) {
        if (cmdline.isPresent() && cmdline.get().size() >= trailing.size()) {
            List<String> raw = cmdline.get().subList(cmdline.get().size() - trailing.size(), cmdline.get().size());
            if (matches(raw, trailing)) {
                return raw;
            }
        }
        List<String> out = new ArrayList<>(trailing.size());
        for (String a : trailing) {
            out.add(utf8(a).orElseThrow());
        }
        return out;
    }

    /**
     * Whether each raw argument is the one the JVM decoded: equal where it is ASCII, and not
     * ASCII where it is not (a byte above 0x7f never decodes to ASCII, U+FFFD included).
     */
    private static boolean matches(List<String> raw, List<String> decoded) {
        for (int i = 0; i < raw.size(); i++) {
            String r = raw.get(i);
            if (ascii(r) ? !r.equals(decoded.get(i)) : ascii(decoded.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean ascii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /**
     * bwrap's environment: the launcher's copy when there is a valid one, else the JVM's
     * environment less the launcher's own variables ({@code JBOX_SAVED_<name>} back to its
     * name), else (no /proc) {@code System.getenv()} as UTF-8.
     *
     * @param jvmEnv the JVM's environment as byte strings, or null when it cannot be read
     */
    static List<String> environment(List<String> jvmEnv) {
        if (jvmEnv == null) {
            List<String> out = new ArrayList<>();
            for (String e : Launcher.environment(Launcher.callerEnvironment(System.getenv()))) {
                out.add(utf8(e).orElseThrow());
            }
            return out;
        }
        Optional<String> copy = entry(jvmEnv, ENV_VARIABLE);
        if (copy.isPresent()) {
            try {
                return BwrapLine.splitArgsData(Base64.getDecoder().decode(copy.get()));
            } catch (IllegalArgumentException e) {
                // not the launcher's: the JVM's environment below
            }
        }
        List<String> out = new ArrayList<>(jvmEnv.size());
        for (String e : jvmEnv) {
            int eq = e.indexOf('=');
            String name = eq < 0 ? e : e.substring(0, eq);
            if (name.startsWith(Launcher.SAVED_PREFIX)) {
                String original = name.substring(Launcher.SAVED_PREFIX.length());
                if (Launcher.JVM_OPTION_VARS.contains(original)) {
                    out.add(original + e.substring(name.length()));
                }
            } else if (!Launcher.PRIVATE_ENV.contains(name) && !name.equals(ENV_VARIABLE)
                    && !(Launcher.JVM_OPTION_VARS.contains(name) && entry(jvmEnv, Launcher.SAVED_PREFIX + name).isPresent())) {
                out.add(e);
            }
        }
        return out;
    }

    /** The value of {@code name} in a list of {@code NAME=value} entries (the first, as getenv reads it). */
    static Optional<String> entry(List<String> env, String name) {
        for (String e : env) {
            if (e.length() > name.length() && e.charAt(name.length()) == '=' && e.startsWith(name)) {
                return Optional.of(e.substring(name.length() + 1));
            }
        }
        return Optional.empty();
    }

    /** A Java string as the byte string of its UTF-8 encoding. */
    private static Optional<String> utf8(String s) {
        return s == null ? Optional.empty() : Optional.of(new String(s.getBytes(StandardCharsets.UTF_8), BYTES));
    }

    /** {@code /proc/self/FILE}'s NUL-separated entries as byte strings. */
    private static Optional<List<String>> proc(String file) {
        try {
            return Optional.of(BwrapLine.splitArgsData(Files.readAllBytes(Path.of("/proc/self", file))));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
