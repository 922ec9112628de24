package dev.raptor.files;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.zip.UnixStat;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Hand-made archives, hostile ones included, written with commons-compress directly (not with Raptor's writer). */
final class TestArchives {
    private final List<Object[]> entries = new ArrayList<>();

    static TestArchives of() {
        return new TestArchives();
    }

    TestArchives file(String name, String content) {
        entries.add(new Object[]{"file", name, content});
        return this;
    }

    TestArchives dir(String name) {
        entries.add(new Object[]{"dir", name, null});
        return this;
    }

    TestArchives symlink(String name, String target) {
        entries.add(new Object[]{"symlink", name, target});
        return this;
    }

    TestArchives hardlink(String name, String target) {
        entries.add(new Object[]{"hardlink", name, target});
        return this;
    }

    TestArchives fifo(String name) {
        entries.add(new Object[]{"fifo", name, null});
        return this;
    }

    byte[] tar() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes, StandardCharsets.UTF_8.name())) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Object[] e : entries) {
                String kind = (String) e[0];
                String name = (String) e[1];
                TarArchiveEntry t = switch (kind) {
                    case "dir" -> new TarArchiveEntry(name.endsWith("/") ? name : name + "/", true);
                    case "symlink" -> new TarArchiveEntry(name, TarConstants.LF_SYMLINK, true);
                    case "hardlink" -> new TarArchiveEntry(name, TarConstants.LF_LINK, true);
                    case "fifo" -> new TarArchiveEntry(name, TarConstants.LF_FIFO, true);
                    default -> new TarArchiveEntry(name, true);
                };
                byte[] content = "file".equals(kind) ? ((String) e[2]).getBytes(StandardCharsets.UTF_8) : new byte[0];
                if ("symlink".equals(kind) || "hardlink".equals(kind)) {
                    t.setLinkName((String) e[2]);
                }
                t.setSize(content.length);
                tar.putArchiveEntry(t);
                tar.write(content);
                tar.closeArchiveEntry();
            }
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return bytes.toByteArray();
    }

    byte[] zip() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(bytes)) {
            for (Object[] e : entries) {
                String kind = (String) e[0];
                String name = (String) e[1];
                ZipArchiveEntry z = new ZipArchiveEntry("dir".equals(kind) && !name.endsWith("/") ? name + "/" : name);
                byte[] content = switch (kind) {
                    case "file" -> ((String) e[2]).getBytes(StandardCharsets.UTF_8);
                    case "symlink" -> ((String) e[2]).getBytes(StandardCharsets.UTF_8);
                    default -> new byte[0];
                };
                z.setUnixMode(switch (kind) {
                    case "dir" -> UnixStat.DIR_FLAG | 0755;
                    case "symlink" -> UnixStat.LINK_FLAG | 0777;
                    default -> UnixStat.FILE_FLAG | 0644;
                });
                zip.putArchiveEntry(z);
                zip.write(content);
                zip.closeArchiveEntry();
            }
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return bytes.toByteArray();
    }
}
