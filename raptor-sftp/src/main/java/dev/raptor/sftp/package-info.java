/**
 * raptor-sftp: SFTP (Apache MINA SSHD) and FTP/FTPS (Apache FtpServer) on the files jail. Both speak to a server's
 * files only through {@link dev.raptor.files.ServerFiles}: there is no second notion of what a path may reach.
 *
 * <h2>Where to look</h2>
 * <ul>
 *   <li>wiring it up: {@link dev.raptor.sftp.FileTransfers} (one per daemon: the SFTP server, the FTP server when
 *       configured, the shared logins and sessions)</li>
 *   <li>who may log in: {@link dev.raptor.sftp.login.Logins} (login names {@code <username>.<short server id>},
 *       passwords and keys against the store's {@link dev.raptor.store.sftp.SftpUsers}, expiry, locked files),
 *       {@link dev.raptor.sftp.login.LoginThrottle} (the brute-force guards, one per protocol; their counters are
 *       {@link dev.raptor.sftp.login.LoginThrottleStats}), {@link dev.raptor.sftp.login.OpenSessions} (what ends a
 *       session: its user or server deleted, its server's files locked)</li>
 *   <li>what a user may do: {@link dev.raptor.sftp.volume.UserVolume} (permissions, activity entries, then the
 *       jail), shared by both protocols</li>
 *   <li>SFTP: {@link dev.raptor.sftp.ssh.SftpServer} (algorithms, authentication, the sftp subsystem only), the
 *       NIO file system MINA's SFTP code runs on ({@code JailFileSystem}, {@code JailFileSystemProvider},
 *       {@code JailSftpAccessor}: every call is a volume call), the status codes ({@code SftpStatuses}) and
 *       {@code ChaCha20Poly1305} (OpenSSH's preferred cipher on the JDK's ChaCha20, with our {@code Poly1305}, in
 *       place of MINA's plain-Java one)</li>
 *   <li>FTP: {@link dev.raptor.sftp.ftp.FtpServer}, {@code JailFtpFiles} (FtpServer's file system over the volume),
 *       {@code FtpsCertificate}</li>
 *   <li>servers whose files are on a node agent (a swarm worker): {@link dev.raptor.sftp.agent.AgentRoutes} (which
 *       they are), {@code AgentSftpPipe} (the manager pipes such a user's {@code sftp} channel to the agent over
 *       {@code AgentSftpClient}), {@link dev.raptor.sftp.ssh.AgentSftpServer} (the agent's SFTP link: the same subsystem
 *       and jail over its volumes), {@link dev.raptor.sftp.agent.AgentLinkKeys} (both ends' keys, from the agent key),
 *       {@link dev.raptor.sftp.agent.AgentSftpSession} (what the manager tells the agent of each channel)</li>
 * </ul>
 */
package dev.raptor.sftp;
