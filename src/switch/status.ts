/**
 * `apt-torrent status`: whether APT's sources are switched, which and which
 * not (and why), and whether APT finds the method. Reads only.
 */
import type { Apt } from '../apt/apt.js';
import { parseSources } from '../apt/sources-file.js';
import { currentMethods, type MethodChoice } from './method-choice.js';
import { sha256, type SwitchRecord } from './record.js';
import { methodFacts, readAptSetup, readConfState, readRecord, readSources, recordPath } from './system.js';
import { listed, plainUri, verdictsOf, type ListedSource } from './verdict.js';
import { readText } from './files.js';

export interface SwitchStatus {
  enabled: boolean;
  enabledAt?: string;
  record: string;
  confFile: { path: string; present: boolean; ours: boolean; edited: boolean };
  methods: MethodChoice[];
  /** Acquire::Max-Pipeline-Depth as APT sees it (APT's default 10 when unset). */
  pipelineDepth?: number;
  /** The files enable changed: as it wrote them, edited since, back as before, or gone. */
  files: Array<{ path: string; state: 'as-written' | 'edited' | 'as-before' | 'gone' }>;
  sources: ListedSource[];
}

export async function switchStatus(options: { apt: Apt; env: NodeJS.ProcessEnv; stateDir: string }): Promise<SwitchStatus> {
  const setup = await readAptSetup(options.apt);
  const path = recordPath(options.stateDir);
  const record = await readRecord(path);
  const conf = await readConfState(setup, record);
  const facts = await methodFacts(setup, conf, options.env);
  const switchedBy = new Map((record?.files ?? []).map((file) => [file.path, new Set(file.switched)]));
  const parsed = (await readSources(setup)).map((file) => ({ path: file.path, entries: parseSources(file.text, file.format) }));
  const verdicts = verdictsOf(parsed);
  const sources = parsed.flatMap((file) =>
    file.entries.map((entry) => {
      const verdict = verdicts.get(entry)!;
      const ours = verdict.state === 'switched' ? (switchedBy.get(file.path)?.has(plainUri(entry.uri)) ?? false) : undefined;
      return listed(file.path, entry, verdict, ours);
    }),
  );
  const depth = Number(setup.pipelineDepth);
  return {
    enabled: record !== undefined || conf.ours !== undefined,
    ...(record?.enabledAt ? { enabledAt: record.enabledAt } : {}),
    record: path,
    confFile: {
      path: conf.path,
      present: conf.current !== undefined,
      ours: conf.ours !== undefined,
      edited: conf.current !== undefined && record?.conf !== undefined && sha256(conf.current) !== record.conf.sha256,
    },
    methods: currentMethods(facts),
    ...(Number.isInteger(depth) && setup.pipelineDepth !== undefined ? { pipelineDepth: depth } : {}),
    files: await recordedFiles(record),
    sources,
  };
}

async function recordedFiles(record: SwitchRecord | undefined): Promise<SwitchStatus['files']> {
  const files: SwitchStatus['files'] = [];
  for (const file of record?.files ?? []) {
    const text = await readText(file.path);
    const hash = text === undefined ? undefined : sha256(text);
    const state = hash === undefined ? 'gone' : hash === file.writtenSha256 ? 'as-written' : hash === file.originalSha256 ? 'as-before' : 'edited';
    files.push({ path: file.path, state });
  }
  return files;
}
