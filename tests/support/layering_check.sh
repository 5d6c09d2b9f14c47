#!/usr/bin/env bash
# layering_check.sh HEADER EXPECT COMPILER -IDIR...: compiles `#include "HEADER"` with only the
# given include roots; EXPECT is "compiles" or "refused". Used by the layering.* CTest checks.
set -uo pipefail
header="$1" expect="$2" compiler="$3"
shift 3
if printf '#include "%s"\n' "$header" | "$compiler" -std=c++20 -fsyntax-only "$@" -x c++ - 2>/dev/null; then
  got=compiles
else
  got=refused
fi
echo "#include \"$header\" with $*: $got (expected $expect)"
[[ "$got" == "$expect" ]]
