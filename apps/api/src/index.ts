export { loadApiConfig, type ApiConfig } from './config.js';
export { startApi, type RunningApi } from './server.js';
export { createApp } from './app.js';
export { createTokenService, type TokenService } from './auth/tokens.js';
