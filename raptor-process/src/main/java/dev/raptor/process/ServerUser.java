package dev.raptor.process;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The user game servers run as. A root daemon never runs a server as root: it drops to a dedicated
 * unprivileged user with {@code setpriv --reuid --regid --clear-groups --no-new-privs}, creating the
 * user ({@code useradd --system}) when it is missing and falling back to {@code nobody}, with a warning,
 * when it cannot. A daemon that is not root runs servers as itself.
 *
 * @param name          user name
 * @param uid           user id
 * @param gid           primary group id
 * @param execPrefix    command words that run the rest of a command line as this user (empty: as the daemon)
 * @param refusal       why no server can be run at all (a root daemon that cannot drop privileges), or null
 * @param warnings      what the operator should know, said once
 * @param created       whether this daemon created the account just now (the boot log says so)
 */
record ServerUser(String name, int uid, int gid, List<String> execPrefix, String refusal, List<String> warnings, boolean created) {
    private static final Logger log = LoggerFactory.getLogger(ServerUser.class);

    ServerUser {
        execPrefix = List.copyOf(execPrefix);
        warnings = List.copyOf(warnings);
    }

    /** Where the account comes from, for the operator: made just now, found on the host, or the daemon's own. */
    String origin() {
        if (!dropsPrivileges()) {
            return refusal == null ? "the daemon's own user" : "unusable";
        }
        return created ? "a system account created just now (useradd --system)" : "an existing account";
    }

    /** Whether servers run as another user than the daemon's. */
    boolean dropsPrivileges() {
        return !execPrefix.isEmpty();
    }

    static ServerUser resolve(String wanted, HostTools tools) {
        int daemonUid = attribute("unix:uid");
        if (daemonUid != 0) {
            String self = System.getProperty("user.name", "uid " + daemonUid);
            return new ServerUser(self, daemonUid, attribute("unix:gid"), List.of(), null, List.of(), false);
        }
        List<String> warnings = new ArrayList<>();
        if (tools.setpriv() == null) {
            String why = "the daemon runs as root and setpriv (util-linux) is missing, so it cannot run servers as an "
                    + "unprivileged user; the process runtime refuses to run them as root. Install util-linux.";
            return new ServerUser("root", 0, 0, List.of(), why, List.of(why), false);
        }
        Optional<int[]> ids = lookup(wanted);
        String name = wanted;
        boolean madeNow = false;
        if (ids.isEmpty()) {
            String created = create(wanted, tools);
            ids = created == null ? lookup(wanted) : Optional.empty();
            madeNow = ids.isPresent();
            if (ids.isEmpty()) {
                name = "nobody";
                ids = lookup(name);
                warnings.add("could not create the server user " + wanted + " (" + (created == null ? "not found after useradd" : created)
                        + "); servers run as nobody, which other services may share. Create " + wanted + " with useradd --system.");
            }
        }
        if (ids.isEmpty()) {
            String why = "neither the server user " + wanted + " nor nobody exists and " + wanted
                    + " could not be created; the process runtime refuses to run servers as root";
            return new ServerUser("root", 0, 0, List.of(), why, List.of(why), false);
        }
        int uid = ids.get()[0];
        int gid = ids.get()[1];
        if (uid == 0) {
            String why = "the server user " + name + " has uid 0; the process runtime refuses to run servers as root";
            return new ServerUser(name, uid, gid, List.of(), why, List.of(why), false);
        }
        List<String> prefix = List.of(tools.setpriv().toString(), "--reuid=" + uid, "--regid=" + gid, "--clear-groups",
                "--no-new-privs", "--");
        String probe = probe(prefix, tools);
        if (probe != null) {
            String why = "cannot drop privileges to " + name + " with setpriv (" + probe + "); the process runtime refuses to run servers as root";
            return new ServerUser(name, uid, gid, List.of(), why, List.of(why), madeNow);
        }
        return new ServerUser(name, uid, gid, prefix, null, warnings, madeNow);
    }

    /** uid and gid of {@code name} from /etc/passwd, else from {@code id} (for users from NSS). */
    static Optional<int[]> lookup(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/passwd"), StandardCharsets.UTF_8)) {
                String[] f = line.split(":", -1);
                if (f.length >= 4 && f[0].equals(name)) {
                    return Optional.of(new int[]{Integer.parseInt(f[2]), Integer.parseInt(f[3])});
                }
            }
        } catch (IOException | NumberFormatException e) {
            log.debug("cannot read /etc/passwd: {}", e.toString());
        }
        Optional<Path> id = HostTools.which("id");
        if (id.isEmpty()) {
            return Optional.empty();
        }
        String uid = run(List.of(id.get().toString(), "-u", name));
        String gid = run(List.of(id.get().toString(), "-g", name));
        try {
            return uid == null || gid == null ? Optional.empty()
                    : Optional.of(new int[]{Integer.parseInt(uid.strip()), Integer.parseInt(gid.strip())});
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Creates a system user without home or login shell; null on success, else why not. */
    private static String create(String name, HostTools tools) {
        if (tools.useradd() == null) {
            return "useradd is missing";
        }
        String shell = HostTools.which("nologin").map(Path::toString).orElse("/bin/false");
        List<String> cmd = List.of(tools.useradd().toString(), "--system", "--user-group", "--no-create-home",
                "--home-dir", "/nonexistent", "--shell", shell, "--comment", "Raptor game servers", name);
        Result r = exec(cmd);
        if (r.code == 0) {
            log.info("created the server user {} (useradd --system)", name);
            return null;
        }
        return "useradd exited with " + r.code + ": " + r.output.strip();
    }

    /** Runs {@code true} through the prefix; null when that worked, else what went wrong. */
    private static String probe(List<String> prefix, HostTools tools) {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(tools.sh().toString());
        cmd.add("-c");
        cmd.add("exit 0");
        Result r = exec(cmd);
        return r.code == 0 ? null : "exit " + r.code + ": " + r.output.strip();
    }

    private static String run(List<String> cmd) {
        Result r = exec(cmd);
        return r.code == 0 ? r.output : null;
    }

    private record Result(int code, String output) {
    }

    private static Result exec(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readNBytes(64 * 1024);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }

    private static int attribute(String name) {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), name);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot tell the daemon's " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return name + " (uid " + uid + ", gid " + gid + ")";
    }
}
