export * from './stream-controls.js';
