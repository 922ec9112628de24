package dev.raptor.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.PullImageCmd;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.PullResponseItem;
import dev.raptor.core.image.ImageReference;
import dev.raptor.core.image.PullProgress;

import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Pulls an image: for {@code pullImage}, and for a {@code create} that did not find its image. Runs inside one
 * engine call, under its deadline, with the credentials configured for the image's registry (by host, see
 * {@link dev.raptor.core.image.ImageReference#registryOf}); every step the engine reports goes to a listener.
 *
 * <p>A reference without tag or digest gets {@code :latest}: the engine's pull endpoint would otherwise
 * fetch every tag of the repository.
 */
final class ImagePull {
    private ImagePull() {
    }

    /**
     * @throws ImagePullFailed when the engine reports a failure (no such image, registry unreachable...)
     */
    static void pull(DockerClient client, String image, Map<String, RegistryCredential> registries) throws Exception {
        pull(client, image, registries, p -> { });
    }

    /**
     * @param progress told every step the engine reports, on the pull's reader thread
     * @throws ImagePullFailed when the engine reports a failure (no such image, registry unreachable...)
     */
    static void pull(DockerClient client, String image, Map<String, RegistryCredential> registries, Consumer<PullProgress> progress)
            throws Exception {
        AtomicReference<String> error = new AtomicReference<>();
        AwaitedStream<PullResponseItem> pull = new AwaitedStream<>(item -> {
            if (item.isErrorIndicated()) {
                String message = item.getErrorDetail() != null ? item.getErrorDetail().getMessage() : item.getError();
                error.compareAndSet(null, message != null ? message : "the engine reported a pull error");
            } else if (item.getStatus() != null) {
                long current = item.getProgressDetail() == null || item.getProgressDetail().getCurrent() == null ? 0
                        : item.getProgressDetail().getCurrent();
                long total = item.getProgressDetail() == null || item.getProgressDetail().getTotal() == null ? 0
                        : item.getProgressDetail().getTotal();
                // the engine names the layer in "id"; messages about the whole image carry the tag there, or nothing
                String layer = item.getId() != null && item.getId().matches("[0-9a-f]{12}") ? item.getId() : null;
                progress.accept(new PullProgress(layer, item.getStatus(), current, total));
            }
        });
        PullImageCmd cmd = client.pullImageCmd(withTag(image));
        RegistryCredential credential = registries.get(ImageReference.registryOf(image));
        if (credential != null) {
            cmd.withAuthConfig(new AuthConfig().withUsername(credential.username()).withPassword(credential.password())
                    .withRegistryAddress(ImageReference.registryOf(image)));
        }
        cmd.exec(pull);
        pull.await();
        if (error.get() != null) {
            throw new ImagePullFailed(error.get());
        }
    }

    static String withTag(String image) {
        return ImageReference.withTag(image);
    }

    /** The engine could not pull the image. */
    static final class ImagePullFailed extends Exception {
        ImagePullFailed(String message) {
            super(message);
        }
    }
}
