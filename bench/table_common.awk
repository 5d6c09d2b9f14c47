# Shared by bench/table.sh and bench/scale_table.sh (awk -v W1=… -v W2=… -f this -f program):
# every "RESULT key value" line into R, and the helpers both tables print with. W1 and W2 are
# the widths of the row-name and figure columns.
{ R[$2] = $3 }

function has(k) { return (k in R) }
function v(k) { return (k in R) ? R[k] + 0 : 0 }
# 12345.6 -> "12,346"
function group(x,    s, out) {
  s = sprintf("%.0f", x)
  out = ""
  while (length(s) > 3) { out = "," substr(s, length(s) - 2) out; s = substr(s, 1, length(s) - 3) }
  return s out
}
function ms(x) { return x < 10 ? sprintf("%.2f", x) : sprintf("%.1f", x) }
function row(name, figure, note) { printf "  %-" W1 "s %-" W2 "s %s\n", name, figure, note }
function section(t) { printf "%s\n", t }
function verdict(ok) { return ok ? "met" : "missed" }
function target(name, figure, measured, ok, note) {
  printf "  %-" W1 "s %-" W2 "s %-7s %s\n", name, measured ? figure : "n/a", measured ? verdict(ok) : "not measured", measured ? note : ""
}
