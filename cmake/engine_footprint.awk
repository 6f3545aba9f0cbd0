# Bytes the engine library contributes to a linked image, from the GNU ld map file:
# every input section taken from the archive (-v archive=libtinydigit_engine.a), by kind.
#   awk -v archive=<file name> -f engine_footprint.awk image.map
# Code and constants are counted only if the linker kept them (--gc-sections), so this is
# what the engine costs in this firmware, verifier included.

/^Linker script and memory map/ { in_map = 1 }

in_map && /^ \.[A-Za-z_.]/ {
    # " .text.name  0xADDR  0xSIZE  file" or the name alone, the rest on the next line.
    section = $1
    if (NF >= 4) { account(section, $3, $0) ; section = "" }
    next
}
in_map && section != "" && /^ +0x/ {
    account(section, $2, $0)
    section = ""
}

function account(section, size_hex, line,    size) {
    if (index(line, archive "(") == 0) return
    size = hex(size_hex)
    member = substr(line, index(line, archive "(") + length(archive) + 1)
    sub(/\).*/, "", member)
    if (section ~ /^\.text/) { text += size; member_text[member] += size }
    else if (section ~ /^\.rodata/) rodata += size
    else if (section ~ /^\.(data|bss)/) ram += size
}

function hex(s,    i, c, v) {
    v = 0
    s = tolower(s)
    sub(/^0x/, "", s)
    for (i = 1; i <= length(s); ++i) {
        c = index("0123456789abcdef", substr(s, i, 1)) - 1
        v = v * 16 + c
    }
    return v
}

END {
    printf "engine in this image: .text %d bytes, .rodata %d bytes, .data/.bss %d bytes (%s)\n",
           text, rodata, ram, archive
    fflush()
    for (member in member_text) printf "  .text %6d  %s\n", member_text[member], member | "sort -k2 -nr"
    close("sort -k2 -nr")
}
