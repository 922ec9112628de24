package dev.raptor.backup;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** {@link TreeState} for tests in other packages. */
public final class TreeStateAccess {
    private TreeStateAccess() {
    }

    /** Sets every time in the tree to one instant (tar keeps times to 100 ns, the file system to 1 ns). */
    public static void stamp(Path root) throws IOException {
        TestTree.stamp(root);
    }

    public static Map<String, String> of(Path root) throws IOException {
        return TreeState.of(root, true);
    }
}
