package dev.raptor.wire.socketio;

import java.util.List;

/** The answer to {@code list_containers}: the servers the connection may see. */
public record ContainerList(List<ContainerDocument> containers) {
    public ContainerList {
        containers = List.copyOf(containers);
    }
}
