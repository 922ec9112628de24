/**
 * What keeps guessing expensive, shared by every way in: {@link dev.raptor.core.security.FailureBackoff} counts
 * failed attempts per key (an address, a login name) and makes a key back off past a limit. SFTP/FTP logins and the
 * HTTP API's credentials both use it; each decides its keys and whether a success clears them.
 */
package dev.raptor.core.security;
