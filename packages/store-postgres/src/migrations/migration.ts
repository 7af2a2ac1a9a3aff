/**
 * One versioned step of the store's schema. Applied in `version` order inside one transaction, with
 * `search_path` set to the store's schema, so the SQL names its tables without a schema. A step is
 * never edited once released: its checksum is recorded and a changed step is refused.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}
