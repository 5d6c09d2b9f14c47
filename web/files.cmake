# Every file under web/ that the binary serves at /web/<path> (pages map "/", "/kiosk",
# "/board" to */index.html). List new files here: no globs, so a stray file never ships.
set(QIANDAO_WEB_FILES
  staff/index.html
  kiosk/index.html
  board/index.html
  shared/style.css)

# Files from node_modules (npm ci at the repo root) served at /web/vendor/<path>.
set(QIANDAO_VENDOR_FILES)
