# Raptor console tagger: stamps each line of one output stream of a server.
#   in:  one line of the server's stdout or stderr
#   out: "<epoch ms> <t><line>", flushed at once (t is O for stdout, E for stderr)
# The clock is /proc/uptime (centiseconds since boot, readable without a fork) plus base, the offset
# to the wall clock that the runtime measured when it started the run; so a line is stamped when it
# was written, whether or not a daemon is reading. Needs line-wise input (mawk: -W interactive).
BEGIN { up = "/proc/uptime"; ms = base + 0 }
{
    if ((getline u < up) > 0) {
        split(u, field, " ")
        n = split(field[1], part, ".")
        ms = base + part[1] * 1000 + (n > 1 ? substr(part[2] "00", 1, 2) * 10 : 0)
    }
    close(up)
    # One string, one printf conversion: one write(2), so the other stream's tagger cannot cut into the line
    # (mawk -W interactive writes stdout unbuffered, piece by piece, for formats with several conversions).
    printf "%s", sprintf("%.0f", ms) " " t $0 "\n"
    fflush()
}
