/**
 * Game-aware status: what a game server says about itself (players online and slots, version, MOTD).
 *
 * <p>Where to look: {@link dev.raptor.query.GameStatusClient} and its three protocols,
 * {@link dev.raptor.query.minecraft.ServerListPing} (with {@link dev.raptor.query.minecraft.LegacyPing}
 * for servers before 1.7), {@link dev.raptor.query.source.A2sInfo} (with the 2020 challenge) and
 * {@link dev.raptor.query.rcon.RconStatus}; {@link dev.raptor.query.GameStatusPoller} asks every
 * target on an interval, never on a server controller's thread. The value types a spec and the API
 * share ({@code GameQuery}, {@code GameStatus}, {@code QueryResult}) live in raptor-core's
 * {@code dev.raptor.core.query}. The tests' responders in {@code dev.raptor.query.testing} are written
 * from the public protocol descriptions and check every byte a client sends.
 */
package dev.raptor.query;
