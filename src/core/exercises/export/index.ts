/**
 * The question-bank formats, one entry each: what the file is called and holds, and its writer.
 * POST /v1/exercises/export and its schema read this table; a new format is one entry here and
 * its writer beside it.
 */
import type { Bank, ExportFile, ExportedVariant } from './common.js';
import { canvasQti12 } from './canvas-qti12.js';
import { moodleXml } from './moodle-xml.js';
import { prairieLearn } from './prairielearn.js';
import { qti21 } from './qti21.js';

export type { Bank, ExportFile, ExportedVariant } from './common.js';
export { slug, titleOf } from './common.js';

export interface ExportFormat {
  /** The file's media type (without its charset). */
  mediaType: 'application/xml' | 'application/zip';
  /** What the file holds and how to import it, for the API's documentation. */
  description: string;
  /** The file of these variants. */
  write(variants: readonly ExportedVariant[], bank: Bank): ExportFile;
}

export const EXPORT_FORMATS = {
  'moodle-xml': {
    mediaType: 'application/xml',
    description:
      'a Moodle XML `<quiz>` of one cloze (multianswer) question per variant, UTF-8 (`<stem>-moodle.xml`): the statement as HTML with every answer key embedded as a NUMERICAL answer (`{1:NUMERICAL:=value:tolerance}`), the worked solution as general feedback. Import it in Moodle from Question bank > Import > Moodle XML format.',
    write: (variants, bank) => ({
      body: moodleXml(variants, bank.locale),
      type: 'application/xml; charset=utf-8',
      filename: `${bank.stem}-moodle.xml`,
    }),
  },
  // QTI 2.1 entry (qti21.ts)
  qti21: {
    mediaType: 'application/zip',
    description:
      'an IMS QTI 2.1 content package (`<stem>-qti21.zip`: `imsmanifest.xml` and `items/<stem>-<seed>.xml`) of one `assessmentItem` per variant, valid against imsqti_v2p1p2.xsd: the statement as XHTML with one text entry per number asked (a float response per element of every answer key, labelled `dL/dW[0, 1]`), each scored 1 when within the absolute tolerance grading allows around its value (`<equal toleranceMode="absolute">`), the worked solution as modal feedback. Import the zip as it is, e.g. in TAO from Items > Import > QTI/APIP Content Package, or in any LMS that imports QTI 2.1 packages into its question bank.',
    write: (variants, bank) => ({
      body: qti21(variants, bank),
      type: 'application/zip',
      filename: `${bank.stem}-qti21.zip`,
    }),
  },
  // Canvas QTI 1.2 entry (canvas-qti12.ts)
  'canvas-qti12': {
    mediaType: 'application/zip',
    description:
      'a zip in Canvas QTI 1.2 (`<stem>-canvas-qti.zip`: `imsmanifest.xml` and one `<questestinterop>` assessment per variant, in the order of the seeds) of one quiz per variant, titled with the variant\'s name and seed, holding one numerical_question per number that variant asks, every element of every answer key: the statement as HTML naming the number asked, the value as an exact answer with the tolerance as its margin, the worked solution as general feedback. Import it in Canvas from Settings > Import Course Content > Content Type "QTI .zip file": each variant becomes a quiz of its own (Classic Quizzes), to assign to the student (or section) whose seed it is with the quiz\'s "Assign to".',
    write: (variants, bank) => ({
      body: canvasQti12(variants, bank),
      type: 'application/zip',
      filename: `${bank.stem}-canvas-qti.zip`,
    }),
  },
  // PrairieLearn entry (prairielearn.ts)
  prairielearn: {
    mediaType: 'application/zip',
    description:
      "a zip of one PrairieLearn question folder (`<stem>-prairielearn.zip` holding `<stem>/info.json`, `question.html` and `server.py`): server.py's `generate()` picks a variant from PrairieLearn's `variant_seed` and sets its statement, worked solution and expected answers; question.html asks each number with a `pl-number-input` of the exercise's tolerance (`relabs` rtol/atol, `sigfig` or `decdig` digits); `grade()` asks POST /v1/grade for follow-through credit when `SERVICE_URL` (at the top of server.py) is set and the service answers within 3 s. Unzip it into the course's `questions/` directory (or upload the folder from the course's Files tab), then sync the course.",
    write: (variants, bank) => ({
      body: prairieLearn(variants, bank),
      type: 'application/zip',
      filename: `${bank.stem}-prairielearn.zip`,
    }),
  },
} as const satisfies Record<string, ExportFormat>;

export type ExportFormatName = keyof typeof EXPORT_FORMATS;

export const exportFormatNames = Object.keys(EXPORT_FORMATS) as [ExportFormatName, ...ExportFormatName[]];
