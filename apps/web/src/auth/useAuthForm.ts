import { LoginBody, SignupBody } from '@classchat/contracts';
import { useRef, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import { useAuth } from './AuthContext.js';
import {
  authFailure,
  firstInvalidField,
  type AuthField,
  type AuthMode,
  type AuthValues,
} from './authForm.js';
import { validateWith, type FieldErrors } from './fieldErrors.js';

/**
 * The log-in or sign-up form: its values, the errors under each field and above the button, and
 * `submit`, which checks the values with the server's schema, then signs in and goes on to `from`.
 */
export function useAuthForm(mode: AuthMode, from: string) {
  const { login, signup } = useAuth();
  const navigate = useNavigate();
  const [values, setValues] = useState<AuthValues>({ name: '', email: '', password: '' });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const refs = {
    name: useRef<HTMLInputElement>(null),
    email: useRef<HTMLInputElement>(null),
    password: useRef<HTMLInputElement>(null),
  };

  function showFieldErrors(errs: FieldErrors) {
    setErrors(errs);
    const first = firstInvalidField(mode, errs);
    if (first) refs[first].current?.focus();
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    setFormError(null);
    const checked =
      mode === 'signup'
        ? validateWith(SignupBody, values)
        : validateWith(LoginBody, { email: values.email, password: values.password });
    if (checked.errors) return showFieldErrors(checked.errors);
    setErrors({});
    setBusy(true);
    try {
      if (mode === 'signup') await signup(checked.data as SignupBody);
      else await login(checked.data);
      void navigate(from, { replace: true });
    } catch (err) {
      setBusy(false);
      const failure = authFailure(err);
      showFieldErrors(failure.fieldErrors);
      setFormError(failure.formError);
    }
  }

  function update(field: AuthField, value: string) {
    setValues((v) => ({ ...v, [field]: value }));
    if (errors[field]) setErrors((e) => ({ ...e, [field]: undefined }));
  }

  return { values, errors, formError, busy, refs, submit, update };
}
