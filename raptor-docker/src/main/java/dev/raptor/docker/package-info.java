/**
 * Raptor's {@link dev.raptor.core.runtime.ContainerRuntime} on a Docker Engine, through docker-java 3.7
 * (core + Apache httpclient5 transport) over the engine's Unix socket (or plain TCP).
 *
 * <p>Entry point: {@link dev.raptor.docker.DockerRuntime#connect(String)}. How it keeps its promises:
 * <ul>
 *   <li>deadlines: {@link dev.raptor.docker.EngineCalls}, {@link dev.raptor.docker.CallContext};</li>
 *   <li>console input: {@link dev.raptor.docker.StdinAttach}, {@link dev.raptor.docker.HijackedConnection};</li>
 *   <li>streams: {@link dev.raptor.docker.EngineStream}, {@link dev.raptor.docker.EventsSubscription};</li>
 *   <li>images known without asking, while the engine's image events say nothing changed:
 *       {@link dev.raptor.docker.KnownImages}, {@link dev.raptor.docker.ImageWatch};</li>
 *   <li>what a container is made of: {@link dev.raptor.docker.ContainerBlueprint}.</li>
 * </ul>
 */
package dev.raptor.docker;
