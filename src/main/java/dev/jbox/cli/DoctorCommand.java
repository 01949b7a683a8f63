package dev.jbox.cli;

import dev.jbox.config.JsonWriter;
import dev.jbox.launch.Doctor;
import dev.jbox.launch.Session;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

final class DoctorCommand implements Subcommand {

    static final String NAME = "doctor";

    private final OptionSpec jsonOpt = CommandModel.flag("One JSON object: {\"ready\": ..., \"checks\": [...]}.", "--json");

    @Override
    public CommandSpec spec() {
        CommandSpec spec = CommandModel.command(NAME, this,
                "Check what a sandbox needs here, and explain each finding with a fix.",
                "It checks bwrap, user namespaces, seccomp, the JDK and TIOCSTI, then starts a real sandbox, as 'run' "
                        + "would, and one inside it (nested sandboxes, which the profile in effect may refuse).");
        return spec.addOption(jsonOpt);
    }

    @Override
    public Integer call() throws Exception {
        Doctor.Inputs in = Session.doctor(Session.Host.current());
        List<Doctor.Check> checks = Doctor.run(in);
        boolean ready = Doctor.ready(checks);
        if (CommandModel.on(jsonOpt)) {
            List<Object> list = new ArrayList<>();
            for (Doctor.Check c : checks) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", c.id());
                m.put("title", c.title());
                m.put("status", c.status().name().toLowerCase(java.util.Locale.ROOT));
                m.put("detail", c.detail());
                m.put("fix", c.fix());
                list.add(m);
            }
            Map<String, Object> top = new LinkedHashMap<>();
            top.put("ready", ready);
            top.put("checks", list);
            System.out.println(JsonWriter.of(top));
        } else {
            StringBuilder sb = new StringBuilder();
            for (Doctor.Check c : checks) {
                sb.append(String.format("%-5s %s%n", c.status(), c.title()));
                sb.append("      ").append(c.detail()).append('\n');
                if (!c.fix().isEmpty()) {
                    sb.append("      fix: ").append(c.fix()).append('\n');
                }
            }
            sb.append(ready ? "\nready: jbox can start sandboxes here\n"
                    : "\nnot ready: a sandbox cannot start here (see FAIL above); 'jbox run --no-namespaces' applies the "
                    + "filter without bwrap where namespaces are unavailable\n");
            System.out.print(sb);
        }
        System.out.flush();
        return ready ? 0 : 1;
    }
}
