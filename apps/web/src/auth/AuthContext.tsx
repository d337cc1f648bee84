import type { LoginBody, SignupBody, UserDto } from '@classchat/contracts';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { authApi } from '../api/auth.js';
import { ApiError, onUnauthorized } from '../api/http.js';
import { connectSocket, disconnectSocket } from '../streaming/socket.js';
import { useProvidedSocket } from '../streaming/SocketContext.js';

export type AuthState =
  { status: 'loading' } | { status: 'signed-out' } | { status: 'signed-in'; user: UserDto };

interface AuthApi {
  auth: AuthState;
  login: (body: LoginBody) => Promise<void>;
  signup: (body: SignupBody) => Promise<void>;
  logout: () => Promise<void>;
}

const AuthContext = createContext<AuthApi | null>(null);

export function useAuth(): AuthApi {
  const api = useContext(AuthContext);
  if (!api) throw new Error('useAuth must be used inside <AuthProvider>');
  return api;
}

/** The signed-in user, for components under <RequireAuth>. */
export function useUser(): UserDto {
  const { auth } = useAuth();
  if (auth.status !== 'signed-in') throw new Error('useUser needs a signed-in user');
  return auth.user;
}

/** Asks `GET user/auth-status` on load; connects the socket while signed in. */
export function AuthProvider({ children }: { children: ReactNode }) {
  const [auth, setAuth] = useState<AuthState>({ status: 'loading' });

  useEffect(() => {
    let cancelled = false;
    authApi
      .status()
      .then(({ user }) => {
        if (!cancelled) setAuth(user ? { status: 'signed-in', user } : { status: 'signed-out' });
      })
      .catch((err: unknown) => {
        if (cancelled) return;
        // Signed out answers {user: null}; a failure (server down) also lands on the login page, which says so.
        if (!(ApiError.is(err) && err.status === 401)) console.warn('auth-status failed', err);
        setAuth({ status: 'signed-out' });
      });
    return () => {
      cancelled = true;
    };
  }, []);

  useEffect(() => onUnauthorized(() => setAuth({ status: 'signed-out' })), []);

  const signedIn = auth.status === 'signed-in';
  const providedSocket = useProvidedSocket();
  useEffect(() => {
    if (!signedIn || providedSocket) return;
    connectSocket();
    return () => disconnectSocket();
  }, [signedIn, providedSocket]);

  const login = useCallback(async (body: LoginBody) => {
    const { user } = await authApi.login(body);
    setAuth({ status: 'signed-in', user });
  }, []);

  const signup = useCallback(async (body: SignupBody) => {
    const { user } = await authApi.signup(body);
    setAuth({ status: 'signed-in', user });
  }, []);

  const logout = useCallback(async () => {
    try {
      await authApi.logout();
    } finally {
      setAuth({ status: 'signed-out' });
    }
  }, []);

  const api = useMemo(() => ({ auth, login, signup, logout }), [auth, login, signup, logout]);
  return <AuthContext.Provider value={api}>{children}</AuthContext.Provider>;
}
