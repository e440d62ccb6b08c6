/**
 * Where each value of a JSON text starts, by the path the service names it with
 * (`graph.nodes[2].args[0]`, `neuron.activaton`): so that an error in a spec written as JSON is
 * shown at its place in the text. The text has been parsed by JSON.parse already; this only walks
 * it. A member's place is where its key starts.
 */
export function jsonPlaces(text: string): Map<string, number> {
  const places = new Map<string, number>();
  let i = 0;
  const blank = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const string = (): string => {
    const start = i;
    i++;
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i));
  };
  const value = (path: string, at: number): void => {
    blank();
    if (path !== '') places.set(path, at);
    if (text[i] === '{') {
      i++;
      blank();
      while (text[i] !== '}') {
        const keyAt = i;
        const key = string();
        blank();
        i++; // :
        value(path === '' ? key : `${path}.${key}`, keyAt);
        blank();
        if (text[i] === ',') i++;
        blank();
      }
      i++;
    } else if (text[i] === '[') {
      i++;
      blank();
      for (let index = 0; text[i] !== ']'; index++) {
        blank();
        value(`${path}[${index}]`, i);
        blank();
        if (text[i] === ',') i++;
        blank();
      }
      i++;
    } else if (text[i] === '"') string();
    else while (i < text.length && !',]} \t\n\r'.includes(text[i])) i++;
  };
  value('', 0);
  return places;
}

/** The line and column (from 1) of an offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}
