import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import { Spinner } from '../ui/ProgressBar.js';
import { useAuth } from './AuthContext.js';

/** Renders children for a signed-in user; otherwise redirects to /login, remembering where to return. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { auth } = useAuth();
  const location = useLocation();
  if (auth.status === 'loading') {
    return (
      <div className="page-center">
        <Spinner label="Checking your session" />
      </div>
    );
  }
  if (auth.status === 'signed-out') {
    return <Navigate to="/login" replace state={{ from: `${location.pathname}${location.search}` }} />;
  }
  return <>{children}</>;
}
