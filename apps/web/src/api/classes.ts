import type { ClassDto, ClassList } from '@classchat/contracts';
import { request } from './http.js';

export const classesApi = {
  list: async () => (await request<ClassList>('/classes')).classes,
  create: async (name: string) =>
    unwrapClass(await request<unknown>('/classes', { method: 'POST', body: { name } })),
  rename: async (id: string, name: string) =>
    unwrapClass(await request<unknown>(`/classes/${id}`, { method: 'PATCH', body: { name } })),
  remove: (id: string) => request<unknown>(`/classes/${id}`, { method: 'DELETE' }),
};

/** Accept either `{class: ClassDto}` or a bare ClassDto as the answer of create/rename. */
function unwrapClass(body: unknown): ClassDto {
  const b = body as { class?: ClassDto } & Partial<ClassDto>;
  return (b.class ?? b) as ClassDto;
}
