# Every file under web/ that the binary serves at /web/<path> (pages map "/", "/kiosk",
# "/board" to */index.html). List new files here: no globs, so a stray file never ships.
# tests/browser/files.test.mjs fails when a file under web/ is missing from this list.
set(QIANDAO_WEB_FILES
  shared/api.js
  shared/board_feed.js
  shared/dom.js
  shared/format.js
  shared/i18n.js
  shared/icons.js
  shared/icon.svg
  shared/pairing.js
  shared/strings.js
  shared/strings_competition.js
  shared/style.css
  shared/ticket.css
  staff/index.html
  staff/staff.css
  staff/competition.css
  staff/app.js
  staff/router.js
  staff/session.js
  staff/ui.js
  staff/views/comp_item.js
  staff/views/comp_print.js
  staff/views/comp_results.js
  staff/views/comp_shared.js
  staff/views/competition.js
  staff/views/devices.js
  staff/views/event.js
  staff/views/event_chrome.js
  staff/views/event_form.js
  staff/views/event_units.js
  staff/views/events.js
  staff/views/import.js
  staff/views/login.js
  staff/views/print.js
  staff/views/quota_editor.js
  staff/views/reg_table.js
  staff/views/register.js
  staff/views/registration.js
  staff/views/unit_import.js
  staff/views/unit_picker.js
  staff/views/units.js
  staff/views/users.js
  staff/views/waitlist.js
  kiosk/index.html
  kiosk/kiosk.css
  kiosk/app.js
  kiosk/camera.js
  kiosk/door.js
  kiosk/lookup.js
  kiosk/pairing.js
  kiosk/queue.js
  kiosk/result.js
  kiosk/scanner.js
  kiosk/screens.js
  kiosk/sound.js
  kiosk/walkin.js
  board/index.html
  board/board.css
  board/app.js
  board/cards.js
  board/chart.js
  board/clinic.js
  board/competition.css
  board/competition_screen.js
  board/counter.js
  board/main_screen.js
  board/recent.js
  board/stage.js
  board/screen_kit.js
  board/units_screen.js
  # board (issue 11)
  board/selection.js
  board/picker.js
  shared/strings_board.js
  desk/index.html
  desk/desk.css
  desk/app.js
  desk/outbox.js
  desk/pad.js
  desk/sync.js
  report/index.html
  report/report.css
  report/app.js
  report/tables.js
  judge/index.html
  judge/judge.css
  judge/app.js
  judge/keypad.js
  judge/score_screen.js
  judge/sender.js
  shared/strings_staff.js
  staff/xlsx_csv.js
  staff/views/audit.js
  staff/views/password.js
  staff/views/reg_edit.js)

# Files from node_modules (npm ci at the repo root) served at /web/vendor/<path>.
#   echarts: the board's check-ins-per-minute chart.
#   @zxing/library: decodes QR codes from the kiosk camera where Chromium's native
#   BarcodeDetector is missing (pure JavaScript: no WebAssembly, which the CSP forbids).
#   exceljs: reads an .xlsx chosen for an import in the staff page (loaded only there).
set(QIANDAO_VENDOR_FILES
  echarts/dist/echarts.min.js
  @zxing/library/umd/index.min.js
  exceljs/dist/exceljs.min.js)
