# Raptor console pump: appends stamped console lines to console.<run>.<part>.log files in dir. When a
# file has reached max bytes it starts the next part and deletes the parts more than keep places back, so a
# run keeps keep files (about keep x max bytes) whatever the server prints. Files end on whole lines.
# Every run has its own file names, so a pump of an earlier run that is still draining never writes
# into the files of the next.
# A file a reader in the daemon has not finished is kept longer: dir/console.hold, when present, holds the
# seq (run x 1000000 + part) of the oldest file a reader still needs (dev.raptor.process.LogHolds), read at
# every rotation. Held files stay until the run has 2 x keep files; beyond that the oldest goes all the same,
# so a stalled reader (or a daemon that died holding) never makes the logs grow past that bound.
#   variables: dir, run (this run's number), max (bytes per file), keep (files kept), rm (path of rm)
function name(n) { return sprintf("%s/console.%09d.%06d.log", dir, run, n) }
function shq(s) { gsub(/'/, "'\\''", s); return "'" s "'" }
# deletes this run's files that are past keep, oldest first, but none a reader holds while within the bound
function trim(   held, line) {
    held = -1
    if ((getline line < hold) > 0 && line ~ /^[0-9]+$/) held = line + 0
    close(hold)
    while (oldest <= part - keep) {
        if (held >= 0 && run * 1000000 + oldest >= held && part - oldest < 2 * keep) break
        system(rm " -f " shq(name(oldest)))
        oldest++
    }
}
BEGIN { run += 0; max += 0; keep += 0; part = 1; oldest = 1; file = name(part); size = 0; hold = dir "/console.hold" }
{
    print > file
    fflush(file)
    size += length($0) + 1
    if (size >= max) {
        close(file)
        part++
        file = name(part)
        size = 0
        trim()
    }
}
