import { LoginBody, PASSWORD_MIN_LENGTH, SignupBody } from '@classchat/contracts';
import { useId, useRef, useState, type FormEvent } from 'react';
import { Link, Navigate, useLocation, useNavigate } from 'react-router-dom';
import { ApiError, errorMessage } from '../api/http.js';
import { Icon } from '../ui/Icon.js';
import { useAuth } from './AuthContext.js';
import { fieldErrorsFromIssues, validateWith, type FieldErrors } from './fieldErrors.js';
import './auth.css';

type Mode = 'login' | 'signup';

/** Log in and sign up share one calm card; errors appear under the field they belong to. */
export function AuthPage({ mode }: { mode: Mode }) {
  const { auth, login, signup } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from ?? '/chat';
  const [values, setValues] = useState({ name: '', email: '', password: '' });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const refs = {
    name: useRef<HTMLInputElement>(null),
    email: useRef<HTMLInputElement>(null),
    password: useRef<HTMLInputElement>(null),
  };
  const isSignup = mode === 'signup';

  if (auth.status === 'signed-in') return <Navigate to={from} replace />;

  function focusFirstError(errs: FieldErrors) {
    const order = isSignup ? (['name', 'email', 'password'] as const) : (['email', 'password'] as const);
    const first = order.find((f) => errs[f]);
    if (first) refs[first].current?.focus();
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setFormError(null);
    const checked = isSignup
      ? validateWith(SignupBody, values)
      : validateWith(LoginBody, { email: values.email, password: values.password });
    if (checked.errors) {
      setErrors(checked.errors);
      focusFirstError(checked.errors);
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      if (isSignup) await signup(checked.data as SignupBody);
      else await login(checked.data);
      void navigate(from, { replace: true });
    } catch (err) {
      setBusy(false);
      if (ApiError.is(err) && err.issues.length > 0) {
        const fieldErrors = fieldErrorsFromIssues(err.issues);
        setErrors(fieldErrors);
        focusFirstError(fieldErrors);
        if (Object.keys(fieldErrors).length === 0) setFormError(err.message);
      } else {
        setFormError(
          ApiError.is(err) && err.status === 401
            ? 'That email and password do not match an account.'
            : errorMessage(err),
        );
      }
    }
  }

  function update(field: keyof typeof values, value: string) {
    setValues((v) => ({ ...v, [field]: value }));
    if (errors[field]) setErrors((e) => ({ ...e, [field]: undefined }));
  }

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
        <form className="auth__form" onSubmit={(e) => void submit(e)} noValidate aria-busy={busy}>
          {isSignup && (
            <Field
              label="Name"
              autoComplete="name"
              inputRef={refs.name}
              value={values.name}
              error={errors.name}
              onChange={(v) => update('name', v)}
              testId="auth-name"
            />
          )}
          <Field
            label="Email"
            type="email"
            autoComplete="email"
            inputRef={refs.email}
            value={values.email}
            error={errors.email}
            onChange={(v) => update('email', v)}
            testId="auth-email"
          />
          <Field
            label="Password"
            type="password"
            autoComplete={isSignup ? 'new-password' : 'current-password'}
            inputRef={refs.password}
            value={values.password}
            error={errors.password}
            hint={isSignup ? `At least ${PASSWORD_MIN_LENGTH} characters.` : undefined}
            onChange={(v) => update('password', v)}
            testId="auth-password"
          />
          {formError && (
            <p className="form-error" role="alert" data-testid="auth-error">
              <Icon name="alert" size={16} /> {formError}
            </p>
          )}
          <button
            type="submit"
            className="btn btn-primary btn-block"
            disabled={busy}
            data-testid="auth-submit"
          >
            {busy ? (isSignup ? 'Creating account…' : 'Logging in…') : isSignup ? 'Create account' : 'Log in'}
          </button>
        </form>
        <p className="auth__switch">
          {isSignup ? (
            <>
              Already have an account?{' '}
              <Link to="/login" state={location.state as unknown}>
                Log in
              </Link>
            </>
          ) : (
            <>
              New to Class Chat?{' '}
              <Link to="/signup" state={location.state as unknown}>
                Create an account
              </Link>
            </>
          )}
        </p>
      </div>
    </main>
  );
}

function Field({
  label,
  type = 'text',
  autoComplete,
  value,
  error,
  hint,
  onChange,
  inputRef,
  testId,
}: {
  label: string;
  type?: string;
  autoComplete?: string;
  value: string;
  error?: string;
  hint?: string;
  onChange: (value: string) => void;
  inputRef: React.RefObject<HTMLInputElement>;
  testId: string;
}) {
  const id = useId();
  const describedBy = [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(' ');
  return (
    <div className="field">
      <label htmlFor={id} className="field__label">
        {label}
      </label>
      <input
        ref={inputRef}
        id={id}
        className="input"
        type={type}
        autoComplete={autoComplete}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy || undefined}
        data-testid={testId}
      />
      {hint && !error && (
        <p id={`${id}-hint`} className="field__hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="field__error" data-testid={`${testId}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}
