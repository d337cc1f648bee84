export * from './types.js';
export { startFakeOpenAI } from './server.js';
export { cosineSimilarity, embeddingToBase64, fakeEmbedding } from './embeddings.js';
export {
  countPromptTokens,
  countTokens,
  defaultReply,
  lastUserText,
  messageText,
  splitTokens,
  syntheticTokens,
} from './text.js';
