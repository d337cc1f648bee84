import {
  decodeSse,
  IngestEvent,
  INTERNAL_TOKEN_HEADER,
  SemanticSearchResponse,
  type SemanticSearchBody,
} from '@classchat/contracts';

/** rag's internal HTTP API as the benchmarks drive it: ingest a stored document, ask a question. */
export interface RagHttp {
  /** Ingests through rag's endpoint; resolves with its `ready` event. */
  ingest(documentId: string, userId: string): Promise<Extract<IngestEvent, { type: 'ready' }>>;
  /** The blocking answer (`POST /api/v1/semantic_search`). */
  ask(body: SemanticSearchBody): Promise<SemanticSearchResponse>;
}

export function ragHttp(url: string, internalToken: string): RagHttp {
  const post = async (path: string, body: unknown): Promise<Response> => {
    const res = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [INTERNAL_TOKEN_HEADER]: internalToken },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(120_000),
    });
    if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
    return res;
  };
  return {
    async ingest(documentId, userId) {
      const res = await post(`/api/v1/documents/${documentId}/ingest`, { user_id: userId });
      for await (const event of decodeSse(res.body!, IngestEvent)) {
        if (event.type === 'ready') return event;
        if (event.type === 'error') throw new Error(`ingest failed: ${event.message}`);
      }
      throw new Error('ingest ended without ready');
    },
    async ask(body) {
      const res = await post('/api/v1/semantic_search', body);
      return SemanticSearchResponse.parse(await res.json());
    },
  };
}
