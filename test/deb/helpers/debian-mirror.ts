import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The Debian mirror this machine's APT uses (the first deb source whose path
 * ends in /debian), read from its sources so that no host is written into
 * the repository. Pure apart from reading the files.
 */
export function debianMirror(etcApt = '/etc/apt'): string | undefined {
  const files = [join(etcApt, 'sources.list')];
  try {
    for (const name of readdirSync(join(etcApt, 'sources.list.d')).sort()) {
      if (name.endsWith('.list') || name.endsWith('.sources')) files.push(join(etcApt, 'sources.list.d', name));
    }
  } catch {
    // No sources.list.d: sources.list alone.
  }
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    const uris = file.endsWith('.sources') ? deb822Uris(text) : oneLineUris(text);
    const found = uris.find((uri) => /^https?:\/\/[^/]+(\/.*)?\/debian\/?$/.test(uri));
    if (found) return found.replace(/\/$/, '');
  }
  return undefined;
}

export function oneLineUris(text: string): string[] {
  return text.split('\n').flatMap((line) => {
    const match = /^\s*deb\s+(?:\[[^\]]*\]\s+)?(\S+)/.exec(line);
    return match ? [match[1]!] : [];
  });
}

export function deb822Uris(text: string): string[] {
  return text.split(/\n\s*\n/).flatMap((stanza) => {
    const fields = new Map<string, string>();
    for (const line of stanza.split('\n')) {
      const match = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
      if (match) fields.set(match[1]!.toLowerCase(), match[2]!);
    }
    if (fields.get('enabled') === 'no' || !(fields.get('types') ?? '').split(/\s+/).includes('deb')) return [];
    return (fields.get('uris') ?? '').split(/\s+/).filter(Boolean);
  });
}
