import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, Route, Routes } from 'react-router-dom';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SocketProvider } from '../streaming/SocketContext.js';
import { fakeApi } from '../test/fakeApi.js';
import { FakeSocket } from '../test/fakeSocket.js';
import { ROUTER_FUTURE } from '../ui/routerFuture.js';
import { AuthProvider } from './AuthContext.js';
import { AuthPage } from './AuthPage.js';

function setup(path: '/login' | '/signup') {
  const api = fakeApi().on('GET /user/auth-status', { body: { user: null } });
  render(
    <MemoryRouter initialEntries={[path]} future={ROUTER_FUTURE}>
      <SocketProvider socket={new FakeSocket().asSocket()}>
        <AuthProvider>
          <Routes>
            <Route path="/login" element={<AuthPage mode="login" />} />
            <Route path="/signup" element={<AuthPage mode="signup" />} />
            <Route path="/chat" element={<p>Chat home</p>} />
          </Routes>
        </AuthProvider>
      </SocketProvider>
    </MemoryRouter>,
  );
  return api;
}

describe('AuthPage', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('shows inline errors before sending an invalid signup, and focuses the first', async () => {
    const api = setup('/signup');
    await userEvent.type(screen.getByLabelText('Email'), 'not-an-email');
    await userEvent.type(screen.getByLabelText('Password'), 'short');
    await userEvent.click(screen.getByRole('button', { name: 'Create account' }));
    expect(screen.getByTestId('auth-name-error').textContent).toBe('Enter your name');
    expect(screen.getByTestId('auth-email-error').textContent).toBe('Enter a valid email address');
    expect(screen.getByTestId('auth-password-error').textContent).toMatch(/at least 8 characters/);
    expect(document.activeElement).toBe(screen.getByLabelText('Name'));
    expect(screen.getByLabelText('Email').getAttribute('aria-invalid')).toBe('true');
    expect(api.callsTo('POST', '/user/signup')).toHaveLength(0);
  });

  it("places the server's 400 issues under their fields", async () => {
    const api = setup('/signup');
    api.on('POST /user/signup', {
      status: 409,
      body: {
        message: 'Invalid input',
        code: 'conflict',
        issues: [{ path: 'email', message: 'An account with this email already exists' }],
      },
    });
    await userEvent.type(screen.getByLabelText('Name'), 'Ada');
    await userEvent.type(screen.getByLabelText('Email'), 'ada@example.com');
    await userEvent.type(screen.getByLabelText('Password'), 'correct horse');
    await userEvent.click(screen.getByRole('button', { name: 'Create account' }));
    expect((await screen.findByTestId('auth-email-error')).textContent).toBe(
      'An account with this email already exists',
    );
  });

  it('logs in and goes to the chat', async () => {
    const api = setup('/login');
    api.on('POST /user/login', {
      body: {
        user: {
          id: '00000000-0000-4000-8000-0000000000a1',
          email: 'ada@example.com',
          name: 'Ada',
          plan: 'free',
        },
        token: 't',
      },
    });
    await userEvent.type(screen.getByLabelText('Email'), 'Ada@Example.com ');
    await userEvent.type(screen.getByLabelText('Password'), 'correct horse');
    await userEvent.click(screen.getByRole('button', { name: 'Log in' }));
    expect(await screen.findByText('Chat home')).toBeTruthy();
    expect(api.callsTo('POST', '/user/login')[0]!.body).toEqual({
      email: 'ada@example.com',
      password: 'correct horse',
    });
  });

  it('says so when the password is wrong', async () => {
    const api = setup('/login');
    api.on('POST /user/login', {
      status: 401,
      body: { message: 'Invalid email or password', code: 'unauthorized' },
    });
    await userEvent.type(screen.getByLabelText('Email'), 'ada@example.com');
    await userEvent.type(screen.getByLabelText('Password'), 'wrong password');
    await userEvent.click(screen.getByRole('button', { name: 'Log in' }));
    expect((await screen.findByTestId('auth-error')).textContent).toMatch(/do not match an account/);
  });
});
