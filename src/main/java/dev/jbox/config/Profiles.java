package dev.jbox.config;

import com.electronwill.nightconfig.core.Config;
import dev.jbox.policy.Action;
import dev.jbox.policy.ArchScope;
import dev.jbox.policy.Errnos;
import dev.jbox.policy.Policy;
import dev.jbox.policy.Rule;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The profiles jbox knows (its presets, plus a user's) and their resolution into a
 * {@link Policy}: {@code extends} chains, groups, defaults.
 *
 * <p>Rule order is priority order (the first matching rule of a syscall wins): a profile's
 * own rules come before its parent's, so a child can relax or tighten what it inherits;
 * within one profile, {@code allow} first, then {@code [[rules]]} in file order, then
 * {@code deny}.
 */
public final class Profiles {

    public static final String DEFAULT_PROFILE = "minimal";
    public static final List<String> PRESETS = List.of("minimal", "strict", "dev", "nested");

    private final Map<String, ProfileSpec> specs;
    private final Groups groups;
    private final Supplier<Collection<String>> knownSyscalls;

    private Profiles(Map<String, ProfileSpec> specs, Groups groups, Supplier<Collection<String>> knownSyscalls) {
        this.specs = specs;
        this.groups = groups;
        this.knownSyscalls = knownSyscalls;
    }

    private static final class Holder {
        static final Profiles BUILTIN = loadBuiltin();
    }

    /** jbox's presets only. */
    public static Profiles builtin() {
        return Holder.BUILTIN;
    }

    private static Profiles loadBuiltin() {
        try {
            // the tree presets.toml parses into, built from constants (EmbedToml: the parse is ~20 ms)
            return presets(BuiltinToml.presets());
        } catch (ConfigException e) {
            throw new IllegalStateException("built-in presets.toml is broken: " + e.getMessage(), e);
        }
    }

    /**
     * The presets defined by {@code text} (presets.toml), which must define exactly the
     * profiles named in {@link #PRESETS}: a preset defined but not listed would never be
     * offered, one listed but not defined would resolve to nothing.
     */
    static Profiles presets(String text) throws ConfigException {
        return presets(TomlFiles.parse(text, "presets.toml"));
    }

    /** {@link #presets(String)} for the tree it parses into. */
    static Profiles presets(Config c) throws ConfigException {
        Map<String, ProfileSpec> parsed = new LinkedHashMap<>();
        for (ProfileSpec s : ProfileParser.parse(c.get("profiles"), "preset")) {
            parsed.put(s.name(), s);
        }
        if (!parsed.keySet().equals(new java.util.HashSet<>(PRESETS))) {
            throw new ConfigException("presets.toml defines " + String.join(", ", new java.util.TreeSet<>(parsed.keySet()))
                    + " but jbox's presets are " + String.join(", ", PRESETS));
        }
        Map<String, ProfileSpec> m = new LinkedHashMap<>(); // in the documented order
        for (String name : PRESETS) {
            m.put(name, parsed.get(name));
        }
        // Preset names are checked by the test suite against every table; no need to
        // load all tables on each start.
        return new Profiles(m, Groups.builtin(), List::of);
    }

    /**
     * These profiles plus a user's, whose syscall names are checked against
     * {@code knownSyscalls} (every name of every architecture's table).
     */
    public Profiles with(List<ProfileSpec> user, Supplier<Collection<String>> knownSyscalls) throws ConfigException {
        Map<String, ProfileSpec> m = new LinkedHashMap<>(specs);
        for (ProfileSpec s : user) {
            if (PRESETS.contains(s.name()) || s.name().equals("none")) {
                throw new ConfigException(s.origin() + ": profile '" + s.name()
                        + "' has the name of a preset; choose another name and use extends = \"" + s.name() + "\"");
            }
            m.put(s.name(), s);
        }
        return new Profiles(m, groups, knownSyscalls);
    }

    public Collection<ProfileSpec> all() {
        return specs.values();
    }

    public Optional<ProfileSpec> spec(String name) {
        return Optional.ofNullable(specs.get(name));
    }

    public Groups groups() {
        return groups;
    }

    /** The policy a profile name stands for. */
    public Policy resolve(String name) throws ConfigException {
        List<ProfileSpec> chain = chain(name);
        ProfileSpec top = chain.getFirst();
        // Settings: the nearest profile in the chain that sets them.
        Action defaultAction = defaultAction(chain);
        ArchScope scope = first(chain, ProfileSpec::arches).orElse(ArchScope.NATIVE_COMPAT);
        Optional<Action> future = first(chain, ProfileSpec::futureSyscalls)
                .filter(f -> !f.equals("none"))
                .map(f -> Action.errno(Errnos.number(f).orElseThrow()));
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < chain.size(); i++) {
            ProfileSpec s = chain.get(i);
            // A rule without an errno takes the default_errno in effect where it was written.
            int errno = errnoInEffect(chain, i);
            String where = s.origin() + ": profile '" + s.name() + "'";
            for (String n : s.allow()) {
                add(rules, n, Action.ALLOW, List.of(), "allowed by profile '" + s.name() + "'", s, where);
            }
            for (RuleSpec r : s.rules()) {
                Action a = r.action().orElse(Action.errno(errno));
                for (String n : r.syscalls()) {
                    add(rules, n, a, r.conditions(), r.reason(), s, where);
                }
            }
            for (String n : s.deny()) {
                add(rules, n, Action.errno(errno), List.of(), "denied by profile '" + s.name() + "'", s, where);
            }
        }
        return new Policy(top.name(), defaultAction, rules, scope, future, Action.KILL_PROCESS);
    }

    /**
     * The nearest default_action; "errno" takes the default_errno in effect where that
     * default_action was written, as a rule without an errno does. ALLOW when none is set.
     */
    private static Action defaultAction(List<ProfileSpec> chain) {
        for (int i = 0; i < chain.size(); i++) {
            Optional<ProfileSpec.DefaultAction> d = chain.get(i).defaultAction();
            if (d.isPresent()) {
                return switch (d.get()) {
                    case ProfileSpec.DefaultAction.Given g -> g.action();
                    case ProfileSpec.DefaultAction.ErrnoInEffect e -> Action.errno(errnoInEffect(chain, i));
                };
            }
        }
        return Action.ALLOW;
    }

    /** The default_errno of chain[i], else of its nearest ancestor that sets one, else EPERM. */
    private static int errnoInEffect(List<ProfileSpec> chain, int i) {
        return first(chain.subList(i, chain.size()), ProfileSpec::defaultErrno).orElse(1); // EPERM
    }

    private void add(List<Rule> rules, String entry, Action action, List<dev.jbox.policy.Condition> conds,
                     String reason, ProfileSpec s, String where) throws ConfigException {
        String origin = entry.startsWith("@") ? s.name() + " " + entry : s.name();
        for (String name : groups.expand(entry, where)) {
            Collection<String> known = knownSyscalls.get();
            if (!known.isEmpty() && !known.contains(name)) {
                throw new ConfigException(where + ": unknown syscall '" + name + "'" + Suggest.hint(name, known));
            }
            rules.add(new Rule(name, action, conds, reason, origin));
        }
    }

    /** The profile followed by its ancestors; refuses unknown names and cycles. */
    private List<ProfileSpec> chain(String name) throws ConfigException {
        List<ProfileSpec> chain = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        String cur = name;
        String from = null;
        while (cur != null) {
            if (seen.contains(cur)) {
                seen.add(cur);
                throw new ConfigException(chain.getFirst().origin() + ": extends cycle: " + String.join(" -> ", seen));
            }
            seen.add(cur);
            ProfileSpec s = specs.get(cur);
            if (s == null) {
                List<String> known = new ArrayList<>(specs.keySet());
                known.add("none");
                String prefix = from == null ? "" : from + ": ";
                throw new ConfigException(prefix + "unknown profile '" + cur + "'" + Suggest.hint(cur, known)
                        + "; known profiles: " + String.join(", ", specs.keySet()));
            }
            chain.add(s);
            from = s.origin() + ": profile '" + s.name() + "' extends";
            cur = s.parent().orElse(null);
        }
        return chain;
    }

    private static <T> Optional<T> first(List<ProfileSpec> chain, java.util.function.Function<ProfileSpec, Optional<T>> f) {
        for (ProfileSpec s : chain) {
            Optional<T> v = f.apply(s);
            if (v.isPresent()) {
                return v;
            }
        }
        return Optional.empty();
    }
}
