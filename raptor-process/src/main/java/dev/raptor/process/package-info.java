/**
 * The process runtime: {@link dev.raptor.process.ProcessRuntime}, a
 * {@link dev.raptor.core.runtime.ContainerRuntime} that runs game servers as supervised local processes when
 * no container engine is reachable.
 *
 * <h2>How a server runs</h2>
 * <pre>
 * daemon (JVM) ── spawns ──▶ sh supervisor.sh &lt;record&gt;                 own session (posix_spawn); outlives the daemon
 *                              ├─ awk tag.awk (O) ─┐
 *                              ├─ awk tag.awk (E) ─┴─▶ awk pump.awk ──▶ console.NNNNNNNNN.log (rotated)
 *                              └─ [joins cgroup] setsid setpriv … sh -c '&lt;startup&gt;'   own session + group,
 *                                    stdin  ◀── stdin.pipe (FIFO, held open by the supervisor)      server user,
 *                                    stdout ──▶ out.pipe, stderr ──▶ err.pipe                        data dir as cwd
 * </pre>
 * The supervisor records the pids (with their start times) and the exit status in the server's record
 * directory; the daemon only ever reads that directory and /proc, so a new daemon over the same state
 * directory sees exactly what the old one saw. See {@link dev.raptor.process.RecordFiles} for the layout,
 * {@code supervisor.sh} for the supervisor and {@link dev.raptor.process.RunFacts} for how a state is read.
 *
 * <h2>Where to look</h2>
 * <ul>
 *   <li>records and runs: {@link dev.raptor.process.StateDirectory}, {@link dev.raptor.process.ContainerRecord},
 *       {@link dev.raptor.process.Supervisor}, {@link dev.raptor.process.RunFacts}</li>
 *   <li>processes: {@link dev.raptor.process.ProcessId}, {@link dev.raptor.process.ProcessTable},
 *       {@link dev.raptor.process.RunKiller}, {@link dev.raptor.process.LibC}; waits for a start and an exit:
 *       {@link dev.raptor.process.PollBackoff}</li>
 *   <li>limits: {@link dev.raptor.process.Cgroups} (v1, v2 or none), {@link dev.raptor.process.ServerCgroup}</li>
 *   <li>console: {@link dev.raptor.process.StdinFifo}, {@link dev.raptor.process.ConsoleLog},
 *       {@link dev.raptor.process.LogFollower}, {@link dev.raptor.process.LogHolds} (the files a follower has not
 *       finished, which the pump keeps for it)</li>
 *   <li>streams: {@link dev.raptor.process.ThreadSubscription}, {@link dev.raptor.process.EventWatcher},
 *       {@link dev.raptor.process.StatsSampler}</li>
 * </ul>
 */
package dev.raptor.process;
