package dev.jbox.cli;

import dev.jbox.config.JsonWriter;
import dev.jbox.arch.Arch;
import dev.jbox.config.ProfileSpec;
import dev.jbox.config.Profiles;
import dev.jbox.policy.Policy;
import dev.jbox.policy.Rule;
import dev.jbox.review.Subject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

final class ExplainCommand implements Subcommand {

    static final String NAME = "explain";

    private final ProfileOptions profile = new ProfileOptions();
    private final OptionSpec jsonOpt = CommandModel.flag("Machine-readable output.", "--json");
    private final OptionSpec cacheOpt = CommandModel.flag(
            "List, per ABI, the syscalls the kernel's constant-action cache (Linux 5.11+) always allows"
                    + " without running the filter, and those that run it.", "--cache");

    @Override
    public CommandSpec spec() {
        CommandSpec spec = CommandModel.command(NAME, this,
                "Print a profile's rules, grouped, with their action and reason, and what the compiled filter looks like.",
                "For one system call, 'jbox check SYSCALL [ARG...]' shows the verdict and the rule that decided it.");
        profile.addTo(spec);
        return spec.addOption(jsonOpt).addOption(cacheOpt);
    }

    /** {@code jbox explain ptrace}: explain prints a whole profile; {@code check} answers for one call. */
    @Override
    public Optional<String> unexpected(String arg) {
        if (Arch.host().syscalls().number(arg).isPresent()) {
            return Optional.of("'" + arg + "' is a system call: 'jbox check " + arg + "' shows what the profile does "
                    + "with it (explain prints the whole profile)");
        }
        if (Profiles.PRESETS.contains(arg)) {
            return Optional.of("the profile is an option: 'jbox explain --profile " + arg + "'");
        }
        return Optional.empty();
    }

    /** Rules that say the same thing about several syscalls, shown together. */
    record Entry(String action, String conditions, String reason, String origin, List<String> syscalls) {
    }

    /**
     * Replays the kernel's check (seccomp_is_const_allow) for every syscall of every ABI
     * the program decides for.
     */
    private int printCache(Subject p, boolean json) {
        Map<String, Object> byAbi = new LinkedHashMap<>();
        StringBuilder sb = new StringBuilder();
        for (Subject.Cache c : p.cache()) {
            byAbi.put(c.abi(), Map.of("always_allowed", c.cached(), "run_filter", c.checked()));
            sb.append(c.abi()).append(": ").append(c.cached().size()).append(" of ")
                    .append(c.cached().size() + c.checked().size())
                    .append(" syscalls always allowed without running the filter\n");
            sb.append("  run the filter (refused, or checked by argument): ").append(String.join(" ", c.checked()))
                    .append("\n");
        }
        System.out.print(json ? JsonWriter.of(byAbi) + "\n" : sb.toString());
        return 0;
    }

    private String from() throws Exception {
        String f = profile.resolve(false).filter().choice().from();
        return f.isEmpty() ? "default" : f;
    }

    @Override
    public Integer call() throws Exception {
        Arch arch = profile.arch();
        Profiles profiles = profile.profiles();
        Policy policy = profile.policy(false);
        boolean json = CommandModel.on(jsonOpt);
        Subject p = profile.program(null, null, false);
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (Rule r : policy.rules()) {
            String conds = r.conditions().isEmpty() ? "" : r.conditions().toString();
            String key = r.action() + "|" + conds + "|" + r.reason() + "|" + r.origin();
            entries.computeIfAbsent(key, k -> new Entry(r.action().toString(), conds, r.reason(), r.origin(), new ArrayList<>()))
                    .syscalls().add(r.syscall());
        }
        List<String> chain = new ArrayList<>();
        for (String n = policy.name(); n != null; ) {
            chain.add(n);
            n = profiles.spec(n).flatMap(ProfileSpec::parent).orElse(null);
        }
        if (CommandModel.on(cacheOpt)) {
            return printCache(p, json);
        }
        Subject.Cache nativeCache = p.cache(arch);
        int cacheable = nativeCache.cached().size();
        int known = cacheable + nativeCache.checked().size();
        Map<String, List<String>> skipped = p.skipped();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("profile", policy.name());
            m.put("from", from());
            m.put("extends", chain.subList(1, chain.size()));
            m.put("description", profiles.spec(policy.name()).map(ProfileSpec::description).orElse(""));
            m.put("default_action", policy.defaultAction().toString());
            m.put("arches", p.arches());
            m.put("future_syscalls", policy.futureAction().map(Object::toString).orElse("default"));
            List<Object> rs = new ArrayList<>();
            for (Entry e : entries.values()) {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("action", e.action());
                x.put("syscalls", e.syscalls());
                x.put("conditions", e.conditions());
                x.put("reason", e.reason());
                x.put("from", e.origin());
                rs.add(x);
            }
            m.put("rules", rs);
            m.put("skipped", skipped);
            m.put("instructions", p.length());
            m.put("cacheable_syscalls", cacheable);
            m.put("known_syscalls", known);
            System.out.println(JsonWriter.of(m));
            return 0;
        }
        StringBuilder sb = new StringBuilder();
        sb.append("profile ").append(policy.name());
        if (chain.size() > 1) {
            sb.append(" (extends ").append(String.join(" -> ", chain.subList(1, chain.size()))).append(')');
        }
        sb.append(" (from ").append(from()).append(")\n");
        profiles.spec(policy.name()).map(ProfileSpec::description).filter(d -> !d.isEmpty())
                .ifPresent(d -> sb.append("  ").append(d).append('\n'));
        sb.append("  default action: ").append(policy.defaultAction()).append('\n');
        sb.append("  architectures:  ").append(String.join(", ", p.arches()))
                .append("; any other: ").append(policy.badArchAction());
        if (arch == Arch.X86_64) {
            sb.append("; x32: ").append(Policy.X32_ACTION);
        }
        sb.append('\n');
        policy.futureAction().ifPresent(f -> sb.append("  syscalls newer than jbox's tables (above ")
                .append(arch.syscalls().maxNumber()).append(" on ").append(arch.id()).append("): ").append(f).append('\n'));
        sb.append("\nrules (first match wins, in this order):\n");
        for (Entry e : entries.values()) {
            sb.append("  ").append(e.action());
            if (!e.conditions().isEmpty()) {
                sb.append(" when ").append(e.conditions());
            }
            sb.append("  [").append(e.origin()).append("]\n");
            sb.append("      ").append(String.join(" ", e.syscalls())).append('\n');
            if (!e.reason().isEmpty()) {
                sb.append("      why: ").append(e.reason()).append('\n');
            }
        }
        for (var s : skipped.entrySet()) {
            if (!s.getValue().isEmpty()) {
                sb.append("\nnot on ").append(s.getKey()).append(" (skipped there): ")
                        .append(String.join(" ", s.getValue())).append('\n');
            }
        }
        sb.append("\nfilter for ").append(arch.id()).append(": ").append(p.length()).append(" instructions; ")
                .append(cacheable).append(" of ").append(known)
                .append(" native syscalls are always allowed without running it (kernel cache)\n");
        System.out.print(sb);
        return 0;
    }
}
