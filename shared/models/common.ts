import { z } from 'zod';

/** Identifier of things Keel names itself (environments, connections): safe in files, URLs and keys. */
export const slugSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'use 1-63 lower-case letters, digits, "-" or "_"');

export const isoDateSchema = z.iso.datetime({ offset: true });

export const hostSchema = z
  .string()
  .min(1, 'host is required')
  .max(253)
  .regex(/^[A-Za-z0-9._:[\]-]+$/, 'host may contain letters, digits, ".", "-", ":" and [] only');

export const portSchema = z.int().min(1).max(65535);
