package dev.raptor.process;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Spawns a program as the leader of a session of its own in one step: {@code posix_spawn(3)} with glibc's
 * {@code POSIX_SPAWN_SETSID}, through the FFM API. A {@link ProcessBuilder} cannot make a session, so it took two
 * launches before the program itself: the JDK's {@code jspawnhelper}, then {@code setsid(1)}; each one an exec,
 * waiting for a CPU on a busy machine, before anything of a server's start has happened. What the JDK's launch does
 * besides, this does too: the child gets the default disposition of every signal and an empty signal mask, only
 * standard input, output and error open (nothing else of the JVM's leaks into a process that outlives it), a
 * working directory and exactly the environment given; the JVM reaps it when it exits (a thread waits for it, as
 * the JDK's process reaper does).
 *
 * <p>Needs glibc 2.34 ({@code posix_spawn_file_actions_addclosefrom_np}); {@link #available()} is empty elsewhere
 * (musl, older glibc), and the caller launches the old way.
 */
final class SessionSpawn {
    /** glibc's flags (spawn.h; the same on every Linux architecture). */
    private static final short POSIX_SPAWN_SETSIGDEF = 0x04;
    private static final short POSIX_SPAWN_SETSIGMASK = 0x08;
    private static final short POSIX_SPAWN_SETSID = 0x80;
    private static final int O_RDONLY = 0;
    private static final int O_WRONLY = 1;
    private static final int O_CREAT = 0x40;
    private static final int O_APPEND = 0x400;
    private static final int EINTR = 4;
    /** Bigger than glibc's posix_spawnattr_t (336 bytes), posix_spawn_file_actions_t (80) and sigset_t (128). */
    private static final long OPAQUE = 1024;

    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option ERRNO_OPTION = Linker.Option.captureCallState("errno");

    private static final Optional<SessionSpawn> AVAILABLE = load();

    private final MethodHandle attrInit;
    private final MethodHandle attrDestroy;
    private final MethodHandle attrSetFlags;
    private final MethodHandle attrSetSigMask;
    private final MethodHandle attrSetSigDefault;
    private final MethodHandle sigEmptySet;
    private final MethodHandle sigFillSet;
    private final MethodHandle actionsInit;
    private final MethodHandle actionsDestroy;
    private final MethodHandle addOpen;
    private final MethodHandle addDup2;
    private final MethodHandle addChdir;
    private final MethodHandle addCloseFrom;
    private final MethodHandle spawn;
    private final MethodHandle waitpid;

    private SessionSpawn(Linker linker) {
        attrInit = downcall(linker, "posix_spawnattr_init", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        attrDestroy = downcall(linker, "posix_spawnattr_destroy", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        attrSetFlags = downcall(linker, "posix_spawnattr_setflags",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_SHORT));
        attrSetSigMask = downcall(linker, "posix_spawnattr_setsigmask",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        attrSetSigDefault = downcall(linker, "posix_spawnattr_setsigdefault",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        sigEmptySet = downcall(linker, "sigemptyset", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        sigFillSet = downcall(linker, "sigfillset", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        actionsInit = downcall(linker, "posix_spawn_file_actions_init", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        actionsDestroy = downcall(linker, "posix_spawn_file_actions_destroy", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        addOpen = downcall(linker, "posix_spawn_file_actions_addopen", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        addDup2 = downcall(linker, "posix_spawn_file_actions_adddup2",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        addChdir = downcall(linker, "posix_spawn_file_actions_addchdir_np",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        addCloseFrom = downcall(linker, "posix_spawn_file_actions_addclosefrom_np",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        spawn = downcall(linker, "posix_spawn", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        waitpid = downcall(linker, "waitpid",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT), ERRNO_OPTION);
    }

    /** This C library's session spawn, or empty when it lacks a call it needs. */
    static Optional<SessionSpawn> available() {
        return AVAILABLE;
    }

    private static Optional<SessionSpawn> load() {
        try {
            return Optional.of(new SessionSpawn(Linker.nativeLinker()));
        } catch (IllegalStateException missing) {
            return Optional.empty();
        }
    }

    @SuppressWarnings("restricted") // the JVM is started with --enable-native-access, as for LibC
    private static MethodHandle downcall(Linker linker, String name, FunctionDescriptor descriptor, Linker.Option... options) {
        MemorySegment symbol = linker.defaultLookup().find(name)
                .orElseThrow(() -> new IllegalStateException("the C library has no " + name));
        return linker.downcallHandle(symbol, descriptor, options);
    }

    /**
     * Spawns {@code argv} (its first word an absolute path) in a new session, with standard input from
     * {@code /dev/null} and standard output and error appended to {@code output} (created if missing), in
     * {@code directory}, with exactly {@code environment}.
     *
     * @return the child's pid (also its session's and process group's id)
     * @throws IOException when the C library refuses or the program cannot be executed (its errno)
     */
    long spawn(List<String> argv, Map<String, String> environment, Path directory, Path output) throws IOException {
        int pid;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(OPAQUE, 16);
            MemorySegment actions = arena.allocate(OPAQUE, 16);
            MemorySegment noSignals = arena.allocate(OPAQUE, 16);
            MemorySegment allSignals = arena.allocate(OPAQUE, 16);
            check("posix_spawnattr_init", (int) attrInit.invokeExact(attr));
            check("posix_spawn_file_actions_init", (int) actionsInit.invokeExact(actions));
            try {
                check("sigemptyset", (int) sigEmptySet.invokeExact(noSignals));
                check("sigfillset", (int) sigFillSet.invokeExact(allSignals));
                check("posix_spawnattr_setsigmask", (int) attrSetSigMask.invokeExact(attr, noSignals));
                check("posix_spawnattr_setsigdefault", (int) attrSetSigDefault.invokeExact(attr, allSignals));
                check("posix_spawnattr_setflags", (int) attrSetFlags.invokeExact(attr,
                        (short) (POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)));
                check("addopen stdin", (int) addOpen.invokeExact(actions, 0, arena.allocateFrom("/dev/null"), O_RDONLY, 0));
                check("addopen stdout", (int) addOpen.invokeExact(actions, 1, arena.allocateFrom(output.toString()),
                        O_WRONLY | O_CREAT | O_APPEND, 0644));
                check("adddup2 stderr", (int) addDup2.invokeExact(actions, 1, 2));
                check("addchdir", (int) addChdir.invokeExact(actions, arena.allocateFrom(directory.toString())));
                check("addclosefrom", (int) addCloseFrom.invokeExact(actions, 3));
                MemorySegment pidOut = arena.allocate(ValueLayout.JAVA_INT);
                int r = (int) spawn.invokeExact(pidOut, arena.allocateFrom(argv.getFirst()), actions, attr,
                        strings(arena, argv), strings(arena, environment.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()));
                if (r != 0) {
                    throw new IOException("posix_spawn " + argv.getFirst() + " failed (errno " + r + ")");
                }
                pid = pidOut.get(ValueLayout.JAVA_INT, 0);
            } finally {
                int ignored = (int) actionsDestroy.invokeExact(actions);
                ignored = (int) attrDestroy.invokeExact(attr);
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("native call failed", t);
        }
        reapWhenItExits(pid);
        return pid;
    }

    /** A NULL-terminated array of C strings. */
    private static MemorySegment strings(Arena arena, List<String> values) {
        MemorySegment array = arena.allocate(ValueLayout.ADDRESS, values.size() + 1L);
        for (int i = 0; i < values.size(); i++) {
            array.setAtIndex(ValueLayout.ADDRESS, i, arena.allocateFrom(values.get(i)));
        }
        array.setAtIndex(ValueLayout.ADDRESS, values.size(), MemorySegment.NULL);
        return array;
    }

    /**
     * The JVM is the child's parent until it exits: it must collect the exit status, or the child stays a zombie
     * that looks alive. A small platform thread blocks in {@code waitpid(2)} for it (a virtual one would hold its
     * carrier for the child's whole life).
     */
    private void reapWhenItExits(int pid) {
        Thread.ofPlatform().daemon().name("reaper-" + pid).stackSize(128 * 1024).start(() -> {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment state = arena.allocate(CAPTURE);
                MemorySegment status = arena.allocate(ValueLayout.JAVA_INT);
                while (true) {
                    int r = (int) waitpid.invokeExact(state, pid, status, 0);
                    if (r >= 0 || (int) ERRNO.get(state, 0L) != EINTR) {
                        return;
                    }
                }
            } catch (Throwable t) {
                // nothing to do: at worst a zombie until the daemon exits
            }
        });
    }

    private static void check(String call, int result) throws IOException {
        if (result != 0) {
            throw new IOException(call + " failed (errno " + result + ")");
        }
    }
}
