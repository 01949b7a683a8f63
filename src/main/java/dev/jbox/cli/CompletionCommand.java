package dev.jbox.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Print a shell completion script for jbox.",
                "bash: source <(jbox completion bash)   (or save it in ~/.local/share/bash-completion/completions/jbox)",
                "zsh:  source <(jbox completion zsh)    (in ~/.zshrc)"})
final class CompletionCommand implements Callable<Integer> {

    @Parameters(paramLabel = "SHELL", description = "bash or zsh.")
    String shell;

    @Override
    public Integer call() throws Exception {
        CommandLine root = Main.commandLine(""); // the full model, not just this subcommand
        String script = AutoComplete.bash("jbox", root);
        switch (shell) {
            // picocli's script serves both: under zsh it loads compinit and bashcompinit itself
            case "bash", "zsh" -> System.out.print(script);
            default -> throw new Errors.UsageException("unknown shell '" + shell + "': choose bash or zsh");
        }
        System.out.flush();
        return 0;
    }
}
