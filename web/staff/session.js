// Who is signed in, shared by the views. A 401 anywhere sends the user back to sign in.
import { ApiError } from '../shared/api.js';

const listeners = new Set();
export const session = { user: null };

export function setUser(user) {
  session.user = user;
  for (const fn of listeners) fn(user);
}

export function onUserChange(fn) { listeners.add(fn); }

export const isAdmin = () => session.user?.role === 'admin';

// Call from a view's catch: true when the error was "signed out" and is now handled.
export function handleAuthError(e) {
  if (e instanceof ApiError && e.status === 401) {
    setUser(null);
    return true;
  }
  return false;
}
