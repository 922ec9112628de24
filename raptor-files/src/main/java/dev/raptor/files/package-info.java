/**
 * raptor-files: one server's files, jailed. Every path a user (HTTP, SFTP, FTP) or Raptor itself (backups,
 * installs) names is resolved beneath the server's root and never leaves it; deny rules, the quota and disk
 * usage are checked in the same place, so there is no second notion of what a path may reach.
 *
 * <h2>Where to look</h2>
 * <ul>
 *   <li>the entry points: {@link dev.raptor.files.ServerVolumes} (one per node) hands out
 *       {@link dev.raptor.files.ServerFiles} (one server, one method per operation) under a
 *       {@link dev.raptor.files.FilePolicy} (rules + quota)</li>
 *   <li>refusals: {@link dev.raptor.files.FilesException} and its subclasses, one per problem type
 *       ({@code path-outside-root}, {@code denied}, {@code not-found}, {@code quota-exceeded}, ...)</li>
 *   <li>how a path stays inside, races and hard links, ownership of new files: {@link dev.raptor.files.jail.Jail}
 *       (read its Javadoc first), {@link dev.raptor.files.jail.Session} (component-by-component resolution),
 *       {@link dev.raptor.files.jail.LinuxCalls} (why openat/O_PATH through the FFM API)</li>
 *   <li>deny rules: {@link dev.raptor.files.rules.AccessRules} on {@link dev.raptor.files.rules.IgnoreRules}
 *       (gitignore syntax)</li>
 *   <li>quota and disk usage: {@link dev.raptor.files.usage.DiskUsageTracker} (background scans, never waited
 *       for; the stats hub reads it as core's {@code DiskUsageSource}), {@link dev.raptor.files.usage.ServerUsage}
 *       (the ledger writes reserve against)</li>
 *   <li>after a crash: {@link dev.raptor.files.LeftoverCleanup} removes an earlier run's temporary files in the
 *       background at boot</li>
 *   <li>long operations: {@link dev.raptor.files.TreeCopy}, {@link dev.raptor.files.TreeDelete},
 *       {@link dev.raptor.files.Compression}, {@link dev.raptor.files.Extraction} (plan, stage, check, merge);
 *       formats in {@link dev.raptor.files.archive}</li>
 * </ul>
 */
package dev.raptor.files;
