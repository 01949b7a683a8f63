package dev.jbox.cli;

import dev.jbox.config.Groups;
import dev.jbox.config.ProfileSpec;
import picocli.CommandLine.Model.CommandSpec;

final class ProfilesCommand implements Subcommand {

    static final String NAME = "profiles";

    private final ConfigOption config = new ConfigOption();

    @Override
    public CommandSpec spec() {
        CommandSpec spec = CommandModel.command(NAME, this, "List the profiles and the syscall groups, one line each.");
        config.addTo(spec);
        return spec;
    }

    @Override
    public Integer call() throws Exception {
        StringBuilder sb = new StringBuilder("profiles:\n");
        for (ProfileSpec s : config.load().allProfiles().all()) {
            String from = s.origin().equals("preset") ? "" : " (" + s.origin() + ")";
            String ext = s.parent().map(p -> " [extends " + p + "]").orElse("");
            sb.append(String.format("  %-10s %s%s%s%n", s.name(), s.description(), ext, from));
        }
        sb.append(String.format("  %-10s %s%n", "none", "no seccomp filter (namespaces only)"));
        sb.append("\ngroups:\n");
        for (Groups.Group g : Groups.builtin().all()) {
            sb.append(String.format("  %-16s %s%n", "@" + g.name(), g.description()));
        }
        System.out.print(sb);
        return 0;
    }
}
