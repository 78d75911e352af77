#!/bin/sh
# layout.sh — the library is only the library: libcalc.a holds no libmicrohttpd (no MHD_
# symbol), reads no environment variable and no program's business (no main, exit or signal
# handler); the programs in calc/cli and calc/serve use it; only the sandbox, DSL, policy and
# evaluation modules see Lua; every .c file stays under 800 lines and declares nothing of
# another module's (prototypes live in headers).
# Run from the repository root: BUILD=build sh tests/layout.sh.
. tests/lib.sh
LIB="$BUILD/libcalc.a"
need nm

begin "libcalc.a exists"
[ -f "$LIB" ] || problem "no $LIB (make BUILD=$BUILD)"
end

begin "libcalc.a has no libmicrohttpd symbol, reads no environment, has no main or exit"
bad=$(nm -A "$LIB" 2>/dev/null | grep -E ' [UTtDdBb] (MHD_[A-Za-z_]*|getenv|secure_getenv|main|exit|_exit|signal|sigaction)$' | sed 's/^[^:]*://')
[ -z "$bad" ] || problem "$bad"
end

begin "the calc program links libmicrohttpd, the library does not"
nm "$CALC" 2>/dev/null | grep -q ' U MHD_start_daemon' || problem "calc does not use MHD_start_daemon"
end

# (chunkdigest.c compiles a policy's source to digest its meaning, and never runs it)
begin "only the sandbox, DSL, policy and evaluation modules include Lua"
allowed="sandbox.c sbxlib.c dsl.c dslcond.c dslx.c dslproxy.c evalx.h policy.c policyx.c eval.c evalx.c amount.c engine.c policyld.h sandbox.h dsl.h evalp.h chunkdigest.c"
for f in $(grep -lE '#include (<lua|<lauxlib|<lualib|"sandbox.h"|"dsl.h"|"evalp.h")' calc/lib/* calc/cli/* calc/serve/*.[ch] 2>/dev/null); do
    case " $allowed " in
    *" $(basename "$f") "*) ;;
    *) problem "$f sees Lua" ;;
    esac
done
end

begin "the programs (calc/cli, calc/serve) include no header of the library but calc.h"
private=$(ls calc/lib/*.h | sed 's|.*/||' | grep -vx calc.h | tr '\n' '|' | sed 's/|$//; s/\./\\./g')
grep -nE "#include \"($private)\"" calc/cli/*.[ch] calc/serve/*.[ch] >"$tmp/inc"
[ -s "$tmp/inc" ] && problem "$(cat "$tmp/inc")"
end

begin "no .c file over 800 lines"
for f in calc/lib/*.c calc/cli/*.c calc/serve/*.c; do
    n=$(wc -l <"$f")
    [ "$n" -le 800 ] || problem "$f: $n lines"
done
end

# A prototype written inside a .c file: a line at file level that declares a function ending
# in ';' and is not static (a definition's signature ends in ')' or '{').
begin "no prototypes inside .c files"
for f in calc/lib/*.c calc/cli/*.c calc/serve/*.c; do
    awk -v F="$f" '
        /^[A-Za-z_][A-Za-z0-9_ \*]*[ \*]\**[A-Za-z_][A-Za-z0-9_]*\(/ && !/^static/ && !/^typedef/ { decl = $0; line = NR; open = 1 }
        open && /\)[ ]*;[ ]*$/ { print F ":" line ": " decl; open = 0; next }
        open && (/\)[ ]*$/ || /\{/) { open = 0 }
    ' "$f"
done >"$tmp/protos"
[ -s "$tmp/protos" ] && problem "$(cat "$tmp/protos")"
end

finish
