export { loadRagConfig, type RagConfig } from './config.js';
export { startRag, type RunningRag } from './server.js';
export { createApp } from './app.js';
