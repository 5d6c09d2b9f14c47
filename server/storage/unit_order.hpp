#pragma once
// Units are listed as a commission lists them: medical groups, hospitals, community health
// centres, the CDC, the office, the rest. One SQL fragment (over a units table aliased `u`)
// for every query that orders units, spliced in as a literal.
#define QIANDAO_UNIT_KIND_ORDER                                                                  \
  "CASE u.kind WHEN 'group' THEN 0 WHEN 'hospital' THEN 1 WHEN 'community' THEN 2 "              \
  "WHEN 'cdc' THEN 3 WHEN 'office' THEN 4 ELSE 5 END"
