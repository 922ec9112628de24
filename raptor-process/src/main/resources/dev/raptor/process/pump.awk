# Raptor console pump: appends stamped console lines to console.<run>.<part>.log files in dir. When a
# file has reached max bytes it starts the next part and deletes the part keep places back, so a run
# keeps at most keep files (about keep x max bytes) whatever the server prints. Files end on whole lines.
# Every run has its own file names, so a pump of an earlier run that is still draining never writes
# into the files of the next.
#   variables: dir, run (this run's number), max (bytes per file), keep (files kept), rm (path of rm)
function name(n) { return sprintf("%s/console.%09d.%06d.log", dir, run, n) }
function shq(s) { gsub(/'/, "'\\''", s); return "'" s "'" }
BEGIN { run += 0; max += 0; keep += 0; part = 1; file = name(part); size = 0 }
{
    print > file
    fflush(file)
    size += length($0) + 1
    if (size >= max) {
        close(file)
        part++
        file = name(part)
        size = 0
        if (part - keep >= 1) {
            system(rm " -f " shq(name(part - keep)))
        }
    }
}
