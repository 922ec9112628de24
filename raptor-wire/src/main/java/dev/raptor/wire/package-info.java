/**
 * The public contract of Raptor's API: one record per request, response, event and export document,
 * written and read by one Jackson mapper ({@link dev.raptor.wire.json.WireJson}). The daemon answers
 * with these records and a client reads them back; nothing here depends on the daemon's side (no
 * store, no HTTP server), only on {@code raptor-core}'s value types.
 *
 * <h2>Where to look</h2>
 * <ul>
 *   <li>servers: {@link dev.raptor.wire.server.ServerDocument}, {@link dev.raptor.wire.server.ServerList},
 *       the patch {@link dev.raptor.wire.server.ServerPatch},
 *       the spec {@link dev.raptor.wire.server.ServerSpecDocument} and its codec
 *       {@link dev.raptor.wire.server.ServerSpecJson}, which decodes a spec naming every bad field at once</li>
 *   <li>power: {@link dev.raptor.wire.operation.PowerRequest}, {@link dev.raptor.wire.operation.OperationDocument}</li>
 *   <li>console: {@link dev.raptor.wire.console.CommandRequest}, {@link dev.raptor.wire.console.LogsDocument},
 *       the console socket's {@link dev.raptor.wire.console.SocketMessage} and {@link dev.raptor.wire.console.WingsStats}</li>
 *   <li>files: {@link dev.raptor.wire.files.FileListDocument}, {@link dev.raptor.wire.files.WriteDocument}, the requests of
 *       the file routes ({@link dev.raptor.wire.files.RenameRequest}, {@link dev.raptor.wire.files.CompressRequest}...),
 *       signed links ({@link dev.raptor.wire.files.SignedUrlDocument}); a spec's {@link dev.raptor.wire.server.FileRulesDocument}</li>
 *   <li>history and readings: {@link dev.raptor.wire.activity.ActivityPage}, {@link dev.raptor.wire.stats.StatsDocument}</li>
 *   <li>node: {@link dev.raptor.wire.node.NodeHealth}, {@link dev.raptor.wire.node.NodeSystem}</li>
 *   <li>tokens: {@link dev.raptor.wire.auth.TokenRequest}, {@link dev.raptor.wire.auth.TokenDocument}</li>
 *   <li>errors: {@link dev.raptor.wire.problem.Problem} (RFC 9457)</li>
 *   <li>state: {@link dev.raptor.wire.state.StateExportDocument}, {@link dev.raptor.wire.state.ImportReportDocument},
 *       and {@link dev.raptor.wire.state.StateDocuments}, which reads an export or the legacy
 *       {@code containers.json} ({@link dev.raptor.wire.state.LegacyContainers}) into an import plan</li>
 *   <li>reading requests: {@link dev.raptor.wire.json.JsonObjectReader} (every wrong or unknown member
 *       named), {@link dev.raptor.wire.json.JsonMergePatch} (RFC 7396)</li>
 * </ul>
 *
 * <h2>Rules</h2>
 * camelCase members (the Wings-shaped console documents excepted); a record's absent optional members
 * are not written, and the members the API writes as {@code null} say so on the record; times are
 * ISO-8601 instants, durations seconds. What the daemon receives is read by the validating readers, so
 * that a request with several bad or unknown members gets all of them named in one 400; a client reading
 * an answer skips members it does not know. The shapes are checked against {@code openapi.json}, body by
 * body, by raptor-api's tests.
 */
package dev.raptor.wire;
