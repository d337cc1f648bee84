import { Link, Navigate, useLocation } from 'react-router-dom';
import { Icon } from '../ui/Icon.js';
import { useAuth } from './AuthContext.js';
import { AuthFields } from './AuthFields.js';
import type { AuthMode } from './authForm.js';
import { useAuthForm } from './useAuthForm.js';
import './auth.css';

/** Log in and sign up share one calm card; errors appear under the field they belong to. */
export function AuthPage({ mode }: { mode: AuthMode }) {
  const { auth } = useAuth();
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from ?? '/chat';
  const form = useAuthForm(mode, from);
  const isSignup = mode === 'signup';

  if (auth.status === 'signed-in') return <Navigate to={from} replace />;

  return (
    <main className="auth" id="main">
      <div className="auth__brand">
        <span className="brand-mark" aria-hidden="true">
          <Icon name="chat" size={20} />
        </span>
        <span className="auth__brand-name">Class Chat</span>
      </div>
      <div className="auth__card">
        <h1 className="auth__title">{isSignup ? 'Create your account' : 'Welcome back'}</h1>
        <p className="auth__subtitle">
          {isSignup
            ? 'Upload your course material and get answers with page-level citations.'
            : 'Log in to keep studying with your classes and chats.'}
        </p>
        <form className="auth__form" onSubmit={(e) => void form.submit(e)} noValidate aria-busy={form.busy}>
          <AuthFields
            mode={mode}
            values={form.values}
            errors={form.errors}
            refs={form.refs}
            onChange={form.update}
          />
          {form.formError && (
            <p className="form-error" role="alert" data-testid="auth-error">
              <Icon name="alert" size={16} /> {form.formError}
            </p>
          )}
          <button
            type="submit"
            className="btn btn-primary btn-block"
            disabled={form.busy}
            data-testid="auth-submit"
          >
            {submitLabel(isSignup, form.busy)}
          </button>
        </form>
        <AuthSwitch isSignup={isSignup} state={location.state as unknown} />
      </div>
    </main>
  );
}

function submitLabel(isSignup: boolean, busy: boolean): string {
  if (busy) return isSignup ? 'Creating account…' : 'Logging in…';
  return isSignup ? 'Create account' : 'Log in';
}

/** The way to the other form, carrying where the student was going. */
function AuthSwitch({ isSignup, state }: { isSignup: boolean; state: unknown }) {
  return (
    <p className="auth__switch">
      {isSignup ? (
        <>
          Already have an account?{' '}
          <Link to="/login" state={state}>
            Log in
          </Link>
        </>
      ) : (
        <>
          New to Class Chat?{' '}
          <Link to="/signup" state={state}>
            Create an account
          </Link>
        </>
      )}
    </p>
  );
}
