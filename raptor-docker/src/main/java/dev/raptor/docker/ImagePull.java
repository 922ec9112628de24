package dev.raptor.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.PullResponseItem;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Pulls an image that {@code create} did not find locally. Runs inside the create call, under its deadline.
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
    static void pull(DockerClient client, String image) throws Exception {
        AtomicReference<String> error = new AtomicReference<>();
        AwaitedStream<PullResponseItem> pull = new AwaitedStream<>(item -> {
            if (item.isErrorIndicated()) {
                String message = item.getErrorDetail() != null ? item.getErrorDetail().getMessage() : null;
                error.compareAndSet(null, message != null ? message : "the engine reported a pull error");
            }
        });
        client.pullImageCmd(withTag(image)).exec(pull);
        pull.await();
        if (error.get() != null) {
            throw new ImagePullFailed(error.get());
        }
    }

    static String withTag(String image) {
        if (image.contains("@")) {
            return image;
        }
        int slash = image.lastIndexOf('/');
        return image.indexOf(':', slash + 1) >= 0 ? image : image + ":latest";
    }

    /** The engine could not pull the image. */
    static final class ImagePullFailed extends Exception {
        ImagePullFailed(String message) {
            super(message);
        }
    }
}
