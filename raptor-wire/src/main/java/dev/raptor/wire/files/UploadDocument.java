package dev.raptor.wire.files;

import java.util.List;

/** A browser upload ({@code multipart/form-data}) that was written: every file, in the order of the form. */
public record UploadDocument(List<WriteDocument> files) {
}
