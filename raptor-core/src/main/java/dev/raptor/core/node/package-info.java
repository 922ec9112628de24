/**
 * The machines servers run on: one for the Docker and process runtimes, every node of the cluster for Swarm.
 * {@link dev.raptor.core.node.RuntimeNode} is what a runtime reports, {@link dev.raptor.core.node.NodeOverview}
 * joins it with the fleet's servers and ports ({@code GET /api/v1/nodes}).
 */
package dev.raptor.core.node;
