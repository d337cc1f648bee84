/**
 * Words software manuals use interchangeably for one operation or thing. A student asks how to
 * "clear" a variable, "hide" something or "send" a plot to a file; the manual's section says `kill`,
 * `unset` or `set output`. Each group lists the verbs (or nouns) that manuals and their commands use
 * for the same job, as found across command languages and their documentation (Unix commands, Lisp
 * and shell builtins, plotting and typesetting programs): it is written from how manuals phrase
 * things, not from any one manual, and it is deliberately small and plain — generic everyday
 * synonyms ("big" for "large") belong to embeddings, not here. A word whose everyday sense is not
 * the operation is left out even where manuals use it so ("write" a comment, the "start" of a path,
 * "make" a plot, "stop" it from asking, an "option", the "screen"): it would expand the many questions
 * that use it in that sense. Nor is a word that names the main command of a kind of program and
 * so stands on nearly every page of its manuals ("plot" beside "graph" and "chart").
 *
 * Full-text search adds a question word's group companions as weak terms (see `expansionWeight` in
 * the db package's ranking): they reorder what the question's own words find and never count towards
 * the relevance floor, so a question the material does not cover stays not covered.
 */
const GROUPS: readonly (readonly string[])[] = [
  // Taking something away: a value, a definition, a setting, an object.
  ['remove', 'delete', 'erase', 'clear', 'kill', 'unset', 'undefine', 'discard', 'purge'],
  // Making something not shown or not in effect.
  ['hide', 'suppress', 'disable', 'deactivate', 'unset', 'omit', 'mute'],
  // Making something shown or in effect.
  ['enable', 'activate'],
  // Putting something where a person sees it.
  ['display', 'show', 'print', 'view', 'echo'],
  // Putting results somewhere else: a file, a device, another program.
  ['output', 'save', 'export', 'send', 'redirect', 'dump'],
  // Bringing something in from a file.
  ['load', 'read', 'import', 'include'],
  // Starting and stopping programs and computations.
  ['launch', 'run', 'execute', 'invoke'],
  ['quit', 'exit', 'terminate', 'abort', 'halt'],
  // Measuring how long something takes.
  ['time', 'timer', 'timing', 'clock', 'elapsed'],
  // Changing and making things.
  ['change', 'modify', 'alter', 'adjust', 'customize', 'edit'],
  ['create', 'define', 'declare', 'construct'],
  ['copy', 'duplicate', 'clone'],
  ['rename', 'move'],
  ['combine', 'merge', 'join', 'concatenate', 'append'],
  ['split', 'separate', 'divide'],
  ['replace', 'substitute', 'swap'],
  ['find', 'search', 'locate', 'lookup'],
  ['sort', 'arrange'],
  ['repeat', 'loop', 'iterate', 'iteration'],
  ['undo', 'revert', 'restore', 'reset'],
  ['install', 'setup'],
  ['update', 'upgrade', 'refresh'],
  // Things programs and their manuals name in several ways.
  ['function', 'procedure', 'routine', 'subroutine'],
  ['directory', 'folder'],
  ['label', 'caption', 'annotation', 'tag'],
  ['legend', 'key'],
  ['picture', 'image', 'figure'],
  ['size', 'dimension', 'dimensions'],
];

const GROUPS_OF = new Map<string, number[]>();
GROUPS.forEach((group, g) => {
  for (const word of group) GROUPS_OF.set(word, [...(GROUPS_OF.get(word) ?? []), g]);
});

/**
 * The other forms of the group words that are irregular verbs, which the English stemmer leaves
 * apart: a manual writes that output "is sent" to a file where the student asks how to "send" it.
 * The same rule as for the groups holds: a form whose everyday sense is not the operation is left
 * out ("shown" in "as shown below"). A form is the same word as the question's, not a companion:
 * it is searched as a list of its own, so a chunk that holds it and a synonym counts both.
 */
const FORMS: readonly (readonly string[])[] = [
  ['send', 'sent'],
  ['run', 'ran'],
  ['hide', 'hid', 'hidden'],
];

const FORMS_OF = new Map<string, readonly string[]>();
for (const family of FORMS) for (const word of family) FORMS_OF.set(word, family);

/** At most this many related words are added (a long question would otherwise add dozens). */
export const MAX_RELATED = 24;

/**
 * The group words a question word may be an inflection of: the word itself, without a plural or
 * third-person "s"/"es", without "ed"/"d", without "ing" (with or without a restored "e":
 * "hiding" → "hide", "clearing" → "clear").
 */
function baseForms(word: string): string[] {
  const forms = [word];
  if (word.endsWith('es')) forms.push(word.slice(0, -2));
  if (word.endsWith('s')) forms.push(word.slice(0, -1));
  if (word.endsWith('ed')) forms.push(word.slice(0, -2), word.slice(0, -1));
  if (word.endsWith('ing')) forms.push(word.slice(0, -3), `${word.slice(0, -3)}e`);
  return forms;
}

/**
 * For each word of the question that belongs to a group, its groups' other members (without the
 * question's own words), in the question's order: one list per question word, each standing in for
 * that word, followed by a list of its other irregular forms when it has some. At most
 * {@link MAX_RELATED} words in all.
 */
export function relatedWords(question: string): string[][] {
  const words = (question.toLowerCase().match(/[a-z]+/g) ?? []).slice(0, 200);
  const own = new Set(words.flatMap(baseForms));
  const related: string[][] = [];
  const seen = new Set<string>();
  let count = 0;
  const take = (candidates: readonly string[]) => {
    const list: string[] = [];
    for (const other of candidates) {
      if (own.has(other) || seen.has(other) || count >= MAX_RELATED) continue;
      seen.add(other);
      list.push(other);
      count++;
    }
    if (list.length > 0) related.push(list);
  };
  for (const word of words) {
    const forms = baseForms(word);
    // An irregular form ("sent") stands for its verb's groups too.
    const family = forms.map((f) => FORMS_OF.get(f)).find((f) => f !== undefined);
    const base = [...forms, ...(family ?? [])].find((f) => GROUPS_OF.has(f));
    if (base !== undefined) take(GROUPS_OF.get(base)!.flatMap((g) => GROUPS[g]!));
    if (family) take(family);
  }
  return related;
}
