import { DEFAULT_REGISTRATION_SETTINGS, type RegistrationSettings } from '../../shared/registration';
import type { SqliteDatabase } from './database';
import { SettingsStore } from './settings';

const KEY = 'registration_settings';

/**
 * The registration policy, read on every registration and metadata-document
 * resolution (so a change in the admin app applies at once, also when made from
 * another process such as the CLI).
 */
export class RegistrationSettingsStore {
  readonly #settings: SettingsStore;

  constructor(db: SqliteDatabase) {
    this.#settings = new SettingsStore(db);
  }

  get(): RegistrationSettings {
    const raw = this.#settings.get(KEY);
    if (!raw) return structuredClone(DEFAULT_REGISTRATION_SETTINGS);
    const saved = JSON.parse(raw) as Partial<RegistrationSettings>;
    // Fields added in later versions get their defaults.
    return {
      metadataDocuments: { ...DEFAULT_REGISTRATION_SETTINGS.metadataDocuments, ...saved.metadataDocuments },
      dynamicRegistration: { ...DEFAULT_REGISTRATION_SETTINGS.dynamicRegistration, ...saved.dynamicRegistration },
    };
  }

  set(settings: RegistrationSettings): void {
    this.#settings.set(KEY, JSON.stringify(settings));
  }
}

/** Whether `host` is `domain` or one of its subdomains. */
export function hostInDomains(host: string, domains: readonly string[]): boolean {
  const h = host.toLowerCase();
  return domains.some((domain) => {
    const d = domain.toLowerCase().replace(/^\.+/, '');
    return h === d || h.endsWith(`.${d}`);
  });
}
