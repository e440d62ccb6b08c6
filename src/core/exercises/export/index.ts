/**
 * The question-bank formats, one entry each: what the file is called and holds, and its writer.
 * POST /v1/exercises/export and its schema read this table; a new format is one entry here and
 * its writer beside it.
 */
import type { Locale } from '../format.js';
import type { ExportedVariant } from './common.js';
import { moodleXml } from './moodle-xml.js';

export type { ExportedVariant } from './common.js';
export { slug, titleOf } from './common.js';

/** A question bank: the file's bytes (or text, UTF-8), its content type and its name. */
export interface ExportFile {
  body: string | Uint8Array;
  type: string;
  filename: string;
}

export interface ExportFormat {
  /** The file's media type (without its charset). */
  mediaType: 'application/xml' | 'application/zip';
  /** What the file holds and how to import it, for the API's documentation. */
  description: string;
  /** The file of these variants; `stem` is the file name's stem (the template id, or the title's slug). */
  write(variants: readonly ExportedVariant[], locale: Locale, stem: string): ExportFile;
}

export const EXPORT_FORMATS = {
  'moodle-xml': {
    mediaType: 'application/xml',
    description:
      'a Moodle XML `<quiz>` of one cloze (multianswer) question per variant, UTF-8 (`<stem>-moodle.xml`): the statement as HTML with every answer key embedded as a NUMERICAL answer (`{1:NUMERICAL:=value:tolerance}`), the worked solution as general feedback. Import it in Moodle from Question bank > Import > Moodle XML format.',
    write: (variants, locale, stem) => ({
      body: moodleXml(variants, locale),
      type: 'application/xml; charset=utf-8',
      filename: `${stem}-moodle.xml`,
    }),
  },
} as const satisfies Record<string, ExportFormat>;

export type ExportFormatName = keyof typeof EXPORT_FORMATS;

export const exportFormatNames = Object.keys(EXPORT_FORMATS) as [ExportFormatName, ...ExportFormatName[]];
