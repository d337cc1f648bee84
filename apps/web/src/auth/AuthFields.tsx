import type { RefObject } from 'react';
import { TextField } from '../ui/TextField.js';
import { authFields, type AuthField, type AuthMode, type AuthValues } from './authForm.js';
import type { FieldErrors } from './fieldErrors.js';

/** The form's inputs, in order, each with its error underneath. */
export function AuthFields({
  mode,
  values,
  errors,
  refs,
  onChange,
}: {
  mode: AuthMode;
  values: AuthValues;
  errors: FieldErrors;
  refs: Record<AuthField, RefObject<HTMLInputElement>>;
  onChange: (field: AuthField, value: string) => void;
}) {
  return (
    <>
      {authFields(mode).map(({ field, ...spec }) => (
        <TextField
          key={field}
          {...spec}
          inputRef={refs[field]}
          value={values[field]}
          error={errors[field]}
          onChange={(v) => onChange(field, v)}
        />
      ))}
    </>
  );
}
