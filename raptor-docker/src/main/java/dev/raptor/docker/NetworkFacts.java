package dev.raptor.docker;

import com.github.dockerjava.api.model.Network;
import dev.raptor.core.network.NetworkInfo;
import dev.raptor.core.server.ServerSpec;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads {@link NetworkInfo} out of the engine's network inspect answer. */
final class NetworkFacts {
    /** Marks the networks a Raptor runtime made (with its node label, when it has one). */
    static final String NETWORK_LABEL = "dev.raptor.network";

    private NetworkFacts() {
    }

    static NetworkInfo from(Network n) {
        String subnet = n.getIpam() == null || n.getIpam().getConfig() == null || n.getIpam().getConfig().isEmpty() ? null
                : n.getIpam().getConfig().getFirst().getSubnet();
        Map<String, String> labels = new LinkedHashMap<>();
        if (n.getLabels() != null) {
            n.getLabels().forEach((k, v) -> {
                if (!k.startsWith(ServerSpec.RESERVED_LABEL_PREFIX)) {
                    labels.put(k, v);
                }
            });
        }
        List<String> containers = n.getContainers() == null ? List.of()
                : n.getContainers().values().stream().map(Network.ContainerNetworkConfig::getName).sorted().toList();
        return new NetworkInfo(n.getId(), n.getName(), n.getDriver(), subnet, Boolean.TRUE.equals(n.getInternal()), labels, containers,
                n.getCreated() == null ? null : Instant.ofEpochMilli(n.getCreated().getTime()));
    }
}
