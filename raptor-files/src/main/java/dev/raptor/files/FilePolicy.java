package dev.raptor.files;

import dev.raptor.core.limits.Limits;
import dev.raptor.core.server.FileRules;
import dev.raptor.core.server.ServerSpec;
import dev.raptor.files.rules.AccessRules;

/**
 * What one server's files may hold and who may touch which: its deny rules and its quota.
 *
 * @param rules      deny and read-only rules (gitignore syntax)
 * @param quotaBytes the disk quota in bytes, 0 = none
 */
public record FilePolicy(AccessRules rules, long quotaBytes) {
    public static final FilePolicy UNRESTRICTED = new FilePolicy(AccessRules.NONE, 0);

    public FilePolicy {
        rules = rules == null ? AccessRules.NONE : rules;
        if (quotaBytes < 0) {
            throw new IllegalArgumentException("quotaBytes must be 0 (none) or positive");
        }
    }

    /** A server's policy from its spec: its file rules ({@code fileRules}) and its quota ({@code limits.diskMiB}). */
    public static FilePolicy of(ServerSpec spec) {
        FileRules r = spec.fileRules();
        return of(spec.limits(), r.isEmpty() ? AccessRules.NONE : AccessRules.of(r.deny(), r.readOnly()));
    }

    /** A server's quota from its limits ({@code diskMiB}, 0 = none). */
    public static FilePolicy of(Limits limits, AccessRules rules) {
        return new FilePolicy(rules, Math.multiplyExact(limits.diskMiB(), 1024L * 1024));
    }
}
