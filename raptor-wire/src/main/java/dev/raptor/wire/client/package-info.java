/**
 * {@link dev.raptor.wire.client.RaptorClient}: the Java client of the daemon's API, over its Unix socket or
 * HTTP, on Jetty's HTTP and WebSocket clients. Its answers are the records of {@code raptor-wire}.
 *
 * <h2>Where to look</h2>
 * <ul>
 *   <li>the node: {@link dev.raptor.wire.client.RaptorClient} ({@code health}, {@code system}), made by
 *       {@link dev.raptor.wire.client.RaptorClient#overUnixSocket}, {@link dev.raptor.wire.client.RaptorClient#overHttp}
 *       or its {@link dev.raptor.wire.client.RaptorClient.Builder}</li>
 *   <li>servers: {@link dev.raptor.wire.client.Servers} (list, create) and {@link dev.raptor.wire.client.ServerClient}
 *       (one server: power, command, logs, stats, activity, tokens, patch, delete), and its backups,
 *       {@link dev.raptor.wire.client.BackupsClient} (create, list, download, lock, restore, delete)</li>
 *   <li>live output: {@link dev.raptor.wire.client.LogStream} (a followed log) and
 *       {@link dev.raptor.wire.client.ConsoleWebSocket} (the console socket)</li>
 *   <li>operations answered before they finished: {@link dev.raptor.wire.client.OperationsClient}</li>
 *   <li>export and import: {@link dev.raptor.wire.client.StateTransfer}</li>
 *   <li>failures: {@link dev.raptor.wire.client.RaptorException} and its three kinds</li>
 * </ul>
 *
 * <h2>Rules</h2>
 * Every call has a deadline (connect 10 s, a call 30 s, a call that waits for an operation 11 minutes;
 * all set on the builder), except a followed log and a backup's download, which last until they are closed. Calls block the calling
 * thread (a virtual thread is fine); console messages arrive on the client's own threads.
 */
package dev.raptor.wire.client;
