# Worst-case stack depth of a call path, from GCC's -fcallgraph-info=su files (.ci): every
# node carries its function's frame (the -fstack-usage figure), every edge a direct call.
#
#   awk -v entry='<regex>' -v indirect='<regex>' -f worst_stack.awk file.ci...
#
# entry:    functions (demangled names) to start from; the deepest one is reported.
# indirect: functions an indirect call may reach (the engine calls kernels through a table);
#           an indirect call is charged the deepest of them.
# Callees with no frame information (libc, libgcc) are listed and charged 0 bytes.
# Exit status 1 on recursion or a dynamically sized frame: no static bound exists then.

function field(line, key,    rest) {
    rest = substr(line, index(line, key ": \"") + length(key) + 3)
    return substr(rest, 1, index(rest, "\"") - 1)
}

/^node:/ {
    title = field($0, "title")
    label = field($0, "label")
    if (match(label, /\\n[0-9]+ bytes \([a-z,]+\)/)) {
        info = substr(label, RSTART + 2, RLENGTH - 2)
        split(info, parts, " ")
        frame[title] = parts[1] + 0
        if (info ~ /dynamic/ && info !~ /bounded/) unbounded[title] = 1
        name[title] = substr(label, 1, index(label, "\\n") - 1)
    }
    next
}

/^edge:/ {
    from = field($0, "sourcename")
    to = field($0, "targetname")
    if (!((from, to) in seen)) {
        seen[from, to] = 1
        callees[from] = callees[from] SUBSEP to
    }
}

function depth(f,    list, n, i, callee, d, best, via) {
    if (f in memo) return memo[f]
    if (f in active) {
        recursion = recursion " " f
        return 0
    }
    active[f] = 1
    best = 0
    via = ""
    n = split(substr(callees[f], 2), list, SUBSEP)
    for (i = 1; i <= n; ++i) {
        callee = list[i]
        if (callee == "__indirect_call") {
            d = depth_indirect()
            callee = deepest_indirect
        } else {
            if (!(callee in frame) && !(callee in callees)) missing[callee] = 1
            d = depth(callee)
        }
        if (d > best) {
            best = d
            via = callee
        }
    }
    delete active[f]
    if (f in unbounded) dynamic = dynamic " " f
    memo[f] = frame[f] + best
    next_on_path[f] = via
    return memo[f]
}

function depth_indirect(    g, d, best) {
    best = 0
    for (g in name) {
        if (name[g] ~ indirect && !(g in active)) {
            d = depth(g)
            if (d > best) {
                best = d
                deepest_indirect = g
            }
        }
    }
    return best
}

function label_of(f) { return (f in name) ? name[f] : f }

END {
    best = -1
    for (f in name) {
        if (name[f] ~ entry) {
            d = depth(f)
            if (d > best) {
                best = d
                start = f
            }
        }
    }
    if (best < 0) {
        print "worst-case stack: no function matches /" entry "/"
        exit 1
    }
    printf "worst-case stack of the engine's call path: %d bytes\n", best
    for (f = start; f != ""; f = next_on_path[f])
        printf "  %6d  %s\n", (f in frame) ? frame[f] : 0, label_of(f)
    biggest = ""
    for (f in frame) if (biggest == "" || frame[f] > frame[biggest]) biggest = f
    printf "largest single frame: %d bytes in %s\n", frame[biggest], label_of(biggest)
    extern = ""
    for (f in missing) extern = extern " " f
    if (extern != "") print "not counted (no frame information, library code):" extern
    if (recursion != "") { print "recursion, no static bound:" recursion; exit 1 }
    if (dynamic != "") { print "dynamically sized frames, no static bound:" dynamic; exit 1 }
}
