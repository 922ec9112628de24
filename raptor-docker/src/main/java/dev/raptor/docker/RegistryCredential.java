package dev.raptor.docker;

import java.util.Objects;

/**
 * How to log in to one image registry for pulls: the daemon's configuration names one per registry host
 * ({@code registry.example.com}, {@code localhost:5000}, {@code docker.io}). Secret: never logged, never answered by
 * the API ({@link #toString()} leaves the password out).
 *
 * @param username the registry user
 * @param password its password or access token
 */
public record RegistryCredential(String username, String password) {
    public RegistryCredential {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
    }

    @Override
    public String toString() {
        return "RegistryCredential[username=" + username + ", password=(hidden)]";
    }
}
