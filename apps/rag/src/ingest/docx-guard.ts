import yauzl from 'yauzl';
import { failures, IngestFailure } from './errors.js';

/** The most a DOCX may unpack to. A document's XML is read into memory as text, so this bounds it. */
export const DOCX_MAX_UNPACKED_BYTES = 256 * 1024 * 1024;

/**
 * Refuses a DOCX that would unpack to more than `maxBytes`: a "zip bomb" of a few megabytes that
 * inflates to gigabytes would exhaust rag's memory inside mammoth. The entries' declared sizes are
 * summed, then every entry is inflated and thrown away; yauzl fails an entry that inflates beyond
 * its declared size, so a header that lies about it cannot slip through either.
 */
export async function assertDocxUnpackedSize(
  bytes: Uint8Array,
  maxBytes = DOCX_MAX_UNPACKED_BYTES,
): Promise<void> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.fromBufferPromise(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
      lazyEntries: true,
      validateEntrySizes: true,
      strictFileNames: false,
    });
  } catch {
    throw failures.damaged();
  }
  try {
    let declared = 0;
    for await (const entry of zip.eachEntry()) {
      declared += entry.uncompressedSize;
      if (declared > maxBytes) throw failures.tooLargeUnpacked(maxBytes);
      const content = await zip.openReadStreamPromise(entry);
      for await (const chunk of content) void chunk;
    }
  } catch (err) {
    if (err instanceof IngestFailure) throw err;
    throw failures.damaged();
  } finally {
    zip.close();
  }
}
