export { loadRagConfig, type RagConfig } from './config.js';
export { startRag, type RunningRag } from './server.js';
export { createApp } from './app.js';
export { runIngestPipeline, type PipelineDeps, type PipelineResult } from './ingest/pipeline.js';
export { createOpenAIEmbedder, type Embedder } from './ingest/embed.js';
export { createIsolatedParser, type DocumentParser, type IsolatedParser } from './ingest/isolated-parse.js';
