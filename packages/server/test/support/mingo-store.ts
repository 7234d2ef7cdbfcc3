/**
 * An EventStore whose read side is the MongoDB store's own pipeline builders and readers, run
 * on mingo over the documents the MongoDB store would write. It tests the pipelines, not
 * MongoDB: sites and salts are kept in plain maps, and nothing here talks to a server.
 */
import { toEventDocument, type EventDocument } from '../../src/store/mongo/documents.js';
import type { PipelineQuery } from '../../src/store/mongo/pipelines/pipeline-query.js';
import { pipelineStatsReader } from '../../src/store/mongo/pipelines/stats-reader.js';
import { StoreError, type EventStore, type SiteRecord, type StatsReader, type StoredEvent } from '../../src/store/types.js';
import { runOnMingo } from './mingo-engine.js';

export class MingoPipelineStore implements EventStore {
  readonly documents: EventDocument[] = [];
  /** Every pipeline run, so a test can list the operators actually used. */
  readonly pipelinesRun: unknown[][] = [];
  private readonly sites = new Map<string, SiteRecord>();
  private readonly salts = new Map<string, Buffer>();
  private readonly reader: StatsReader;

  constructor() {
    this.reader = pipelineStatsReader(async <T>(method: string, query: PipelineQuery<T>) => {
      this.pipelinesRun.push(query.pipeline);
      try {
        // A JSON round trip would lose Dates; structuredClone keeps them and proves the pipeline does not depend on shared references.
        return query.read(runOnMingo(structuredClone(query.pipeline), this.documents));
      } catch (error) {
        throw new StoreError('mingo', method, error);
      }
    });
  }

  summary: StatsReader['summary'] = (request) => this.reader.summary(request);
  allTime: StatsReader['allTime'] = (site) => this.reader.allTime(site);

  async insertEvents(events: readonly StoredEvent[]): Promise<void> {
    this.documents.push(...events.map(toEventDocument));
  }

  async countEvents(site: string): Promise<number> {
    return this.documents.filter((document) => document.meta.site === site).length;
  }

  async createSite(site: SiteRecord): Promise<SiteRecord | null> {
    if (this.sites.has(site.domain)) return null;
    this.sites.set(site.domain, { ...site });
    return site;
  }

  async getSite(domain: string): Promise<SiteRecord | null> {
    return this.sites.get(domain) ?? null;
  }

  async listSites(): Promise<SiteRecord[]> {
    return [...this.sites.values()].sort((a, b) => (a.domain < b.domain ? -1 : a.domain > b.domain ? 1 : 0));
  }

  async daySalt(day: string, candidate: Buffer): Promise<Buffer> {
    if (!this.salts.has(day)) this.salts.set(day, candidate);
    for (const stored of this.salts.keys()) if (stored < day) this.salts.delete(stored);
    return this.salts.get(day)!;
  }

  async ping(): Promise<void> {}
  async close(): Promise<void> {}
}
