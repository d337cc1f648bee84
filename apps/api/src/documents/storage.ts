import { statfs } from 'node:fs/promises';
import { AppError } from '@classchat/contracts';

/** Multipart framing around the file: a declared body this much over the allowance still may fit. */
export const MULTIPART_SLACK_BYTES = 64 * 1024;

const MB = 1024 * 1024;

/** "12 MB", "0.4 MB": what a student reads about sizes. */
export function formatMb(bytes: number): string {
  const mb = bytes / MB;
  return `${mb >= 10 ? Math.round(mb) : Math.round(mb * 10) / 10} MB`;
}

/** How large the next upload of a user may be, and the error for one that is larger. */
export interface UploadAllowance {
  maxBytes: number;
  tooLarge: () => AppError;
}

export const uploadTooLarge = (maxUploadBytes: number) =>
  new AppError('payload_too_large', `The file is larger than the ${formatMb(maxUploadBytes)} upload limit.`);

export const storageQuotaExceeded = (usedBytes: number, quotaBytes: number) => {
  const left = Math.max(0, quotaBytes - usedBytes);
  return new AppError(
    'storage_quota_exceeded',
    left === 0
      ? `Your library is full (${formatMb(usedBytes)} of ${formatMb(quotaBytes)}). Delete documents you no longer need to upload more.`
      : `This file does not fit in the ${formatMb(left)} left of your ${formatMb(quotaBytes)} library. Delete documents you no longer need to make room.`,
  );
};

/**
 * The allowance of a user who keeps `usedBytes` of `quotaBytes`: the upload limit, or what is left of
 * the quota when that is less. Throws the quota error when nothing is left.
 */
export function uploadAllowance(input: {
  usedBytes: number;
  quotaBytes: number;
  maxUploadBytes: number;
}): UploadAllowance {
  const left = input.quotaBytes - input.usedBytes;
  if (left <= 0) throw storageQuotaExceeded(input.usedBytes, input.quotaBytes);
  if (left >= input.maxUploadBytes) {
    return { maxBytes: input.maxUploadBytes, tooLarge: () => uploadTooLarge(input.maxUploadBytes) };
  }
  return { maxBytes: left, tooLarge: () => storageQuotaExceeded(input.usedBytes, input.quotaBytes) };
}

export const diskNearlyFull = () =>
  new AppError(
    'insufficient_storage',
    'Uploads are paused: the server is almost out of disk space. Please try again later.',
  );

/**
 * Refuses an upload (507) while the disk holding `dir` has less than `minFreeBytes` free once
 * `incomingBytes` more are written; 0 turns the check off.
 */
async function ensureDiskSpace(dir: string, minFreeBytes: number, incomingBytes: number): Promise<void> {
  if (minFreeBytes <= 0) return;
  const stats = await statfs(dir);
  const free = stats.bavail * stats.bsize;
  if (free - incomingBytes < minFreeBytes) throw diskNearlyFull();
}

export type DiskReserve = ReturnType<typeof createDiskReserve>;

/**
 * The disk's free space as uploads see it. Uploads still being received have not written their
 * bytes yet, so each reserves what it may write until it ends: without that, a thousand started at
 * once would each find the disk free and together fill it.
 */
export function createDiskReserve(dir: string, minFreeBytes: number) {
  let inFlight = 0;
  return {
    /**
     * Reserves `bytes`, then checks the free space against every reservation held (this one
     * counted first, so that concurrent uploads each count the others). Refused (507), it holds
     * nothing; otherwise it returns the release.
     */
    async reserve(bytes: number): Promise<() => void> {
      let held = bytes;
      inFlight += held;
      const release = () => {
        inFlight -= held;
        held = 0;
      };
      try {
        await ensureDiskSpace(dir, minFreeBytes, inFlight);
      } catch (err) {
        release();
        throw err;
      }
      return release;
    },
  };
}
