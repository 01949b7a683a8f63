package dev.jbox.cli;

import dev.jbox.config.ConfigException;
import dev.jbox.config.ConfigFile;
import dev.jbox.config.JsonWriter;
import dev.jbox.config.OciExport;
import dev.jbox.arch.Arch;
import dev.jbox.launch.CallLog;
import dev.jbox.policy.Action;
import dev.jbox.policy.Condition;
import dev.jbox.policy.Errnos;
import dev.jbox.policy.NotifyingPolicies;
import dev.jbox.policy.Policy;
import dev.jbox.policy.Rule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The profile {@code jbox learn} writes: a jbox TOML file with {@code [sandbox] seccomp =
 * "learned"} and {@code [profiles.learned]}, an allow-list of the calls the command made over
 * the base preset it extends (so the base's refusals, architecture check and x32 answer stay),
 * everything else refused with {@link #ERRNO}. Each entry says what made it necessary.
 */
final class LearnedProfile {
    private LearnedProfile() {
    }

    /** The profile's name in the file. */
    static final String NAME = "learned";

    /**
     * Unlisted calls answer ENOSYS: the answer of a kernel that lacks them, from which programs
     * that probe a call (clone3, statx, rseq, close_range, ...) fall back. EPERM would make them fail.
     */
    static final String ERRNO = "ENOSYS";

    /** The errno for socket families the command did not use. */
    static final String SOCKET_ERRNO = "EAFNOSUPPORT";

    /** Who made a call, and how often: "/usr/bin/python3.11 x12, /usr/bin/sh x1". */
    private static String callers(Map<String, Long> byExe) {
        List<String> out = new ArrayList<>();
        // a path is whatever a sandboxed program named its file: never let it end a comment
        byExe.forEach((exe, n) -> out.add(oneLine(exe) + " x" + n));
        return String.join(", ", out);
    }

    /**
     * The TOML text.
     *
     * @param baseName the preset it extends
     * @param base     that preset, resolved
     * @param command  the command that was run
     * @param entries  what the listener recorded
     */
    static String toml(String baseName, Policy base, List<String> command, List<CallLog.Entry> entries) {
        Map<String, Map<String, Long>> seen = new TreeMap<>();
        Map<String, Map<String, Long>> families = new TreeMap<>();
        Map<String, Map<String, Long>> refused = new TreeMap<>();
        for (CallLog.Entry e : entries) {
            CallLog.Call c = e.call();
            if (c.syscall().startsWith("nr ")) {
                continue; // a number no table names cannot be allowed by name: it stays refused
            }
            if (c.refused()) {
                refused.computeIfAbsent(c.shown() + ": " + Errnos.name(c.errno()), k -> new TreeMap<>())
                        .merge(c.executable(), e.count(), Long::sum);
                continue;
            }
            seen.computeIfAbsent(c.syscall(), k -> new TreeMap<>()).merge(c.executable(), e.count(), Long::sum);
            if (c.syscall().equals("socket") && !c.argument().isEmpty()) {
                families.computeIfAbsent(c.argument(), k -> new TreeMap<>()).merge(c.executable(), e.count(), Long::sum);
            }
        }
        String cmd = String.join(" ", command);
        StringBuilder sb = new StringBuilder();
        sb.append("# Learned by `jbox learn` from one run of:\n#   ").append(oneLine(cmd)).append('\n');
        sb.append("# Base: ").append(baseName).append(" (extended: its refusals, architecture check and x32 answer stay).\n");
        sb.append("# Every call not allowed here is refused with ").append(ERRNO).append(".\n");
        sb.append("# Use it: jbox run --config THIS_FILE -- ").append(oneLine(cmd)).append('\n');
        if (!refused.isEmpty()) {
            sb.append("#\n# The command made these calls, and ").append(baseName)
                    .append(" refused them; they stay refused:\n");
            refused.forEach((k, v) -> sb.append("#   ").append(oneLine(k)).append(" (").append(callers(v)).append(")\n"));
        }
        sb.append("\n[sandbox]\nseccomp = ").append(JsonWriter.str(NAME)).append("\n\n");
        sb.append("[profiles.").append(NAME).append("]\n");
        sb.append("description = ").append(JsonWriter.str(oneLine("learned from: " + cmd + " (base " + baseName + ")")))
                .append('\n');
        sb.append("extends = ").append(JsonWriter.str(baseName)).append('\n');
        sb.append("default_action = \"errno\"\n");
        sb.append("default_errno = ").append(JsonWriter.str(ERRNO)).append('\n');

        TreeSet<String> names = new TreeSet<>(seen.keySet());
        names.addAll(NotifyingPolicies.LEARN_CORE);
        names.addAll(NotifyingPolicies.BWRAP_NEEDS);
        List<String> ruled = new ArrayList<>();
        sb.append("allow = [\n");
        for (String n : names) {
            if (!base.rulesFor(n).isEmpty() || (n.equals("socket") && !families.isEmpty())) {
                ruled.add(n);
                continue;
            }
            List<String> why = new ArrayList<>();
            if (seen.containsKey(n)) {
                why.add(callers(seen.get(n)));
            }
            if (NotifyingPolicies.LEARN_CORE.contains(n)) {
                why.add("core");
            }
            if (NotifyingPolicies.BWRAP_NEEDS.contains(n)) {
                why.add("bwrap needs it");
            }
            sb.append("    ").append(JsonWriter.str(n)).append(",  # ").append(String.join("; ", why)).append('\n');
        }
        sb.append("]\n");
        for (String n : ruled) {
            String why = seen.containsKey(n) ? callers(seen.get(n)) : "bwrap needs it";
            // the base's own rules for this call first, so its refusals keep winning
            for (Rule r : base.rulesFor(n)) {
                rule(sb, n, r.action(), r.conditions(), "kept from " + baseName
                        + (r.reason().isEmpty() ? "" : ": " + r.reason()));
            }
            if (n.equals("socket") && !families.isEmpty()) {
                for (var f : families.entrySet()) {
                    long v = dev.jbox.config.SymbolicValues.parse(f.getKey()).orElse(-1);
                    if (v >= 0) {
                        rule(sb, n, Action.ALLOW, List.of(Condition.of(0, dev.jbox.policy.Op.EQ, v)),
                                f.getKey() + ": " + callers(f.getValue()));
                    }
                }
                sb.append("\n[[profiles.").append(NAME).append(".rules]]\nsyscall = \"socket\"\nerrno = ")
                        .append(JsonWriter.str(SOCKET_ERRNO)).append("\nreason = \"socket families the command did not use\"\n");
            } else {
                rule(sb, n, Action.ALLOW, List.of(), why);
            }
        }
        return sb.toString();
    }

    private static void rule(StringBuilder sb, String syscall, Action action, List<Condition> conds, String reason) {
        sb.append("\n[[profiles.").append(NAME).append(".rules]]\n");
        sb.append("syscall = ").append(JsonWriter.str(syscall)).append('\n');
        switch (action) {
            case Action.Errno e -> sb.append("errno = ").append(JsonWriter.str(Errnos.name(e.errno()))).append('\n');
            case Action.Allow a -> sb.append("action = \"allow\"\n");
            case Action.KillProcess k -> sb.append("action = \"kill\"\n");
            case Action.KillThread k -> sb.append("action = \"kill-thread\"\n");
            case Action.Trap t -> sb.append("action = \"trap\"\n");
            case Action.Log l -> sb.append("action = \"log\"\n");
            case Action.Trace t -> sb.append("trace = ").append(t.data()).append('\n');
            case Action.Notify n -> throw new IllegalArgumentException("a learned profile has no notify rules");
        }
        if (!conds.isEmpty()) {
            List<String> args = new ArrayList<>();
            for (Condition c : conds) {
                String a = "{ arg = " + c.arg() + ", op = \"" + c.op().name().toLowerCase(Locale.ROOT) + "\", value = \"0x"
                        + Long.toHexString(c.value()) + "\"";
                if (c.op() == dev.jbox.policy.Op.MASKED_EQ) {
                    a += ", mask = \"0x" + Long.toHexString(c.mask()) + "\"";
                }
                args.add(a + " }");
            }
            sb.append("args = [").append(String.join(", ", args)).append("]\n");
        }
        sb.append("reason = ").append(JsonWriter.str(oneLine(reason))).append('\n');
    }

    /** {@code s} with every control character (a newline would end a TOML comment) as '?'. */
    static String oneLine(String s) {
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return b.toString();
    }

    /**
     * The same profile as an OCI/Docker seccomp profile: the TOML is loaded back through the
     * config loader (so it is checked like any user file) and exported.
     */
    static String oci(String toml) throws ConfigException, IOException {
        Path tmp = Files.createTempFile("jbox-learned-", ".toml");
        try {
            Files.writeString(tmp, toml);
            Policy p = ConfigFile.load(tmp).allProfiles().resolve(NAME);
            return OciExport.export(p, Arch.host());
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Checks that the TOML loads and compiles as a profile (a learned file must never fail to run). */
    static Policy check(String toml) throws ConfigException, IOException {
        Path tmp = Files.createTempFile("jbox-learned-", ".toml");
        try {
            Files.writeString(tmp, toml);
            return ConfigFile.load(tmp).allProfiles().resolve(NAME);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
