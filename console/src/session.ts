/**
 * The management key for this tab only: session storage is cleared when the tab closes and is
 * never sent anywhere by the browser itself (unlike a cookie); the key is never put in a URL.
 */
const storageKey = 'switchboard.managementKey';

export const session = {
  key(): string | null {
    return sessionStorage.getItem(storageKey);
  },
  signIn(key: string): void {
    sessionStorage.setItem(storageKey, key);
  },
  signOut(): void {
    sessionStorage.removeItem(storageKey);
  },
};
