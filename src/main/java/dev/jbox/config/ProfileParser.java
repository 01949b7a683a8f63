package dev.jbox.config;

import com.electronwill.nightconfig.core.Config;
import dev.jbox.policy.Action;
import dev.jbox.policy.ArchScope;
import dev.jbox.policy.Condition;
import dev.jbox.policy.Errnos;
import dev.jbox.policy.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/** Turns the {@code [profiles.NAME]} tables of a TOML file into {@link ProfileSpec}s. */
final class ProfileParser {
    private ProfileParser() {
    }

    static final Set<String> PROFILE_KEYS = Set.of("description", "extends", "default_action", "default_errno",
            "arches", "future_syscalls", "allow", "deny", "rules");
    static final Set<String> RULE_KEYS = Set.of("syscalls", "syscall", "action", "errno", "trace", "args", "reason");
    static final Set<String> ARG_KEYS = Set.of("arg", "op", "value", "mask");
    static final List<String> ACTIONS = List.of("allow", "errno", "kill", "kill-process", "kill-thread", "trap",
            "log", "trace");

    static List<ProfileSpec> parse(Config profiles, String origin) throws ConfigException {
        List<ProfileSpec> out = new ArrayList<>();
        for (var e : profiles.entrySet()) {
            String where = origin + ": profile '" + e.getKey() + "'";
            if (!(e.getValue() instanceof Config t)) {
                throw new ConfigException(where + ": must be a table ([profiles." + e.getKey() + "])");
            }
            out.add(profile(e.getKey(), t, origin, where));
        }
        return out;
    }

    private static ProfileSpec profile(String name, Config t, String origin, String where) throws ConfigException {
        TomlFiles.checkKeys(t, PROFILE_KEYS, where);
        Optional<Integer> defaultErrno = Optional.empty();
        if (t.contains("default_errno")) {
            defaultErrno = Optional.of(errno(t.get("default_errno"), where + ": default_errno"));
        }
        Optional<ProfileSpec.DefaultAction> defaultAction = Optional.empty();
        if (t.contains("default_action")) {
            String a = string(t, "default_action", where);
            // "errno" takes the default_errno in effect, which may come from a parent: Profiles.resolve
            defaultAction = Optional.of(a.equals("errno") ? new ProfileSpec.DefaultAction.ErrnoInEffect()
                    : new ProfileSpec.DefaultAction.Given(action(a, Optional.empty(), 1, where + ": default_action")));
        }
        Optional<ArchScope> arches = Optional.empty();
        if (t.contains("arches")) {
            String a = string(t, "arches", where);
            arches = Optional.of(switch (a) {
                case "native" -> ArchScope.NATIVE;
                case "native+compat" -> ArchScope.NATIVE_COMPAT;
                default -> throw new ConfigException(where + ": arches must be \"native\" or \"native+compat\", not \"" + a + "\"");
            });
        }
        Optional<String> future = Optional.empty();
        if (t.contains("future_syscalls")) {
            String f = string(t, "future_syscalls", where);
            if (!f.equals("none")) {
                errno(f, where + ": future_syscalls");
            }
            future = Optional.of(f);
        }
        List<RuleSpec> rules = new ArrayList<>();
        if (t.contains("rules")) {
            Object r = t.get("rules");
            if (!(r instanceof List<?> list)) {
                throw new ConfigException(where + ": rules must be an array of tables ([[profiles." + name + ".rules]])");
            }
            int i = 0;
            for (Object o : list) {
                i++;
                if (!(o instanceof Config rt)) {
                    throw new ConfigException(where + ": rule " + i + " must be a table");
                }
                rules.add(rule(rt, where + ", rule " + i));
            }
        }
        return new ProfileSpec(name, origin, t.contains("description") ? string(t, "description", where) : "",
                t.contains("extends") ? Optional.of(string(t, "extends", where)) : Optional.empty(),
                defaultAction, defaultErrno, arches, future,
                names(t, "allow", where), names(t, "deny", where), rules);
    }

    private static RuleSpec rule(Config rt, String where) throws ConfigException {
        TomlFiles.checkKeys(rt, RULE_KEYS, where);
        List<String> syscalls;
        if (rt.contains("syscalls") == rt.contains("syscall")) {
            throw new ConfigException(where + ": give exactly one of 'syscalls' (a list) or 'syscall' (a name)");
        }
        syscalls = rt.contains("syscalls") ? names(rt, "syscalls", where) : List.of(string(rt, "syscall", where));
        if (syscalls.isEmpty()) {
            throw new ConfigException(where + ": 'syscalls' is empty");
        }
        Optional<Action> action = Optional.empty();
        if (rt.contains("action") || rt.contains("errno") || rt.contains("trace")) {
            String a = rt.contains("action") ? string(rt, "action", where) : rt.contains("trace") ? "trace" : "errno";
            Optional<Object> errnoValue = Optional.ofNullable(rt.get("errno"));
            if (errnoValue.isPresent() && !a.equals("errno")) {
                throw new ConfigException(where + ": 'errno' only goes with action = \"errno\", not \"" + a + "\"");
            }
            if (a.equals("errno") && errnoValue.isEmpty()) {
                action = Optional.empty(); // the profile's default errno
            } else {
                int trace = 0;
                if (rt.contains("trace")) {
                    trace = (int) number(rt.get("trace"), where + ": trace", 0, 0xFFFF);
                }
                action = Optional.of(a.equals("trace") ? new Action.Trace(trace)
                        : action(a, errnoValue, 1, where + ": action"));
            }
        }
        List<Condition> conds = new ArrayList<>();
        if (rt.contains("args")) {
            if (!(rt.get("args") instanceof List<?> list)) {
                throw new ConfigException(where + ": args must be an array of tables like { arg = 0, op = \"eq\", value = 1 }");
            }
            int i = 0;
            for (Object o : list) {
                i++;
                if (!(o instanceof Config ct)) {
                    throw new ConfigException(where + ": args[" + i + "] must be a table like { arg = 0, op = \"eq\", value = 1 }");
                }
                conds.add(condition(ct, where + ", args[" + i + "]"));
            }
        }
        return new RuleSpec(syscalls, action, conds, rt.contains("reason") ? string(rt, "reason", where) : "");
    }

    private static Condition condition(Config ct, String where) throws ConfigException {
        TomlFiles.checkKeys(ct, ARG_KEYS, where);
        for (String k : List.of("arg", "op", "value")) {
            if (!ct.contains(k)) {
                throw new ConfigException(where + ": missing '" + k + "'");
            }
        }
        int arg = (int) number(ct.get("arg"), where + ": arg", 0, 5);
        String opName = string(ct, "op", where);
        Op op;
        try {
            op = Op.valueOf(opName.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            List<String> ops = List.of("eq", "ne", "lt", "le", "gt", "ge", "masked_eq");
            throw new ConfigException(where + ": unknown op '" + opName + "'" + Suggest.hint(opName, ops)
                    + "; ops are " + String.join(", ", ops));
        }
        long value = value(ct.get("value"), where + ": value");
        if (op == Op.MASKED_EQ) {
            if (!ct.contains("mask")) {
                throw new ConfigException(where + ": op masked_eq needs a 'mask'");
            }
            long mask = value(ct.get("mask"), where + ": mask");
            if ((value & ~mask) != 0) {
                throw new ConfigException(where + String.format(
                        ": value 0x%x has bits outside mask 0x%x, so it can never match", value, mask));
            }
            return Condition.masked(arg, mask, value);
        }
        if (ct.contains("mask")) {
            throw new ConfigException(where + ": 'mask' only goes with op = \"masked_eq\"");
        }
        return Condition.of(arg, op, value);
    }

    static Action action(String name, Optional<Object> errno, int defaultErrno, String where) throws ConfigException {
        return switch (name) {
            case "allow" -> Action.ALLOW;
            case "errno" -> Action.errno(errno.isPresent() ? errno(errno.get(), where) : defaultErrno);
            case "kill", "kill-process" -> Action.KILL_PROCESS;
            case "kill-thread" -> Action.KILL_THREAD;
            case "trap" -> Action.TRAP;
            case "log" -> Action.LOG;
            case "trace" -> new Action.Trace(0);
            default -> throw new ConfigException(where + ": unknown action '" + name + "'" + Suggest.hint(name, ACTIONS)
                    + "; actions are " + String.join(", ", ACTIONS));
        };
    }

    static int errno(Object v, String where) throws ConfigException {
        if (v instanceof String s) {
            OptionalInt n = Errnos.number(s);
            if (n.isEmpty()) {
                throw new ConfigException(where + ": unknown errno '" + s + "'" + Suggest.hint(s.toUpperCase(Locale.ROOT), Errnos.names()));
            }
            return n.getAsInt();
        }
        return (int) number(v, where, 0, 4095);
    }

    private static long number(Object v, String where, long min, long max) throws ConfigException {
        if (!(v instanceof Number n) || v instanceof Double || v instanceof Float) {
            throw new ConfigException(where + ": must be an integer in " + min + ".." + max);
        }
        long l = n.longValue();
        if (l < min || l > max) {
            throw new ConfigException(where + ": " + l + " is outside " + min + ".." + max);
        }
        return l;
    }

    private static long value(Object v, String where) throws ConfigException {
        if (v instanceof Integer || v instanceof Long) {
            return ((Number) v).longValue();
        }
        if (v instanceof String s) {
            OptionalLong l = SymbolicValues.parse(s);
            if (l.isEmpty()) {
                throw new ConfigException(where + ": '" + s + "' is not a number or a known constant"
                        + Suggest.hint(s, SymbolicValues.names()));
            }
            return l.getAsLong();
        }
        throw new ConfigException(where + ": must be an integer or a constant name such as \"AF_UNIX\"");
    }

    private static String string(Config t, String key, String where) throws ConfigException {
        Object v = t.get(key);
        if (!(v instanceof String s)) {
            throw new ConfigException(where + ": '" + key + "' must be a string");
        }
        return s;
    }

    private static List<String> names(Config t, String key, String where) throws ConfigException {
        if (!t.contains(key)) {
            return List.of();
        }
        Object v = t.get(key);
        if (!(v instanceof List<?> list)) {
            throw new ConfigException(where + ": '" + key + "' must be a list of syscall names and @groups");
        }
        List<String> out = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof String s)) {
                throw new ConfigException(where + ": '" + key + "' must hold only strings (syscall names and @groups)");
            }
            out.add(s);
        }
        return out;
    }
}
