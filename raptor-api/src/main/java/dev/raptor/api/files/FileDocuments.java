package dev.raptor.api.files;

import dev.raptor.files.CopyResult;
import dev.raptor.files.FileEntry;
import dev.raptor.files.FoundFile;
import dev.raptor.files.Listing;
import dev.raptor.files.SearchResult;
import dev.raptor.files.WriteResult;
import dev.raptor.wire.files.CopyDocument;
import dev.raptor.wire.files.FileEntryDocument;
import dev.raptor.wire.files.FileListDocument;
import dev.raptor.wire.files.SearchDocument;
import dev.raptor.wire.files.WriteDocument;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The jail's results as the API's documents. */
final class FileDocuments {
    private FileDocuments() {
    }

    static FileEntryDocument entry(FileEntry e) {
        return new FileEntryDocument(e.name(), e.type().name().toLowerCase(Locale.ROOT), e.size(), e.octalMode(), e.modified(),
                e.created(), e.mime(), e.linkTarget(), e.linkInside());
    }

    static FileListDocument listing(Listing l) {
        List<FileEntryDocument> out = new ArrayList<>(l.entries().size());
        for (FileEntry e : l.entries()) {
            out.add(entry(e));
        }
        return new FileListDocument(l.path(), out);
    }

    static WriteDocument written(WriteResult w) {
        return new WriteDocument(w.path(), w.bytes(), w.created());
    }

    static CopyDocument copied(CopyResult c) {
        return new CopyDocument(c.from(), c.to(), c.bytes(), c.files(), c.skipped());
    }

    static SearchDocument search(String dir, String query, SearchResult r) {
        List<SearchDocument.Found> found = new ArrayList<>(r.found().size());
        for (FoundFile f : r.found()) {
            found.add(new SearchDocument.Found(f.path(), entry(f.entry())));
        }
        return new SearchDocument(dir, query, found, r.truncated());
    }
}
