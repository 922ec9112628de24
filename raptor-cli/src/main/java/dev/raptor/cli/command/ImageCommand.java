package dev.raptor.cli.command;

import dev.raptor.cli.Cli;
import dev.raptor.cli.CliException;
import dev.raptor.cli.ExitCode;
import dev.raptor.cli.RaptorCtl;
import dev.raptor.cli.output.Human;
import dev.raptor.cli.output.Table;
import dev.raptor.cli.spec.KeyValue;
import dev.raptor.wire.client.OperationsClient;
import dev.raptor.wire.image.ImageDocument;
import dev.raptor.wire.image.ImageList;
import dev.raptor.wire.image.ImagePruneDocument;
import dev.raptor.wire.operation.OperationDocument;
import dev.raptor.wire.operation.OperationProgress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The node's images: {@code raptorctl images}, {@code pull IMAGE} (a progress bar per layer), {@code rmi IMAGE},
 * {@code image prune}. Each verb is also {@code image ls|pull|rm|prune}, like docker's.
 */
@Command(name = "image", mixinStandardHelpOptions = true, description = "Manage the node's images (ls, pull, rm, prune).",
        subcommands = {ImageCommand.Ls.class, ImageCommand.Pull.class, ImageCommand.Rm.class, ImageCommand.Prune.class})
public final class ImageCommand extends VerbGroup {

    /** How often a pull's operation is read while it runs. */
    private static final Duration POLL = Duration.ofMillis(300);
    private static final int BAR = 30;

    /** {@code images} / {@code image ls}. */
    @Command(name = "ls", mixinStandardHelpOptions = true, description = "List the node's images and the servers that use them.")
    public static class Ls implements Callable<Integer> {
        @ParentCommand
        Object parent;

        @Option(names = "--json", description = "Print the daemon's answer as JSON.")
        boolean json;

        @Override
        public Integer call() {
            Cli cli = cli(parent);
            ImageList list = cli.client().images().list();
            if (json) {
                cli.printJson(list.images());
                return 0;
            }
            Table t = new Table("REPOSITORY:TAG", "IMAGE ID", "SIZE", "USED BY");
            for (ImageDocument i : list.images()) {
                String id = i.id().replaceFirst("^sha256:", "");
                String used = i.usedBy().isEmpty() ? "" : i.usedBy().size() + " server" + (i.usedBy().size() == 1 ? "" : "s");
                for (String tag : i.tags().isEmpty() ? List.of("<none>") : i.tags()) {
                    t.row(tag, id.substring(0, Math.min(12, id.length())), Human.bytes(i.sizeBytes()), used);
                }
            }
            cli.out().print(t.render());
            cli.out().flush();
            return 0;
        }
    }

    /** {@code pull IMAGE} / {@code image pull IMAGE}. */
    @Command(name = "pull", mixinStandardHelpOptions = true,
            description = {"Pull an image with the node's login for its registry, showing every layer's progress.",
                    "e.g. raptorctl pull registry.example.com:5000/games/lobby:1"})
    public static class Pull implements Callable<Integer> {
        @ParentCommand
        Object parent;

        @Parameters(paramLabel = "IMAGE", description = "The reference to pull (:latest when it names no tag).")
        String image;

        @Option(names = {"-q", "--quiet"}, description = "Print only the image id when done.")
        boolean quiet;

        @Option(names = "--json", description = "Print the finished operation as JSON.")
        boolean json;

        @Override
        public Integer call() throws InterruptedException {
            Cli cli = cli(parent);
            OperationDocument op = cli.client().images().pull(image);
            ProgressView view = new ProgressView(cli, !quiet && !json);
            while (OperationsClient.PENDING.equals(op.status())) {
                view.show(op.progress());
                Thread.sleep(POLL);
                op = cli.client().operations().get(op.id());
            }
            view.show(op.progress());
            if (json) {
                cli.printJson(op);
            }
            if (!"done".equals(op.status()) || op.image() == null) {
                throw new CliException(ExitCode.FAILURE, "pull of " + image + " " + op.status() + ": " + op.reason());
            }
            if (!json) {
                cli.out().println(quiet ? op.image().id() : "pulled " + image + " (" + op.image().id() + ")");
                cli.out().flush();
            }
            return 0;
        }
    }

    /** {@code rmi IMAGE} / {@code image rm IMAGE}. */
    @Command(name = "rm", mixinStandardHelpOptions = true,
            description = "Remove an image (a tag of several only loses that tag); refused (exit 4) while a server uses it.")
    public static class Rm implements Callable<Integer> {
        @ParentCommand
        Object parent;

        @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "References or ids.")
        List<String> images = new ArrayList<>();

        @Override
        public Integer call() {
            Cli cli = cli(parent);
            for (String image : images) {
                cli.client().images().remove(image);
                cli.out().println("removed " + image);
                cli.out().flush();
            }
            return 0;
        }
    }

    /** {@code image prune}. */
    @Command(name = "prune", mixinStandardHelpOptions = true,
            description = "Remove every image no server's spec names and no container uses.")
    public static class Prune implements Callable<Integer> {
        @ParentCommand
        Object parent;

        @Option(names = "--filter", paramLabel = "label=KEY=VALUE", description = "Only images carrying this label (repeatable).")
        List<String> filters = new ArrayList<>();

        @Option(names = "--json", description = "Print the daemon's answer as JSON.")
        boolean json;

        @Override
        public Integer call() {
            Cli cli = cli(parent);
            Map<String, String> labels = new LinkedHashMap<>();
            for (String f : filters) {
                if (!f.startsWith("label=")) {
                    throw CliException.usage("--filter '" + f + "': only label=KEY=VALUE is known");
                }
                KeyValue kv = KeyValue.parse(f.substring("label=".length()));
                labels.put(kv.key(), kv.value());
            }
            ImagePruneDocument pruned = cli.client().images().prune(labels);
            if (json) {
                cli.printJson(pruned);
                return 0;
            }
            pruned.removed().forEach(r -> cli.out().println("removed " + r));
            cli.out().println("reclaimed " + Human.bytes(pruned.reclaimedBytes()));
            cli.out().flush();
            return 0;
        }
    }

    /** The top-level {@code images}. */
    @Command(name = "images", mixinStandardHelpOptions = true, description = "List the node's images (image ls).")
    public static final class Images extends Ls {
    }

    /** The top-level {@code pull}. */
    @Command(name = "pull", mixinStandardHelpOptions = true,
            description = {"Pull an image with the node's login for its registry, showing every layer's progress (image pull).",
                    "e.g. raptorctl pull registry.example.com:5000/games/lobby:1"})
    public static final class PullVerb extends Pull {
    }

    /** The top-level {@code rmi}. */
    @Command(name = "rmi", mixinStandardHelpOptions = true,
            description = "Remove an image; refused (exit 4) while a server uses it (image rm).")
    public static final class Rmi extends Rm {
    }

    private static Cli cli(Object parent) {
        return switch (parent) {
            case RaptorCtl root -> root.cli();
            case ImageCommand group -> group.root.cli();
            default -> throw new IllegalStateException("image verb under " + parent);
        };
    }

    /**
     * A pull's progress: on a terminal one line per layer, redrawn in place with a bar; elsewhere a line each time a
     * layer's step changes, so a log of it reads well.
     */
    static final class ProgressView {
        private final Cli cli;
        private final boolean enabled;
        private final Map<String, String> lastStep = new HashMap<>();
        private int drawn;

        ProgressView(Cli cli, boolean enabled) {
            this.cli = cli;
            this.enabled = enabled;
        }

        void show(OperationProgress progress) {
            if (!enabled || progress == null || progress.layers() == null) {
                return;
            }
            if (cli.terminal().interactive()) {
                StringBuilder out = new StringBuilder();
                if (drawn > 0) {
                    out.append("\u001b[").append(drawn).append('A');
                }
                for (OperationProgress.Layer l : progress.layers()) {
                    out.append("\u001b[2K").append(line(l)).append('\n');
                }
                drawn = progress.layers().size();
                cli.out().print(out);
            } else {
                for (OperationProgress.Layer l : progress.layers()) {
                    if (!l.status().equals(lastStep.put(l.layer(), l.status()))) {
                        cli.out().println(l.layer() + ": " + l.status());
                    }
                }
            }
            cli.out().flush();
        }

        static String line(OperationProgress.Layer l) {
            String s = l.layer() + ": " + String.format("%-16s", l.status());
            if (l.totalBytes() > 0) {
                int filled = (int) Math.min(BAR, BAR * l.currentBytes() / l.totalBytes());
                s += " [" + "=".repeat(Math.max(0, filled - 1)) + (filled > 0 ? ">" : "") + " ".repeat(BAR - filled) + "] "
                        + Human.bytes(l.currentBytes()) + "/" + Human.bytes(l.totalBytes());
            }
            return s;
        }
    }
}
