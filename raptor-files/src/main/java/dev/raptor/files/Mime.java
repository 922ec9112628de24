package dev.raptor.files;

import dev.raptor.files.jail.LinuxCalls;
import dev.raptor.files.jail.Stat;

import java.util.Locale;
import java.util.Map;

/**
 * MIME types from names alone (a listing never opens files to sniff them), for the files game servers hold.
 */
final class Mime {
    private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
            Map.entry("txt", "text/plain"), Map.entry("log", "text/plain"), Map.entry("md", "text/markdown"),
            Map.entry("properties", "text/x-java-properties"), Map.entry("cfg", "text/plain"), Map.entry("conf", "text/plain"),
            Map.entry("ini", "text/plain"), Map.entry("toml", "application/toml"), Map.entry("yml", "application/yaml"),
            Map.entry("yaml", "application/yaml"), Map.entry("json", "application/json"), Map.entry("json5", "application/json5"),
            Map.entry("xml", "application/xml"), Map.entry("html", "text/html"), Map.entry("htm", "text/html"),
            Map.entry("css", "text/css"), Map.entry("js", "text/javascript"), Map.entry("csv", "text/csv"),
            Map.entry("sh", "application/x-sh"), Map.entry("bat", "application/x-bat"), Map.entry("py", "text/x-python"),
            Map.entry("lua", "text/x-lua"), Map.entry("java", "text/x-java"), Map.entry("sk", "text/plain"),
            Map.entry("jar", "application/java-archive"), Map.entry("class", "application/java-vm"),
            Map.entry("zip", "application/zip"), Map.entry("gz", "application/gzip"), Map.entry("tgz", "application/gzip"),
            Map.entry("tar", "application/x-tar"), Map.entry("bz2", "application/x-bzip2"), Map.entry("xz", "application/x-xz"),
            Map.entry("zst", "application/zstd"), Map.entry("7z", "application/x-7z-compressed"), Map.entry("rar", "application/vnd.rar"),
            Map.entry("png", "image/png"), Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"), Map.entry("webp", "image/webp"), Map.entry("svg", "image/svg+xml"),
            Map.entry("ico", "image/vnd.microsoft.icon"), Map.entry("dat", "application/octet-stream"),
            Map.entry("mca", "application/octet-stream"), Map.entry("nbt", "application/octet-stream"),
            Map.entry("db", "application/vnd.sqlite3"), Map.entry("sqlite", "application/vnd.sqlite3"),
            Map.entry("pdf", "application/pdf"), Map.entry("so", "application/x-sharedlib"), Map.entry("dll", "application/x-msdownload"),
            Map.entry("exe", "application/x-msdownload"));

    private Mime() {
    }

    static String of(String name, Stat stat) {
        return switch (stat.format()) {
            case LinuxCalls.S_IFDIR -> "inode/directory";
            case LinuxCalls.S_IFLNK -> "inode/symlink";
            case LinuxCalls.S_IFIFO -> "inode/fifo";
            case LinuxCalls.S_IFSOCK -> "inode/socket";
            case LinuxCalls.S_IFCHR -> "inode/chardevice";
            case LinuxCalls.S_IFBLK -> "inode/blockdevice";
            default -> ofName(name);
        };
    }

    static String ofName(String name) {
        int dot = name.lastIndexOf('.');
        if (dot <= 0 || dot == name.length() - 1) {
            return "application/octet-stream";
        }
        return BY_EXTENSION.getOrDefault(name.substring(dot + 1).toLowerCase(Locale.ROOT), "application/octet-stream");
    }
}
