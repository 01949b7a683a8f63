package dev.jbox.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

final class CompletionCommand implements Subcommand {

    static final String NAME = "completion";

    private final PositionalParamSpec shellArg = CommandModel.positional("SHELL", String.class, "0", "1", "bash or zsh.");

    @Override
    public CommandSpec spec() {
        CommandSpec spec = CommandModel.command(NAME, this, "Print a shell completion script for jbox.",
                "Load it in the shell you use (bash: or save it as ~/.local/share/bash-completion/completions/jbox; "
                        + "zsh: in ~/.zshrc):",
                "  source <(jbox completion bash)",
                "  source <(jbox completion zsh)");
        return spec.addPositional(shellArg);
    }

    @Override
    public Integer call() throws Exception {
        CommandLine root = Main.commandLine(""); // the full model, not just this subcommand
        String script = AutoComplete.bash("jbox", root);
        String shell = CommandModel.get(shellArg);
        switch (shell) {
            // picocli's script serves both: under zsh it loads compinit and bashcompinit itself
            case "bash", "zsh" -> System.out.print(script);
            default -> throw new Errors.UsageException("unknown shell '" + shell + "': choose bash or zsh");
        }
        System.out.flush();
        return 0;
    }
}
