package dev.raptor.wire.server;

import java.util.List;

/**
 * {@code fileRules} of a spec: gitignore patterns, one per element, of the server's files users may not see
 * ({@code deny}) or may read but not change ({@code readOnly}). They bind the file API, SFTP/FTP, archives and
 * restores, never what runs: changing them recreates no container.
 *
 * <pre>{@code {"deny": ["*.log", "/secrets/"], "readOnly": ["/server.jar"]}}</pre>
 */
public record FileRulesDocument(List<String> deny, List<String> readOnly) {
}
