package dev.jbox.config;

import dev.jbox.arch.Arch;
import dev.jbox.config.JsonReader.Arr;
import dev.jbox.config.JsonReader.Node;
import dev.jbox.config.JsonReader.Num;
import dev.jbox.config.JsonReader.Obj;
import dev.jbox.config.JsonReader.Str;
import dev.jbox.policy.Action;
import dev.jbox.policy.ArchScope;
import dev.jbox.policy.Condition;
import dev.jbox.policy.Errnos;
import dev.jbox.policy.Op;
import dev.jbox.policy.Policy;
import dev.jbox.policy.Rule;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Docker (moby) or OCI runtime-spec seccomp profile, translated into jbox's policy model
 * so that the one compiler builds its filter. What the translation keeps from the runtimes
 * that usually read these files (moby's profile evaluation, runc's rule building, libseccomp's
 * rule database), and where it differs, is documented in docs/OCI.md; in short:
 *
 * <ul>
 *   <li>{@code includes}/{@code excludes} are evaluated as moby does, for a sandbox without
 *       capabilities (jbox sandboxes drop them all), on this machine's architecture (Go's
 *       names: amd64, arm64, riscv64) and running kernel;
 *   <li>an entry whose action equals the default is skipped (runc); names that are not
 *       system calls of an ABI are skipped there (libseccomp); several conditions on the same
 *       argument in one entry become one rule each (runc, whose libseccomp refuses them);
 *   <li>per syscall, the first unconditional entry decides and conditional entries are then
 *       ignored (libseccomp's rule database); conditional entries are alternatives (ORed),
 *       and where alternatives with different actions overlap, the most restrictive action
 *       wins (libseccomp's answer there depends on its internal tree order);
 *   <li>arguments of C type {@code int} are compared on their low 32 bits (jbox's model: the
 *       kernel ignores the upper half), where libseccomp compares all 64.
 * </ul>
 */
public final class OciProfile {
    private OciProfile() {
    }

    /** What the includes/excludes of a Docker profile are evaluated against. */
    public record Host(Arch nativeArch, String kernelRelease, Set<String> caps) {
        public Host {
            caps = Set.copyOf(caps);
        }

        /** This machine: its architecture, its running kernel, and no capabilities. */
        public static Host current() {
            return new Host(Arch.host(), System.getProperty("os.version", ""), Set.of());
        }
    }

    /**
     * A translated profile.
     *
     * @param policy   the policy (badArchAction KILL_THREAD, libseccomp's default)
     * @param warnings one-line warnings (names that are no system call on any architecture)
     * @param entries  how each {@code syscalls[]} entry was used, for {@code explain}
     */
    public record Loaded(Policy policy, List<String> warnings, List<String> entries) {
    }

    /** libseccomp's default action for a foreign architecture (SCMP_ACT_KILL = kill the thread). */
    public static final Action BAD_ARCH_ACTION = Action.KILL_THREAD;

    /** EPERM: what runc returns for SCMP_ACT_ERRNO and SCMP_ACT_TRACE without errnoRet. */
    static final int DEFAULT_ERRNO = 1;

    static final Map<String, String> ACTIONS = linked(
            "SCMP_ACT_ALLOW", "allow", "SCMP_ACT_ERRNO", "errno", "SCMP_ACT_KILL", "kill-thread",
            "SCMP_ACT_KILL_THREAD", "kill-thread", "SCMP_ACT_KILL_PROCESS", "kill-process",
            "SCMP_ACT_TRAP", "trap", "SCMP_ACT_LOG", "log", "SCMP_ACT_TRACE", "trace",
            "SCMP_ACT_NOTIFY", "notify");

    static final Map<String, Op> OPS = linkedOps();

    /**
     * libseccomp's architecture names (seccomp_arch_resolve_name): "SCMP_ARCH_NATIVE", those of
     * jbox's ABIs ({@link Arch#libseccompName()}) and those of architectures jbox does not run on.
     */
    static final List<String> SCMP_ARCHES = scmpArches();

    private static final String SCMP_ARCH_NATIVE = "SCMP_ARCH_NATIVE";

    private static List<String> scmpArches() {
        List<String> out = new ArrayList<>(List.of(SCMP_ARCH_NATIVE));
        for (Arch a : Arch.values()) {
            out.add(a.libseccompName());
        }
        for (String foreign : List.of("LOONGARCH64", "M68K", "MIPS", "MIPS64", "MIPS64N32", "MIPSEL", "MIPSEL64",
                "MIPSEL64N32", "PARISC", "PARISC64", "PPC", "PPC64", "PPC64LE", "RISCV32", "S390", "S390X", "SH",
                "SHEB", "SPARC", "SPARC64")) {
            out.add("SCMP_ARCH_" + foreign);
        }
        return List.copyOf(out);
    }

    /**
     * Names moby's profiles use in includes/excludes "arches" (Go's GOARCH values and
     * libseccomp's): every name of jbox's ABIs ({@link Arch#names()}), and those of
     * architectures jbox does not run on.
     */
    static final Set<String> PROFILE_ARCHES = profileArches();

    private static Set<String> profileArches() {
        Set<String> out = new LinkedHashSet<>();
        for (Arch a : Arch.values()) {
            out.addAll(a.names());
        }
        out.addAll(List.of("loong64", "loongarch64", "m68k", "mips", "mipsle", "mipsel", "mips64", "mips64le",
                "mipsel64", "mips64n32", "mips64len32", "mipsel64n32", "parisc", "parisc64", "ppc", "ppc64", "ppc64le",
                "riscv32", "s390", "s390x", "sh", "sparc", "sparc64"));
        return Collections.unmodifiableSet(out);
    }

    /** Linux capabilities (linux/capability.h), for checking includes/excludes "caps". */
    static final List<String> CAPS = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH",
            "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP",
            "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
            "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
            "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
            "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
            "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN",
            "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
            "CAP_CHECKPOINT_RESTORE");

    static final List<String> FLAGS = List.of("SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
            "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
            "SECCOMP_FILTER_FLAG_NEW_LISTENER", "SECCOMP_FILTER_FLAG_TSYNC_ESRCH");

    private static final List<String> TOP_KEYS = List.of("defaultAction", "defaultErrnoRet", "defaultErrno",
            "architectures", "archMap", "syscalls", "flags", "listenerPath", "listenerMetadata", "comment");
    private static final List<String> SYSCALL_KEYS = List.of("names", "name", "action", "errnoRet", "errno",
            "args", "comment", "includes", "excludes");
    private static final List<String> ARG_KEYS = List.of("index", "value", "valueTwo", "op");
    private static final List<String> FILTER_KEYS = List.of("arches", "caps", "minKernel");
    private static final List<String> ARCHMAP_KEYS = List.of("architecture", "subArchitectures");

    private static final BigInteger U64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]*");
    private static final Pattern KERNEL = Pattern.compile("(\\d+)\\.(\\d+)");
    private static final Pattern RELEASE = Pattern.compile("^(\\d+)\\.(\\d+)");
    /** Larger files are refused before parsing (Docker's default is about 20 KB). */
    static final int MAX_BYTES = 4 << 20;

    // ---- entry points ----------------------------------------------------------------------

    public static Loaded load(Path file) throws ConfigException {
        return load(file, Host.current());
    }

    public static Loaded load(Path file, Host host) throws ConfigException {
        byte[] bytes;
        try {
            if (Files.isDirectory(file)) {
                throw new ConfigException(file + ": is a directory; give a Docker/OCI seccomp profile (.json)");
            }
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                throw new ConfigException(file + ": " + size + " bytes is too large for a seccomp profile (at most "
                        + MAX_BYTES + ")");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + ioReason(e));
        }
        return fromBytes(file, bytes, host);
    }

    /** Translates a profile already read (once: the bytes that were checked for trust). */
    public static Loaded fromBytes(Path file, byte[] bytes, Host host) throws ConfigException {
        if (bytes.length > MAX_BYTES) {
            throw new ConfigException(file + ": " + bytes.length + " bytes is too large for a seccomp profile (at most "
                    + MAX_BYTES + ")");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ConfigException(file + ": not UTF-8 text; a seccomp profile is a JSON file");
        }
        return parse(text, file.toString(), host);
    }

    /** Translates profile text; {@code label} names the file in messages. */
    public static Loaded parse(String text, String label, Host host) throws ConfigException {
        Node root;
        try {
            root = JsonReader.parse(text);
        } catch (JsonReader.SyntaxError e) {
            throw new ConfigException(label + ":" + e.line() + ":" + e.column() + ": malformed JSON: " + e.getMessage());
        }
        return new OciProfile.Reader(label, host).read(root);
    }

    private static String ioReason(IOException e) {
        String m = e.getMessage();
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        return m == null ? e.getClass().getSimpleName() : m;
    }

    // ---- reading ---------------------------------------------------------------------------

    /** One usable alternative of an entry: for one name, an action when all conditions hold. */
    private record Alt(int entry, String name, Action action, List<Condition> conditions, String reason,
            String origin) {
    }

    private static final class Reader {
        final String file;
        final Host host;
        final List<String> warnings = new ArrayList<>();
        final List<String> entryNotes = new ArrayList<>();

        Reader(String file, Host host) {
            this.file = file;
            this.host = host;
        }

        ConfigException err(Node at, String path, String what) {
            return new ConfigException(file + ":" + at.line() + ":" + at.column() + ": " + path + ": " + what);
        }

        Loaded read(Node root) throws ConfigException {
            Obj top = obj(root, "the profile");
            String base = "";
            if (top.members().containsKey("linux") || top.members().containsKey("ociVersion")) {
                // A whole OCI runtime config.json: its linux.seccomp is the profile.
                Node linux = top.members().get("linux");
                if (linux == null) {
                    throw err(top, "the profile", "an OCI config.json without \"linux\"; give its linux.seccomp");
                }
                Node sec = obj(linux, "linux").members().get("seccomp");
                if (sec == null || sec instanceof JsonReader.Null) {
                    throw err(linux, "linux", "has no \"seccomp\" object: this config.json sets no seccomp profile");
                }
                top = obj(sec, "linux.seccomp");
                base = "linux.seccomp.";
            }
            known(top, base.isEmpty() ? "the profile" : "linux.seccomp", TOP_KEYS);
            Node da = top.members().get("defaultAction");
            if (da == null) {
                throw err(top, base + "defaultAction", "missing: say what happens to other calls, e.g. \"defaultAction\": \"SCMP_ACT_ERRNO\"");
            }
            Integer defErrno = errnoOf(top, base, "defaultErrnoRet", "defaultErrno");
            Action deflt = action(da, base + "defaultAction", defErrno, top.members().get("defaultErrnoRet"));
            ArchScope scope = arches(top, base);
            flags(top, base);

            List<Alt> alts = new ArrayList<>();
            Node sc = top.members().get("syscalls");
            if (sc != null && !(sc instanceof JsonReader.Null)) {
                Arr list = arr(sc, base + "syscalls");
                for (int i = 0; i < list.items().size(); i++) {
                    entry(list.items().get(i), base + "syscalls[" + i + "]", i, deflt, alts);
                }
            }
            String name = "oci:" + Path.of(file).getFileName();
            Policy p = new Policy(name, deflt, rules(alts), scope, Optional.empty(), BAD_ARCH_ACTION);
            return new Loaded(p, List.copyOf(warnings), List.copyOf(entryNotes));
        }

        // ---- top-level pieces ----

        ArchScope arches(Obj top, String base) throws ConfigException {
            Node archs = nonNull(top.members().get("architectures"));
            Node map = nonNull(top.members().get("archMap"));
            if (archs != null && map != null) {
                throw err(map, base + "archMap", "give either \"architectures\" or \"archMap\", not both");
            }
            Set<String> listed = new LinkedHashSet<>();
            if (archs != null) {
                Arr a = arr(archs, base + "architectures");
                for (int i = 0; i < a.items().size(); i++) {
                    listed.add(scmpArch(a.items().get(i), base + "architectures[" + i + "]"));
                }
            } else if (map != null) {
                Arr a = arr(map, base + "archMap");
                String nativeName = host.nativeArch().libseccompName();
                for (int i = 0; i < a.items().size(); i++) {
                    String path = base + "archMap[" + i + "]";
                    Obj e = obj(a.items().get(i), path);
                    known(e, path, ARCHMAP_KEYS);
                    Node an = e.members().get("architecture");
                    if (an == null) {
                        throw err(e, path + ".architecture", "missing");
                    }
                    String arch = scmpArch(an, path + ".architecture");
                    List<String> subs = new ArrayList<>();
                    Node sn = nonNull(e.members().get("subArchitectures"));
                    if (sn != null) {
                        Arr sa = arr(sn, path + ".subArchitectures");
                        for (int j = 0; j < sa.items().size(); j++) {
                            subs.add(scmpArch(sa.items().get(j), path + ".subArchitectures[" + j + "]"));
                        }
                    }
                    // moby: only the entry of the native architecture counts.
                    if (arch.equals(nativeName)) {
                        listed.add(arch);
                        listed.addAll(subs);
                    }
                }
            }
            Optional<Arch> compat = host.nativeArch().compat();
            return compat.isPresent() && listed.contains(compat.get().libseccompName()) ? ArchScope.NATIVE_COMPAT
                    : ArchScope.NATIVE;
        }

        void flags(Obj top, String base) throws ConfigException {
            Node f = nonNull(top.members().get("flags"));
            if (f != null) {
                Arr a = arr(f, base + "flags");
                for (int i = 0; i < a.items().size(); i++) {
                    String v = str(a.items().get(i), base + "flags[" + i + "]");
                    if (!FLAGS.contains(v)) {
                        throw err(a.items().get(i), base + "flags[" + i + "]", "unknown flag '" + v + "'"
                                + Suggest.hint(v, FLAGS) + "; known: " + String.join(", ", FLAGS));
                    }
                }
            }
            for (String k : List.of("listenerPath", "listenerMetadata")) {
                Node n = nonNull(top.members().get(k));
                if (n != null) {
                    str(n, base + k);
                }
            }
        }

        // ---- one syscalls[] entry ----

        void entry(Node n, String path, int index, Action deflt, List<Alt> out) throws ConfigException {
            Obj e = obj(n, path);
            known(e, path, SYSCALL_KEYS);
            List<String> names = new ArrayList<>();
            List<Node> nameNodes = new ArrayList<>();
            List<String> namePaths = new ArrayList<>();
            Node ns = nonNull(e.members().get("names"));
            if (ns != null) {
                Arr a = arr(ns, path + ".names");
                for (int i = 0; i < a.items().size(); i++) {
                    names.add(syscallName(a.items().get(i), path + ".names[" + i + "]"));
                    nameNodes.add(a.items().get(i));
                    namePaths.add(path + ".names[" + i + "]");
                }
            }
            Node n1 = nonNull(e.members().get("name"));
            if (n1 != null) {
                names.add(syscallName(n1, path + ".name"));
                nameNodes.add(n1);
                namePaths.add(path + ".name");
            }
            if (ns == null && n1 == null) {
                throw err(e, path, "no \"names\": list the system calls this entry is about");
            }
            Node an = e.members().get("action");
            if (an == null) {
                throw err(e, path + ".action", "missing: e.g. \"action\": \"SCMP_ACT_ALLOW\"");
            }
            Integer errno = errnoOf(e, path + ".", "errnoRet", "errno");
            Action action = action(an, path + ".action", errno, e.members().get("errnoRet"));
            List<List<Condition>> conds = args(e, path);
            String comment = "";
            Node cn = nonNull(e.members().get("comment"));
            if (cn != null) {
                comment = str(cn, path + ".comment").strip();
            }
            String why = applies(e, path);
            for (int i = 0; i < names.size(); i++) {
                checkKnown(names.get(i), nameNodes.get(i), namePaths.get(i));
            }
            int line = e.line();
            if (why != null) {
                entryNotes.add(path + " (line " + line + "): not used: " + why);
                return;
            }
            if (action.equals(deflt)) {
                // runc: redundant with the default (libseccomp would refuse it); skipped.
                entryNotes.add(path + " (line " + line + "): not used: its action is the default action");
                return;
            }
            entryNotes.add(path + " (line " + line + "): " + action + " for " + String.join(" ", names));
            String origin = file + ":" + line + " " + path;
            for (String name : names) {
                for (List<Condition> c : conds) {
                    out.add(new Alt(index, name, action, c, comment, origin));
                }
            }
        }

        /** The conditions of an entry: one list (ANDed), or one list per condition (runc). */
        List<List<Condition>> args(Obj e, String path) throws ConfigException {
            Node an = nonNull(e.members().get("args"));
            if (an == null) {
                return List.of(List.of());
            }
            Arr a = arr(an, path + ".args");
            List<Condition> all = new ArrayList<>();
            int[] count = new int[6];
            for (int i = 0; i < a.items().size(); i++) {
                String p = path + ".args[" + i + "]";
                Obj c = obj(a.items().get(i), p);
                known(c, p, ARG_KEYS);
                Node in = c.members().get("index");
                if (in == null) {
                    throw err(c, p + ".index", "missing: which argument, 0..5");
                }
                BigInteger idx = integer(in, p + ".index");
                if (idx.signum() < 0 || idx.compareTo(BigInteger.valueOf(5)) > 0) {
                    throw err(in, p + ".index", idx + " is not an argument index: system calls have arguments 0..5");
                }
                Node vn = c.members().get("value");
                if (vn == null) {
                    throw err(c, p + ".value", "missing");
                }
                long value = u64(vn, p + ".value");
                Node v2n = nonNull(c.members().get("valueTwo"));
                long value2 = v2n == null ? 0 : u64(v2n, p + ".valueTwo");
                Node on = c.members().get("op");
                if (on == null) {
                    throw err(c, p + ".op", "missing: one of " + String.join(", ", OPS.keySet()));
                }
                String ops = str(on, p + ".op");
                Op op = OPS.get(ops);
                if (op == null) {
                    throw err(on, p + ".op", "unknown operator '" + ops + "'" + Suggest.hint(ops, OPS.keySet())
                            + "; use one of " + String.join(", ", OPS.keySet()));
                }
                int arg = idx.intValue();
                count[arg]++;
                // MASKED_EQ: value is the mask, valueTwo the datum; libseccomp masks the datum.
                all.add(op == Op.MASKED_EQ ? Condition.masked(arg, value, value2 & value) : Condition.of(arg, op, value));
            }
            for (int c : count) {
                if (c > 1) {
                    // runc: several conditions on one argument become one rule each (ORed).
                    List<List<Condition>> split = new ArrayList<>();
                    for (Condition x : all) {
                        split.add(List.of(x));
                    }
                    return split;
                }
            }
            return List.of(all);
        }

        /** Null when the entry applies here, else why not (moby's includes/excludes). */
        String applies(Obj e, String path) throws ConfigException {
            Filter ex = filter(e, path, "excludes");
            Filter in = filter(e, path, "includes");
            Set<String> mine = host.nativeArch().names();
            if (ex != null) {
                for (String a : ex.arches) {
                    if (mine.contains(a)) {
                        return "excludes.arches names " + a;
                    }
                }
                for (String c : ex.caps) {
                    if (host.caps().contains(c)) {
                        return "excludes.caps names " + c + ", which the sandbox has";
                    }
                }
                if (ex.minKernel != null && kernelAtLeast(ex.minKernel)) {
                    return "excludes.minKernel " + ex.minKernel + ": the kernel is " + host.kernelRelease();
                }
            }
            if (in != null) {
                if (!in.arches.isEmpty() && in.arches.stream().noneMatch(mine::contains)) {
                    return "includes.arches " + in.arches + " does not name " + host.nativeArch().id();
                }
                for (String c : in.caps) {
                    if (!host.caps().contains(c)) {
                        return "includes.caps needs " + c + " (jbox sandboxes have no capabilities)";
                    }
                }
                if (in.minKernel != null && !kernelAtLeast(in.minKernel)) {
                    return "includes.minKernel " + in.minKernel + ": the kernel is " + host.kernelRelease();
                }
            }
            return null;
        }

        record Filter(List<String> arches, List<String> caps, String minKernel) {
        }

        Filter filter(Obj e, String path, String key) throws ConfigException {
            Node n = nonNull(e.members().get(key));
            if (n == null) {
                return null;
            }
            String p = path + "." + key;
            Obj o = obj(n, p);
            known(o, p, FILTER_KEYS);
            List<String> arches = new ArrayList<>();
            Node an = nonNull(o.members().get("arches"));
            if (an != null) {
                Arr a = arr(an, p + ".arches");
                for (int i = 0; i < a.items().size(); i++) {
                    String v = str(a.items().get(i), p + ".arches[" + i + "]");
                    if (!PROFILE_ARCHES.contains(v)) {
                        throw err(a.items().get(i), p + ".arches[" + i + "]", "unknown architecture '" + v + "'"
                                + Suggest.hint(v, PROFILE_ARCHES) + "; Docker profiles use Go's names (" + GO_NAMES + ", ...)");
                    }
                    arches.add(v);
                }
            }
            List<String> caps = new ArrayList<>();
            Node cn = nonNull(o.members().get("caps"));
            if (cn != null) {
                Arr a = arr(cn, p + ".caps");
                for (int i = 0; i < a.items().size(); i++) {
                    String v = str(a.items().get(i), p + ".caps[" + i + "]");
                    if (!CAPS.contains(v)) {
                        throw err(a.items().get(i), p + ".caps[" + i + "]", "unknown capability '" + v + "'"
                                + Suggest.hint(v, CAPS));
                    }
                    caps.add(v);
                }
            }
            String min = null;
            Node mn = nonNull(o.members().get("minKernel"));
            if (mn != null) {
                min = str(mn, p + ".minKernel");
                if (!KERNEL.matcher(min).matches()) {
                    throw err(mn, p + ".minKernel", "'" + min + "' is not a kernel version: write MAJOR.MINOR, e.g. \"4.8\"");
                }
            }
            return new Filter(arches, caps, min);
        }

        boolean kernelAtLeast(String min) throws ConfigException {
            Matcher want = KERNEL.matcher(min);
            Matcher have = RELEASE.matcher(host.kernelRelease());
            if (!want.matches() || !have.find()) {
                throw new ConfigException(file + ": cannot evaluate minKernel " + min + ": the running kernel's release '"
                        + host.kernelRelease() + "' does not start with MAJOR.MINOR");
            }
            long wa = Long.parseLong(want.group(1));
            long wb = Long.parseLong(want.group(2));
            long ha = Long.parseLong(have.group(1));
            long hb = Long.parseLong(have.group(2));
            return ha > wa || (ha == wa && hb >= wb);
        }

        void checkKnown(String name, Node at, String path) {
            if (!LinuxNames.ALL.contains(name)) {
                String w = file + ":" + at.line() + ":" + at.column() + ": " + path + ": '" + name
                        + "' is not a system call on any Linux architecture" + Suggest.hint(name, LinuxNames.ALL)
                        + "; skipped";
                if (!warnings.contains(w)) {
                    warnings.add(w);
                }
            }
        }

        // ---- values ----

        Action action(Node n, String path, Integer errno, Node errnoNode) throws ConfigException {
            String s = str(n, path);
            String kind = ACTIONS.get(s);
            if (kind == null) {
                throw err(n, path, "unknown action '" + s + "'" + Suggest.hint(s, ACTIONS.keySet())
                        + "; use one of " + String.join(", ", ACTIONS.keySet()));
            }
            if (errno != null && !kind.equals("errno") && !kind.equals("trace")) {
                throw err(errnoNode != null ? errnoNode : n, path, "an errno is only used with SCMP_ACT_ERRNO or"
                        + " SCMP_ACT_TRACE, not " + s + ": remove it");
            }
            return switch (kind) {
                case "allow" -> Action.ALLOW;
                case "kill-thread" -> Action.KILL_THREAD;
                case "kill-process" -> Action.KILL_PROCESS;
                case "trap" -> Action.TRAP;
                case "log" -> Action.LOG;
                case "errno" -> {
                    int v = errno == null ? DEFAULT_ERRNO : errno;
                    if (v > 4095) {
                        throw err(errnoNode != null ? errnoNode : n, path, "errno " + v
                                + " is above 4095 (MAX_ERRNO), which the kernel cannot return");
                    }
                    yield Action.errno(v);
                }
                case "trace" -> new Action.Trace(errno == null ? DEFAULT_ERRNO : errno);
                default -> throw err(n, path, "SCMP_ACT_NOTIFY hands calls to a seccomp agent, which jbox does not"
                        + " run; use SCMP_ACT_ERRNO or SCMP_ACT_LOG");
            };
        }

        /** errnoRet (a number) or its podman spelling errno (a name); null when neither is given. */
        Integer errnoOf(Obj o, String base, String numKey, String nameKey) throws ConfigException {
            Node num = nonNull(o.members().get(numKey));
            Node name = nonNull(o.members().get(nameKey));
            Integer v = null;
            if (num != null) {
                BigInteger b = integer(num, base + numKey);
                if (b.signum() < 0 || b.compareTo(BigInteger.valueOf(65535)) > 0) {
                    throw err(num, base + numKey, b + " is not an errno: give 1..4095, e.g. 1 (EPERM) or 38 (ENOSYS)");
                }
                v = b.intValue();
            }
            if (name != null) {
                String s = str(name, base + nameKey);
                var n = Errnos.number(s);
                if (n.isEmpty()) {
                    throw err(name, base + nameKey, "unknown errno '" + s + "'" + Suggest.hint(s.toUpperCase(Locale.ROOT),
                            Errnos.names()));
                }
                if (v == null) {
                    // runc reads only the number: with the name alone it would return EPERM.
                    throw err(name, base + nameKey, "\"" + nameKey + "\": \"" + printable(s) + "\" without \"" + numKey
                            + "\": runc ignores the name (and returns EPERM); add \"" + numKey + "\": " + n.getAsInt());
                }
                if (v != n.getAsInt()) {
                    throw err(name, base + nameKey, s + " (" + n.getAsInt() + ") contradicts " + numKey + " " + v
                            + ": keep one");
                }
            }
            return v;
        }

        String scmpArch(Node n, String path) throws ConfigException {
            String s = str(n, path);
            if (!SCMP_ARCHES.contains(s)) {
                throw err(n, path, "unknown architecture '" + s + "'" + Suggest.hint(s, SCMP_ARCHES)
                        + "; use libseccomp's names, e.g. " + String.join(", ", Arch.X86_64.libseccompName(),
                        Arch.I386.libseccompName(), Arch.AARCH64.libseccompName()));
            }
            return s.equals(SCMP_ARCH_NATIVE) ? host.nativeArch().libseccompName() : s;
        }

        String syscallName(Node n, String path) throws ConfigException {
            String s = str(n, path);
            if (!NAME.matcher(s).matches()) {
                throw err(n, path, "'" + printable(s) + "' is not a system call name (lower-case letters, digits, _)");
            }
            return s;
        }

        long u64(Node n, String path) throws ConfigException {
            BigInteger b = integer(n, path);
            if (b.signum() < 0 || b.compareTo(U64_MAX) > 0) {
                throw err(n, path, b + " is outside 0..18446744073709551615 (an unsigned 64-bit value)");
            }
            return b.longValue();
        }

        BigInteger integer(Node n, String path) throws ConfigException {
            if (n instanceof Num num) {
                if (num.integer() == null) {
                    throw err(n, path, "expected an integer, got " + num.text());
                }
                return num.integer();
            }
            throw err(n, path, "expected a number, got " + n.kind());
        }

        String str(Node n, String path) throws ConfigException {
            if (n instanceof Str s) {
                return s.value();
            }
            throw err(n, path, "expected a string, got " + n.kind());
        }

        Obj obj(Node n, String path) throws ConfigException {
            if (n instanceof Obj o) {
                return o;
            }
            throw err(n, path, "expected an object, got " + n.kind());
        }

        Arr arr(Node n, String path) throws ConfigException {
            if (n instanceof Arr a) {
                return a;
            }
            throw err(n, path, "expected an array, got " + n.kind());
        }

        void known(Obj o, String path, List<String> keys) throws ConfigException {
            for (var e : o.keyPositions().entrySet()) {
                if (!keys.contains(e.getKey())) {
                    int[] pos = e.getValue();
                    String prefix = path.equals("the profile") ? "" : path + ".";
                    throw new ConfigException(file + ":" + pos[0] + ":" + pos[1] + ": " + prefix + printable(e.getKey())
                            + ": unknown key" + Suggest.hint(e.getKey(), keys) + "; known here: " + String.join(", ", keys));
                }
            }
        }
    }

    private static Node nonNull(Node n) {
        return n instanceof JsonReader.Null ? null : n;
    }

    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 80; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return b.toString();
    }

    // ---- rules -----------------------------------------------------------------------------

    /**
     * Per syscall, in order of first mention: the first unconditional alternative alone when
     * there is one (libseccomp keeps it and drops every conditional rule of the call);
     * otherwise the conditional alternatives, most restrictive action first (stable).
     */
    static List<Rule> rules(List<Alt> alts) {
        Map<String, List<Alt>> byName = new LinkedHashMap<>();
        for (Alt a : alts) {
            byName.computeIfAbsent(a.name(), k -> new ArrayList<>()).add(a);
        }
        List<Rule> out = new ArrayList<>();
        for (var e : byName.entrySet()) {
            Optional<Alt> uncond = e.getValue().stream().filter(a -> a.conditions().isEmpty()).findFirst();
            if (uncond.isPresent()) {
                out.add(rule(uncond.get()));
                continue;
            }
            List<Alt> sorted = new ArrayList<>(e.getValue());
            sorted.sort(Comparator.comparingInt((Alt a) -> precedence(a.action())));
            for (Alt a : sorted) {
                out.add(rule(a));
            }
        }
        return out;
    }

    private static Rule rule(Alt a) {
        return new Rule(a.name(), a.action(), a.conditions(), a.reason(), a.origin());
    }

    /** The kernel's precedence of actions (lower wins): KILL_PROCESS first, ALLOW last. */
    static int precedence(Action a) {
        return switch (a) {
            case Action.KillProcess k -> 0;
            case Action.KillThread k -> 1;
            case Action.Trap t -> 2;
            case Action.Errno e -> 3;
            case Action.Notify n -> 4;
            case Action.Trace t -> 5;
            case Action.Log l -> 6;
            case Action.Allow x -> 7;
        };
    }

    // ---- names -----------------------------------------------------------------------------

    /** "amd64, arm64, riscv64": the GOARCH of each native architecture, for messages. */
    private static final String GO_NAMES = String.join(", ", Arrays.stream(Arch.values())
            .filter(Arch::isNativeCapable).flatMap(a -> a.goArch().stream()).toList());

    /** Every system call name of any Linux architecture (generated by scripts/gen-syscall-names). */
    static final class LinuxNames {
        static final Set<String> ALL = load();

        private static Set<String> load() {
            Set<String> s = new TreeSet<>();
            for (String l : Resources.text("linux-syscall-names.txt").split("\n")) {
                String t = l.strip();
                if (!t.isEmpty() && !t.startsWith("#")) {
                    s.add(t);
                }
            }
            // jbox's own tables (newer than libseccomp's list, perhaps)
            for (Arch a : Arch.values()) {
                a.syscalls().all().forEach(x -> s.add(x.name()));
            }
            return Set.copyOf(s);
        }
    }

    private static Map<String, String> linked(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private static Map<String, Op> linkedOps() {
        Map<String, Op> m = new LinkedHashMap<>();
        m.put("SCMP_CMP_NE", Op.NE);
        m.put("SCMP_CMP_LT", Op.LT);
        m.put("SCMP_CMP_LE", Op.LE);
        m.put("SCMP_CMP_EQ", Op.EQ);
        m.put("SCMP_CMP_GE", Op.GE);
        m.put("SCMP_CMP_GT", Op.GT);
        m.put("SCMP_CMP_MASKED_EQ", Op.MASKED_EQ);
        return m;
    }
}
