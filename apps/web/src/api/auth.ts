import {
  AuthResponse,
  AuthStatus,
  NoContent,
  Usage,
  type LoginBody,
  type SignupBody,
} from '@classchat/contracts';
import { request } from './http.js';

export const authApi = {
  status: () => request(AuthStatus, '/user/auth-status', { quiet401: true }),
  login: (body: LoginBody) => request(AuthResponse, '/user/login', { method: 'POST', body, quiet401: true }),
  signup: (body: SignupBody) =>
    request(AuthResponse, '/user/signup', { method: 'POST', body, quiet401: true }),
  logout: () => request(NoContent, '/user/logout', { method: 'POST', quiet401: true }),
  usage: () => request(Usage, '/user/usage'),
};
