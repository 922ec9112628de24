package dev.raptor.cli.command;

import dev.raptor.cli.RaptorCtl;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * {@code raptorctl completion bash|zsh}: a completion script from picocli's AutoComplete. The script
 * serves zsh too, through bashcompinit, which it loads itself when run by zsh.
 */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Print a shell completion script.",
                "bash: source <(raptorctl completion bash)    zsh: source <(raptorctl completion zsh)"})
public final class CompletionCommand implements Callable<Integer> {

    enum Shell { bash, zsh }

    @ParentCommand
    RaptorCtl root;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "SHELL", description = "bash or zsh.")
    Shell shell;

    @Override
    public Integer call() {
        CommandLine top = spec.commandLine().getParent();
        String script = AutoComplete.bash("raptorctl", top);
        if (shell == Shell.zsh) {
            script = "#compdef raptorctl\nautoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n" + script;
        }
        spec.commandLine().getOut().print(script);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
