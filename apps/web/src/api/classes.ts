import { ClassDto, ClassList, NoContent } from '@classchat/contracts';
import { request } from './http.js';

export const classesApi = {
  list: async () => (await request(ClassList, '/classes')).classes,
  create: (name: string) => request(ClassDto, '/classes', { method: 'POST', body: { name } }),
  rename: (id: string, name: string) =>
    request(ClassDto, `/classes/${id}`, { method: 'PATCH', body: { name } }),
  remove: (id: string) => request(NoContent, `/classes/${id}`, { method: 'DELETE' }),
};
