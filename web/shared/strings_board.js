// The board's event picker (for the AV operator), [zh, en]. Merged into strings.js.
export const boardStrings = {
  'board.pick.title': ['选择大屏显示的活动', 'Events shown on this board'],
  'board.pick.open': ['选择活动（快捷键 E）', 'Choose events (key E)'],
  'board.pick.hint': ['勾选要显示的活动；不勾选任何活动则显示今天及以后、未取消的活动。选择保存在本机与网址中。',
    'Tick the events to show; with none ticked the board shows today\'s and later events that are not cancelled. The choice is kept on this machine and in the address.'],
  'board.pick.apply': ['应用', 'Apply'],
  'board.pick.default': ['恢复默认', 'Default'],
  'board.pick.close': ['关闭', 'Close'],
  'board.pick.ended': ['已结束', 'ended'],
  'board.pick.cancelled': ['已取消', 'cancelled'],
  'board.pick.filtered': ['已选 {n} 项活动', '{n} events chosen'],
  'board.none_shown': ['没有要显示的活动。按 E 键选择活动。', 'No events to show. Press E to choose events.'],
};
