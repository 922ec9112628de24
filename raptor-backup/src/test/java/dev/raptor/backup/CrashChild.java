package dev.raptor.backup;

import dev.raptor.core.operation.OperationProgress;
import dev.raptor.files.RestorePhase;
import dev.raptor.core.backup.BackupRecord;

import java.nio.file.Path;
import java.util.UUID;

/**
 * A daemon's backup or restore in a JVM of its own, for {@link CrashTest} to kill with SIGKILL at a moment it
 * announces on standard output ({@code AT <moment>}), after which it waits to be killed.
 *
 * <pre>
 * CrashChild backup  DATADIR SERVER            -- announces "AT archiving" once archive bytes were written
 * CrashChild restore DATADIR SERVER BACKUP WHERE -- WHERE: extracting | SWAPPING | SWAPPED | DONE
 * </pre>
 */
public final class CrashChild {
    private CrashChild() {
    }

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[1]);
        UUID server = UUID.fromString(args[2]);
        BackupSettings settings = BackupSettings.defaults().withWriteBytesPerSecond(512 * 1024);
        Node node = new Node(dataDir, server, settings, null);
        if (args[0].equals("backup")) {
            node.backups.create(node.target(), BackupRequest.DEFAULT, new BackupListener() {
                @Override
                public void progressed(BackupRecord backup, OperationProgress progress) {
                    if (progress.bytesDone() > 0) {
                        announceAndWait("archiving");
                    }
                }
            });
        } else {
            UUID backupId = UUID.fromString(args[3]);
            String where = args[4];
            node.backups.restore(node.target(), backupId, true, new BackupListener() {
                @Override
                public void progressed(BackupRecord backup, OperationProgress progress) {
                    if (progress.stage().equals(where)) {
                        announceAndWait(where);
                    }
                }

                @Override
                public void restorePhase(BackupRecord backup, RestorePhase phase) {
                    if (phase.name().equals(where)) {
                        announceAndWait(where);
                    }
                }
            });
        }
        System.out.println("FINISHED");
        System.out.flush();
    }

    private static void announceAndWait(String moment) {
        System.out.println("AT " + moment);
        System.out.flush();
        while (true) {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
