package dev.raptor.core.runtime;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * Which of the containers labelled for one server is the server's container (rule 6). Normally there is
 * one or none; more happen (a create abandoned at its deadline that the engine finished anyway, a copy
 * made behind Raptor's back) and are duplicates to remove. The one kept is the one with the server's
 * deterministic name, then a running one, so that removing the others never stops what the server runs
 * as. Boot reconciliation and the controller choose by this one rule.
 *
 * @param keep       the server's container, or null when it has none
 * @param duplicates the others, to remove
 */
public record ContainerSelection(ContainerInfo keep, List<ContainerInfo> duplicates) {
    private static final ContainerSelection NONE = new ContainerSelection(null, List.of());

    public ContainerSelection {
        duplicates = List.copyOf(duplicates);
    }

    /** Chooses among {@code found}, the containers a search by the server's label answered. */
    public static ContainerSelection of(UUID serverId, List<ContainerInfo> found) {
        if (found.isEmpty()) {
            return NONE;
        }
        String name = RuntimeLabels.containerName(serverId);
        List<ContainerInfo> ordered = new ArrayList<>(found);
        ordered.sort(Comparator.<ContainerInfo, Boolean>comparing(c -> !name.equals(bareName(c.ref().name())))
                .thenComparing(c -> !c.running()));
        return new ContainerSelection(ordered.getFirst(), ordered.subList(1, ordered.size()));
    }

    /** Whether the server has a container that runs. */
    public boolean running() {
        return keep != null && keep.running();
    }

    /** Docker reports names with a leading slash. */
    private static String bareName(String name) {
        return name != null && name.startsWith("/") ? name.substring(1) : name;
    }
}
