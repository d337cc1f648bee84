import { DocumentDto, DocumentList, NoContent, UploadResponse } from '@classchat/contracts';
import {
  API_BASE,
  ApiError,
  CSRF_HEADERS,
  errorFromBody,
  jsonOf,
  notifyUnauthorized,
  readResponse,
  request,
} from './http.js';

export const documentsApi = {
  list: async (classId?: string | null) =>
    (await request(DocumentList, `/documents${classId ? `?classId=${encodeURIComponent(classId)}` : ''}`))
      .documents,
  get: (id: string) => request(DocumentDto, `/documents/${id}`),
  remove: (id: string) => request(NoContent, `/documents/${id}`, { method: 'DELETE' }),
  fileUrl: (id: string) => `${API_BASE}/documents/${id}/file`,
};

export interface UploadHandle {
  promise: Promise<UploadResponse>;
  abort: () => void;
}

/**
 * `POST documents` as multipart (`file`, optional `classId`) through XMLHttpRequest, because fetch
 * cannot report upload progress. `onProgress` receives 0..1.
 */
export function uploadDocument(
  file: File,
  classId: string | null,
  onProgress: (fraction: number) => void,
): UploadHandle {
  const xhr = new XMLHttpRequest();
  const promise = new Promise<UploadResponse>((resolve, reject) => {
    xhr.open('POST', `${API_BASE}/documents`);
    xhr.withCredentials = true;
    xhr.setRequestHeader('Accept', 'application/json');
    for (const [name, value] of Object.entries(CSRF_HEADERS)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      const body = jsonOf(xhr.responseText);
      if (xhr.status >= 200 && xhr.status < 300) {
        const read = readResponse(UploadResponse, body, xhr.status, 'POST /documents');
        if (!read.ok) {
          reject(read.error);
          return;
        }
        onProgress(1);
        resolve(read.data);
        return;
      }
      if (xhr.status === 401) notifyUnauthorized();
      reject(errorFromBody(xhr.status, body));
    };
    xhr.onerror = () =>
      reject(
        new ApiError(0, 'network_error', 'The upload was interrupted. Check your connection and try again.'),
      );
    xhr.onabort = () => reject(new ApiError(0, 'cancelled', 'Upload cancelled.'));
    const form = new FormData();
    if (classId) form.append('classId', classId);
    form.append('file', file, file.name);
    xhr.send(form);
  });
  return { promise, abort: () => xhr.abort() };
}
