// Deterministic manuscript HTML of a given length, so every run sends and renders the same text.

const WORDS = (
  'the of and a to in was he it that his with had for as she on her at by which but from they were be this not ' +
  'all one said there an would have so when into him could out no been more if what up time who them some then ' +
  'river lantern winter harbour letter morning silence garden window shadow promise journey mountain whisper ' +
  'candle orchard memory stranger evening kitchen meadow thunder library captain sister village forgotten'
).split(' ');

/** A tiny linear congruential generator: the same seed gives the same text on every machine. */
function generator(seed: number) {
  let state = seed >>> 0 || 1;
  return () => (state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0) / 2 ** 32;
}

/** `words` words as <p> paragraphs of ~120 words, with an <h2> every 25 paragraphs (a chapter). */
export function manuscriptHtml(words: number, seed = 1): string {
  const random = generator(seed);
  const parts: string[] = [];
  let written = 0;
  let paragraph = 0;
  while (written < words) {
    if (paragraph % 25 === 0) parts.push(`<h2>Chapter ${paragraph / 25 + 1}</h2>`);
    const length = Math.min(words - written, 80 + Math.floor(random() * 80));
    const text: string[] = [];
    for (let i = 0; i < length; i++) text.push(WORDS[Math.floor(random() * WORDS.length)]!);
    text[0] = text[0]!.charAt(0).toUpperCase() + text[0]!.slice(1);
    parts.push(`<p>${text.join(' ')}.</p>`);
    written += length;
    paragraph++;
  }
  return parts.join('');
}
