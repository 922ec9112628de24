/**
 * Raptor's {@link dev.raptor.core.runtime.ContainerRuntime} on Docker Swarm: one service per server, pinned to the
 * node chosen at create, restarted by Raptor, never by Swarm.
 *
 * <p>Entry point: {@link dev.raptor.swarm.SwarmRuntime#connect}. Where to look:
 * <ul>
 *   <li>what a server's service is made of: {@link dev.raptor.swarm.ServiceBlueprint};</li>
 *   <li>which node a server goes to, and the per-node ports: {@link dev.raptor.swarm.NodePlacement};</li>
 *   <li>how a service's current run is read from its tasks: {@link dev.raptor.swarm.TaskFacts}.</li>
 * </ul>
 * Calls to each node's engine go through raptor-docker's {@link dev.raptor.docker.DockerRuntime}.
 */
package dev.raptor.swarm;
